import { extname } from 'node:path';
import { RESEARCH_KEYS, RESEARCH_STASH, TOP_LEVEL_STASH, V1_KEYS, V3_ONLY_KEYS, V3_STASH } from './card-export.ts';
import { isZip, readCharx } from './charx.ts';
import { CardError, describeInput, describeIssues } from './errors.ts';
import { fieldRepairer, listSplitters } from './field-repair.ts';
import { DEFAULT_MAX_BYTES, parseJsonBytes, readFileWithLimit } from './json-input.ts';
import { isRecord, setOwn } from './plain-object.ts';
import { lorebookKeyWarnings } from './lorebook-key-problems.ts';
import { normalizeLorebook } from './lorebook-file.ts';
import { isPng, readCardPng } from './png.ts';
import { Character, ResearchFields, type CardFormat, type CardSpec, type LoadedCharacter } from './schema.ts';

export interface ParseCharacterOptions {
  /** Named in warnings and errors. */
  path?: string;
  /** Limit for compressed content inside the file (CHARX entries, compressed PNG text); default 20 MiB. */
  maxBytes?: number;
}

/**
 * Reads a character card file (PNG, CHARX or JSON; V1, V2 or V3). The size is checked before reading.
 * @example const { character, warnings } = await readCharacterFile('Seraphina.png')
 */
export async function readCharacterFile(path: string, options: { maxBytes?: number } = {}): Promise<LoadedCharacter> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = await readFileWithLimit(path, maxBytes, 'card');
  return parseCharacterBytes(bytes, { path, maxBytes });
}

function imageKind(bytes: Uint8Array): string | undefined {
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'JPEG';
  if (text(0, 4) === 'RIFF' && text(8, 12) === 'WEBP') return 'WEBP';
  if (text(0, 4) === 'GIF8') return 'GIF';
  return undefined;
}

/** Reads a card from bytes, sniffing the format: PNG signature, zip (CHARX), otherwise UTF-8 JSON. */
export function parseCharacterBytes(bytes: Uint8Array, options: ParseCharacterOptions = {}): LoadedCharacter {
  const { path } = options;
  const file = describeInput(path);
  if (isPng(bytes)) {
    const png = readCardPng(bytes, options);
    const loaded = parseCharacterJson(png.json, { path, format: 'png' });
    return { ...loaded, source: { ...loaded.source, image: bytes }, warnings: [...png.warnings, ...loaded.warnings] };
  }
  if (isZip(bytes)) {
    const charx = readCharx(bytes, options);
    const loaded = parseCharacterJson(charx.json, { path, format: 'charx' });
    const source = { ...loaded.source, files: charx.files, ...(charx.image ? { image: charx.image } : {}) };
    return { ...loaded, source, warnings: [...charx.warnings, ...loaded.warnings] };
  }
  const image = imageKind(bytes);
  const extension = path ? extname(path).toLowerCase() : '';
  if (image || extension === '.png') {
    throw new CardError('card/not-png', `${file}: ${image ? `this is a ${image} image` : 'not a PNG file (wrong signature)'}; character cards are read from PNG, JSON or CHARX files, export the card again in one of those`, { path });
  }
  if (extension === '.charx') {
    throw new CardError('card/bad-charx', `${file}: not a zip archive, so not a CHARX card; export the card again`, { path });
  }
  const value = parseJsonBytes(bytes, path, 'card', 'card');
  assertCardShaped(value, file, path);
  return parseCharacterJson(value, { path, format: 'json' });
}

/** V1 fields besides name and description (and their Pygmalion names): other JSON files rarely have them. */
const CARD_EVIDENCE = ['personality', 'scenario', 'first_mes', 'mes_example', 'world_scenario', 'char_greeting', 'example_dialogue'];

/**
 * Refuses a JSON file that is clearly not a character card before it is read as one: without a card `spec`, a
 * V1 (flat) or spec-less V2 object must have a name and at least one V1 field other than the description, which
 * many JSON files have (a package.json has a name and a description). Real V1 exports carry all six fields.
 * The message names fields, never values: the file may be anything.
 */
function assertCardShaped(value: unknown, file: string, path: string | undefined): void {
  if (!isRecord(value)) return; // parseCharacterJson says what it is
  const spec = value.spec;
  if (typeof spec === 'string' && (spec.startsWith('chara_card') || spec === 'lorebook_v3')) return;
  const fields = isRecord(value.data) ? { ...value, ...value.data } : value;
  const present = (key: string) => fields[key] !== undefined && fields[key] !== null;
  if (!('name' in fields) && !('char_name' in fields) && 'entries' in value) return; // a lorebook: parseCharacterJson says so
  if ((present('name') || present('char_name')) && CARD_EVIDENCE.some(present)) return;
  const shape = typeof spec === 'string'
    ? 'a JSON object whose "spec" is not chara_card_v2 or chara_card_v3'
    : isRecord(value.data) ? 'a JSON object with "data" but no "spec"' : 'a JSON object without "spec" or "data"';
  throw new CardError('card/not-a-card',
    `${file}: not a character card: ${shape} is read as a V1 card only when it has "name" and at least one of personality, scenario, first_mes, mes_example; check this is a character card file (V1, V2 or V3 JSON, PNG or CHARX)`,
    { path });
}

const LEGACY_V1: Record<string, string> = {
  char_name: 'name',
  char_persona: 'description',
  world_scenario: 'scenario',
  char_greeting: 'first_mes',
  example_dialogue: 'mes_example',
};
const CHARACTER_KEYS = new Set(Object.keys(Character.shape));
const looksLikeText = (value: unknown) => typeof value === 'string' && /^\s*([-+]?(\d+\.?\d*|\.\d+)|true|false)\s*$/i.test(value);
const describeMissing = (value: unknown) => (value === undefined ? 'missing' : value === null ? 'null' : 'empty');

interface Unwrapped {
  spec: CardSpec;
  data: Record<string, unknown>;
  topLevel: Record<string, unknown>;
}

/** Separates the card wrapper: `data`, V1 mirrors (checked against `data`) and unknown top-level keys. */
function unwrap(value: Record<string, unknown>, file: string, path: string | undefined, warnings: string[]): Unwrapped {
  const topLevel: Record<string, unknown> = {};
  const spec = value.spec;
  if (spec === 'lorebook_v3' || (spec === undefined && value.data === undefined && 'entries' in value && !('name' in value) && !('char_name' in value))) {
    throw new CardError('card/invalid', `${file}: this is a lorebook, not a character card; read it as a lorebook (readLorebookFile)`, { path });
  }

  if (spec === undefined && (value.data === undefined || value.data === null)) {
    const data: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (CHARACTER_KEYS.has(key)) setOwn(data, key, item);
    for (const [key, item] of Object.entries(value)) {
      if (CHARACTER_KEYS.has(key)) continue;
      const target = Object.hasOwn(LEGACY_V1, key) ? LEGACY_V1[key] : undefined;
      if (target !== undefined && (data[target] === undefined || data[target] === null || data[target] === '')) {
        data[target] = item;
        warnings.push(`${key}: legacy (Pygmalion) field, moved to ${target}`);
      } else setOwn(topLevel, key, item);
    }
    return { spec: 'v1', data, topLevel };
  }

  let cardSpec: CardSpec;
  if (spec === 'chara_card_v3') cardSpec = 'v3';
  else if (spec === 'chara_card_v2') cardSpec = 'v2';
  else if (spec === undefined) {
    cardSpec = 'v2';
    warnings.push('spec: missing, read as chara_card_v2 because the card has a data object');
  } else {
    cardSpec = 'v3';
    warnings.push(`spec: unknown value ${JSON.stringify(spec)}, read as chara_card_v3`);
  }
  const version = value.spec_version;
  const expected = cardSpec === 'v3' ? '3' : '2';
  if (spec !== undefined && (version === undefined || String(version).split('.')[0] !== expected)) {
    warnings.push(`spec_version: ${version === undefined ? 'missing' : JSON.stringify(version)}, read as ${expected}.0`);
  }

  let data: Record<string, unknown>;
  if (isRecord(value.data)) data = { ...value.data };
  else if (value.data === undefined || value.data === null) {
    data = {};
    warnings.push(`data: ${describeMissing(value.data)}, built from the top-level V1 fields`);
  } else {
    throw new CardError('card/invalid', `${file}: data: expected an object, got ${Array.isArray(value.data) ? 'an array' : typeof value.data}; fix the card's data field`, { path, field: 'data' });
  }

  const mirrors = new Set<string>(V1_KEYS);
  for (const [key, item] of Object.entries(value)) {
    if (key === 'spec' || key === 'spec_version' || key === 'data') continue;
    if (!mirrors.has(key)) {
      setOwn(topLevel, key, item);
      continue;
    }
    const inner = data[key];
    if (inner === undefined || inner === null || (key === 'name' && inner === '')) {
      if (item !== undefined && item !== null) {
        data[key] = item;
        warnings.push(`data.${key}: ${describeMissing(inner)}, filled from the top-level ${key}`);
      }
    } else if (item !== undefined && item !== null && item !== inner) {
      warnings.push(`${key}: the top-level value differs from data.${key}; kept data.${key}`);
    }
  }
  return { spec: cardSpec, data, topLevel };
}

/** Moves Dramatis' own extension stashes back into the character; other extension values are left untouched. */
function liftExtensions(data: Record<string, unknown>, base: string, topLevel: Record<string, unknown>, warnings: string[]): void {
  const source = data.extensions;
  if (!isRecord(source)) return;
  const extensions: Record<string, unknown> = { ...source };
  const at = `${base ? `${base}.` : ''}extensions`;

  for (const [key, item] of Object.entries(source)) {
    if (!key.startsWith('dramatis') && looksLikeText(item)) {
      const kind = /^\s*(true|false)\s*$/i.test(item as string) ? 'boolean' : 'number';
      warnings.push(`${at}.${key}: ${kind} stored as text (${JSON.stringify(item)}), kept as is (extensions are never modified)`);
    }
  }

  const v3 = extensions[V3_STASH];
  if (isRecord(v3)) {
    const left: Record<string, unknown> = { ...v3 };
    for (const key of V3_ONLY_KEYS) {
      if (v3[key] === undefined || data[key] !== undefined) continue;
      data[key] = v3[key];
      delete left[key];
    }
    if (Object.keys(left).length > 0) extensions[V3_STASH] = left;
    else delete extensions[V3_STASH];
  }

  const research = extensions[RESEARCH_STASH];
  if (isRecord(research)) {
    const left: Record<string, unknown> = { ...research };
    for (const key of RESEARCH_KEYS) {
      const item = research[key];
      if (item === undefined) continue;
      const field = `${at}.${RESEARCH_STASH}.${key}`;
      if (data[key] !== undefined) {
        warnings.push(`${field}: also set as ${base ? `${base}.` : ''}${key}; kept that one, this one left in extensions`);
        continue;
      }
      const parsed = ResearchFields.shape[key].safeParse(item);
      if (parsed.success) {
        data[key] = parsed.data;
        delete left[key];
      } else {
        warnings.push(`${field}: invalid, left in extensions (${describeIssues(parsed.error.issues, '').fields})`);
      }
    }
    if (Object.keys(left).length > 0) extensions[RESEARCH_STASH] = left;
    else delete extensions[RESEARCH_STASH];
  } else if (research !== undefined) {
    warnings.push(`${at}.${RESEARCH_STASH}: not an object, left as is`);
  }

  if (Object.keys(topLevel).length > 0) {
    const previous = extensions[TOP_LEVEL_STASH];
    const merged: Record<string, unknown> = isRecord(previous) ? { ...previous } : {};
    for (const [key, item] of Object.entries(topLevel)) setOwn(merged, key, item);
    extensions[TOP_LEVEL_STASH] = merged;
  }
  data.extensions = extensions;
}

/**
 * Reads a parsed card JSON (V1 flat object, V2 or V3 wrapper): parses leniently, reports each repair as a warning
 * naming the field, then validates strictly (`card/invalid` names the failing fields).
 * @example parseCharacterJson(JSON.parse(text), { path: 'alice.json' })
 */
export function parseCharacterJson(value: unknown, options: { path?: string; format?: CardFormat } = {}): LoadedCharacter {
  const { path } = options;
  const file = describeInput(path);
  const warnings: string[] = [];
  if (!isRecord(value)) {
    throw new CardError('card/invalid', `${file}: a character card is a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}; check this is a card file`, { path });
  }
  const { spec, data, topLevel } = unwrap(value, file, path, warnings);
  const base = spec === 'v1' ? '' : 'data';
  const at = (key: string) => (base ? `${base}.${key}` : key);
  const repair = fieldRepairer(data, base, warnings);

  repair.text('name', 'optional');
  if (typeof data.name !== 'string' || !data.name.trim()) {
    throw new CardError('card/missing-name', `${file}: ${at('name')} is missing or empty; every character card needs a name, add one and load the card again`, { path, field: at('name') });
  }

  repair.record('extensions', spec === 'v1' ? 'silent' : 'required');
  liftExtensions(data, base, topLevel, warnings);

  const v2Need = spec === 'v1' ? 'silent' : 'required';
  const v3Need = spec === 'v3' ? 'required' : 'silent';
  for (const key of V1_KEYS) repair.text(key, 'required');
  for (const key of ['creator_notes', 'system_prompt', 'post_history_instructions', 'creator', 'character_version']) repair.text(key, v2Need);
  repair.list('alternate_greetings', v2Need, listSplitters.wrap);
  repair.list('tags', v2Need, listSplitters.commas);
  repair.list('group_only_greetings', v3Need, listSplitters.wrap);
  repair.text('nickname', 'optional');
  repair.list('source', 'optional', listSplitters.wrap);
  repair.record('creator_notes_multilingual', 'optional');
  repair.timestamp('creation_date');
  repair.timestamp('modification_date');
  if (data.assets === null) {
    delete data.assets;
    warnings.push(`${at('assets')}: null, removed`);
  }
  if (data.character_book === null) {
    delete data.character_book;
    warnings.push(`${at('character_book')}: null, removed`);
  } else if (data.character_book !== undefined) {
    data.character_book = normalizeLorebook(data.character_book, at('character_book'), warnings, spec === 'v3' ? 'v3' : 'v2');
  }

  const parsed = Character.safeParse(data);
  if (!parsed.success) {
    const { fields, first } = describeIssues(parsed.error.issues, base);
    throw new CardError('card/invalid', `${file}: invalid character card: ${fields}; fix these fields in the card`, { path, field: first });
  }
  // Compiles the book's keys now (activation reuses them) and reports those that can never match.
  if (parsed.data.character_book) warnings.push(...lorebookKeyWarnings(parsed.data.character_book, at('character_book')));
  return {
    character: parsed.data,
    source: { ...(path === undefined ? {} : { path }), format: options.format ?? 'json', spec, extraTopLevel: topLevel },
    warnings,
  };
}
