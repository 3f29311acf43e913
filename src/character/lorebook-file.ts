import { basename, extname } from 'node:path';
import { CardError, describeInput, describeIssues } from './errors.ts';
import { describe, fieldRepairer, listSplitters } from './field-repair.ts';
import { DEFAULT_MAX_BYTES, parseJsonBytes, readFileWithLimit } from './json-input.ts';
import { isRecord, setOwn } from './plain-object.ts';
import { lorebookKeyWarnings } from './lorebook-key-problems.ts';
import { Lorebook } from './schema.ts';

/** SillyTavern regex keys are written `/pattern/flags`. */
export function isRegexKey(key: string): boolean {
  return /^\/.+\/[a-z]*$/s.test(key);
}

const splitKeys = (text: string) => (isRegexKey(text.trim()) ? [text.trim()] : listSplitters.commas(text));

// ---------------------------------------------------------------------------------------------
// SillyTavern world info → Character Card V3 lorebook entries

/** ST entry fields → the extension names SillyTavern itself uses when it embeds a world into a card. */
const ST_EXTENSION_NAMES: Record<string, string> = {
  excludeRecursion: 'exclude_recursion',
  displayIndex: 'display_index',
  outletName: 'outlet_name',
  groupOverride: 'group_override',
  groupWeight: 'group_weight',
  preventRecursion: 'prevent_recursion',
  delayUntilRecursion: 'delay_until_recursion',
  scanDepth: 'scan_depth',
  matchWholeWords: 'match_whole_words',
  useGroupScoring: 'use_group_scoring',
  caseSensitive: 'case_sensitive',
  automationId: 'automation_id',
  matchPersonaDescription: 'match_persona_description',
  matchCharacterDescription: 'match_character_description',
  matchCharacterPersonality: 'match_character_personality',
  matchCharacterDepthPrompt: 'match_character_depth_prompt',
  matchScenario: 'match_scenario',
  matchCreatorNotes: 'match_creator_notes',
  ignoreBudget: 'ignore_budget',
  // probability, useProbability, depth, selectiveLogic, group, role, vectorized, sticky, cooldown, delay, triggers keep their names
};

/** SillyTavern's `selectiveLogic` values, as stored in `extensions.selectiveLogic`. */
export const SELECTIVE_LOGIC = { 0: 'AND_ANY', 1: 'NOT_ALL', 2: 'NOT_ANY', 3: 'AND_ALL' } as const;

function isSillyTavernEntry(entry: Record<string, unknown>): boolean {
  return !('keys' in entry) && ('key' in entry || 'keysecondary' in entry || 'uid' in entry || 'disable' in entry);
}

function fromSillyTavernEntry(raw: Record<string, unknown>, base: string, warnings: string[]): Record<string, unknown> {
  const st = { ...raw };
  const repair = fieldRepairer(st, base, warnings);
  repair.list('key', 'required', splitKeys);
  repair.list('keysecondary', 'optional', splitKeys);
  repair.text('content', 'required');
  repair.text('comment', 'optional');
  repair.boolean('constant', 'optional');
  repair.boolean('selective', 'optional');
  repair.boolean('disable', 'optional');
  repair.number('order', 'required', 100);
  repair.number('position', 'optional');
  const { uid, key, keysecondary, comment, content, constant, selective, order, position, disable, extensions, ...rest } = st;

  const entry: Record<string, unknown> = {};
  if (uid !== undefined && uid !== null) entry.id = uid;
  entry.keys = key;
  if (keysecondary !== undefined) entry.secondary_keys = keysecondary;
  if (comment !== undefined) {
    entry.comment = comment;
    entry.name = comment;
  }
  entry.content = content;
  if (constant !== undefined) entry.constant = constant;
  if (selective !== undefined) entry.selective = selective;
  entry.insertion_order = order;
  entry.enabled = disable === undefined ? true : typeof disable === 'boolean' ? !disable : disable;
  if (typeof position === 'number') entry.position = position === 0 ? 'before_char' : 'after_char';
  const allKeys = [key, keysecondary].flatMap((list) => (Array.isArray(list) ? list : []));
  entry.use_regex = allKeys.some((k) => typeof k === 'string' && isRegexKey(k));
  if (typeof rest.caseSensitive === 'boolean') entry.case_sensitive = rest.caseSensitive;

  const ext: Record<string, unknown> = isRecord(extensions) ? { ...extensions } : {};
  if (extensions !== undefined && !isRecord(extensions)) setOwn(ext, 'extensions', extensions);
  if (position !== undefined) ext.position = position;
  for (const [name, value] of Object.entries(rest)) setOwn(ext, Object.hasOwn(ST_EXTENSION_NAMES, name) ? ST_EXTENSION_NAMES[name] : name, value);
  entry.extensions = ext;
  return entry;
}

/** Repairs one character-book entry (or converts a SillyTavern world-info entry); the input is not modified. */
export function normalizeLorebookEntry(value: unknown, base: string, warnings: string[], spec: 'v2' | 'v3'): unknown {
  if (!isRecord(value)) return value;
  let entry: Record<string, unknown>;
  if (isSillyTavernEntry(value)) {
    warnings.push(`${base}: SillyTavern world-info entry (key/order/disable), converted to a lorebook entry`);
    entry = fromSillyTavernEntry(value, base, warnings);
  } else entry = { ...value };

  const repair = fieldRepairer(entry, base, warnings);
  repair.list('keys', 'required', splitKeys);
  repair.text('content', 'required');
  repair.record('extensions', 'required');
  repair.boolean('enabled', 'required', true);
  repair.number('insertion_order', 'required', 100);
  repair.boolean('use_regex', spec === 'v3' ? 'required' : 'silent', false);
  repair.boolean('case_sensitive', 'optional');
  repair.boolean('constant', 'optional');
  repair.boolean('selective', 'optional');
  repair.text('name', 'optional');
  repair.text('comment', 'optional');
  repair.number('priority', 'optional');
  repair.list('secondary_keys', 'optional', splitKeys);
  if (entry.id === null) {
    delete entry.id;
    warnings.push(`${base}.id: null, removed`);
  }
  const position = entry.position;
  if (position === null) {
    delete entry.position;
    warnings.push(`${base}.position: null, removed`);
  } else if (typeof position === 'number') {
    entry.position = position === 0 ? 'before_char' : 'after_char';
    if (isRecord(entry.extensions) && entry.extensions.position === undefined) {
      entry.extensions = { ...entry.extensions, position };
    }
    warnings.push(`${base}.position: number ${position} (SillyTavern style), set to "${entry.position}"`);
  }
  return entry;
}

/** Repairs a character book / lorebook object; the input is not modified. `spec` decides which missing fields are reported. */
export function normalizeLorebook(value: unknown, base: string, warnings: string[], spec: 'v2' | 'v3'): unknown {
  if (!isRecord(value)) return value;
  const book = { ...value };
  const repair = fieldRepairer(book, base, warnings);
  repair.text('name', 'optional');
  repair.text('description', 'optional');
  repair.number('scan_depth', 'optional');
  repair.number('token_budget', 'optional');
  repair.boolean('recursive_scanning', 'optional');
  repair.record('extensions', 'required');
  const at = base ? `${base}.entries` : 'entries';
  const entries = book.entries;
  if (entries === undefined || entries === null) {
    book.entries = [];
    warnings.push(`${at}: ${describe(entries)}, set to []`);
  } else if (isRecord(entries)) {
    warnings.push(`${at}: an object keyed by id (SillyTavern world-info style), read as a list`);
    book.entries = Object.entries(entries).map(([id, entry]) => normalizeLorebookEntry(entry, `${at}.${id}`, warnings, spec));
  } else if (Array.isArray(entries)) {
    book.entries = entries.map((entry, index) => normalizeLorebookEntry(entry, `${at}[${index}]`, warnings, spec));
  }
  return book;
}

// ---------------------------------------------------------------------------------------------
// Lorebook files

export type LorebookFormat = 'lorebook_v3' | 'sillytavern-world-info' | 'character_book';

export interface LoadedLorebook {
  lorebook: Lorebook;
  format: LorebookFormat;
  warnings: string[];
}

function fromSillyTavernWorld(value: Record<string, unknown>, warnings: string[], name: string | undefined): Record<string, unknown> {
  const { entries, name: ownName, description, ...rest } = value;
  const book: Record<string, unknown> = {};
  const bookName = typeof ownName === 'string' && ownName ? ownName : name;
  if (bookName !== undefined) book.name = bookName;
  if (description !== undefined) book.description = description;
  const extensions: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(rest)) setOwn(extensions, key, item);
  book.extensions = extensions;
  const list = Array.isArray(entries) ? entries.map((e, i) => [`entries[${i}]`, e] as const) : Object.entries(entries as Record<string, unknown>).map(([k, e]) => [`entries.${k}`, e] as const);
  book.entries = list.map(([at, entry]) => (isRecord(entry) ? fromSillyTavernEntry(entry, at, warnings) : entry));
  return book;
}

/**
 * Reads a lorebook from parsed JSON: the spec's `{spec: "lorebook_v3", data}`, a SillyTavern world-info file,
 * a bare character_book object, or a character card's embedded book.
 * @example parseLorebookJson(JSON.parse(text), { path: 'Eldoria.json', name: 'Eldoria' })
 */
export function parseLorebookJson(value: unknown, options: { path?: string; name?: string } = {}): LoadedLorebook {
  const { path } = options;
  const file = describeInput(path, 'lorebook');
  const warnings: string[] = [];
  const badFormat = (why: string) =>
    new CardError('lorebook/bad-format', `${file}: not a lorebook: ${why}; expected {"spec": "lorebook_v3", "data": {...}}, a SillyTavern world-info file ({"entries": {...}}) or a character_book object ({"entries": [...]})`, { path });
  if (!isRecord(value)) throw badFormat(`the JSON is ${Array.isArray(value) ? 'an array' : typeof value}, not an object`);

  let format: LorebookFormat;
  let base: string;
  let book: unknown;
  if (value.spec === 'lorebook_v3') {
    if (!isRecord(value.data)) throw badFormat('"data" is missing or not an object');
    format = 'lorebook_v3';
    base = 'data';
    book = normalizeLorebook(value.data, base, warnings, 'v3');
  } else if (value.spec === 'chara_card_v2' || value.spec === 'chara_card_v3' || (isRecord(value.data) && 'character_book' in value.data)) {
    const data = isRecord(value.data) ? value.data : {};
    if (!isRecord(data.character_book)) throw badFormat('this is a character card without an embedded character_book');
    format = 'character_book';
    base = 'data.character_book';
    warnings.push(`${base}: read the lorebook embedded in a character card`);
    book = normalizeLorebook(data.character_book, base, warnings, value.spec === 'chara_card_v3' ? 'v3' : 'v2');
  } else if (isRecord(value.entries) || (Array.isArray(value.entries) && value.entries.some((e) => isRecord(e) && isSillyTavernEntry(e)))) {
    format = 'sillytavern-world-info';
    base = '';
    book = normalizeLorebook(fromSillyTavernWorld(value, warnings, options.name), base, warnings, 'v2');
  } else if (Array.isArray(value.entries)) {
    format = 'character_book';
    base = '';
    book = normalizeLorebook(value, base, warnings, 'v2');
  } else {
    throw badFormat(typeof value.spec === 'string' ? `unknown spec "${value.spec}"` : 'no "entries" field');
  }

  if (isRecord(book) && book.name === undefined && options.name) book.name = options.name;
  const parsed = Lorebook.safeParse(book);
  if (!parsed.success) {
    const { fields, first } = describeIssues(parsed.error.issues, base);
    throw new CardError('lorebook/invalid', `${file}: invalid lorebook: ${fields}; fix these fields`, { path, field: first });
  }
  warnings.push(...lorebookKeyWarnings(parsed.data, base));
  return { lorebook: parsed.data, format, warnings };
}

/**
 * Reads a lorebook file (JSON); the book is named after the file when it has no name.
 * @example const { lorebook, warnings } = await readLorebookFile('Eldoria.json')
 */
export async function readLorebookFile(path: string, options: { maxBytes?: number } = {}): Promise<LoadedLorebook> {
  const bytes = await readFileWithLimit(path, options.maxBytes ?? DEFAULT_MAX_BYTES, 'lorebook');
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    throw new CardError('lorebook/bad-format', `${path}: this is a PNG image, not a lorebook JSON file; to use a card's embedded lorebook, read the character card`, { path });
  }
  const value = parseJsonBytes(bytes, path, 'lorebook');
  return parseLorebookJson(value, { path, name: basename(path, extname(path)) });
}

/** The spec's standalone lorebook file: `{ spec: "lorebook_v3", data }`. */
export function toLorebookJson(lorebook: Lorebook): { spec: 'lorebook_v3'; data: Lorebook } {
  return { spec: 'lorebook_v3', data: lorebook };
}
