import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { z } from 'zod';
import { CardError, describeInput, formatFieldPath, formatMiB } from './errors.ts';
import { Lorebook } from './schema.ts';

// Lenient reading shared by cards and lorebooks: repair spec fields, report each repair, never touch extensions.

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies `key: value` as an own property even for keys like `__proto__` (plain assignment would drop them). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** SillyTavern regex keys are written `/pattern/flags`. */
export function isRegexKey(key: string): boolean {
  return /^\/.+\/[a-z]*$/s.test(key);
}

/** How a field is needed: `required` (spec field: repair and report), `silent` (default quietly: the source spec predates it), `optional`. */
export type FieldNeed = 'required' | 'silent' | 'optional';

const splitCommas = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);
const wrapText = (text: string) => (text.trim() ? [text] : []);
const splitKeys = (text: string) => (isRegexKey(text.trim()) ? [text.trim()] : splitCommas(text));
export const listSplitters = { commas: splitCommas, wrap: wrapText, keys: splitKeys };

function numberFromText(text: string): number | undefined {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function booleanFrom(value: unknown): boolean | undefined {
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const t = value.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no') return false;
  return undefined;
}

const isBlank = (value: unknown) => value === null || (typeof value === 'string' && value.trim() === '');
const describe = (value: unknown) => (value === undefined ? 'missing' : value === null ? 'null' : 'empty text');

/**
 * Repairs fields of `target` (a copy the caller owns) in place and appends one warning per repair,
 * each naming the field path under `base`, e.g. `data.character_book.extensions: missing, set to {}`.
 */
export function fieldRepairer(target: Record<string, unknown>, base: string, warnings: string[]) {
  const at = (key: string) => (base ? `${base}.${key}` : key);
  const warn = (key: string, what: string) => warnings.push(`${at(key)}: ${what}`);
  const absent = (key: string, need: FieldNeed, fallback: unknown, shown: string): void => {
    const value = target[key];
    if (need === 'optional') {
      if (value !== undefined) {
        delete target[key];
        warn(key, `${describe(value)}, removed`);
      }
      return;
    }
    target[key] = fallback;
    if (need === 'required' || value !== undefined) warn(key, `${describe(value)}, set to ${shown}`);
  };

  const repairer = {
    text(key: string, need: FieldNeed): void {
      const value = target[key];
      if (value === undefined || value === null) return absent(key, need, '', '""');
      if (typeof value === 'number' || typeof value === 'boolean') {
        target[key] = String(value);
        warn(key, `${typeof value} where text was expected, converted to "${String(value)}"`);
      }
    },
    list(key: string, need: FieldNeed, split: (text: string) => string[]): void {
      const value = target[key];
      if (value === undefined || value === null) return absent(key, need, [], '[]');
      if (typeof value === 'string') {
        const items = split(value);
        target[key] = items;
        warn(key, `text instead of a list, read as ${items.length} item(s)`);
        return;
      }
      if (!Array.isArray(value) || value.every((item) => typeof item === 'string')) return;
      const items: unknown[] = [];
      value.forEach((item, index) => {
        if (typeof item === 'number' || typeof item === 'boolean') {
          items.push(String(item));
          warn(`${key}[${index}]`, `${typeof item} where text was expected, converted to "${String(item)}"`);
        } else if (item === null || item === undefined) {
          warn(`${key}[${index}]`, 'null, dropped');
        } else items.push(item);
      });
      target[key] = items;
    },
    number(key: string, need: FieldNeed, fallback?: number): void {
      const value = target[key];
      if (value === undefined || isBlank(value)) return absent(key, need, fallback, String(fallback));
      if (typeof value !== 'string') return;
      const n = numberFromText(value);
      if (n === undefined) return; // left for validation to report
      target[key] = n;
      warn(key, `number stored as text ("${value}"), converted to ${n}`);
    },
    boolean(key: string, need: FieldNeed, fallback?: boolean): void {
      const value = target[key];
      if (value === undefined || isBlank(value)) return absent(key, need, fallback, String(fallback));
      if (typeof value === 'boolean') return;
      const b = booleanFrom(value);
      if (b === undefined) return;
      target[key] = b;
      warn(key, `boolean stored as ${typeof value} (${JSON.stringify(value)}), converted to ${b}`);
    },
    record(key: string, need: FieldNeed): void {
      const value = target[key];
      if (value === undefined || isBlank(value)) return absent(key, need, {}, '{}');
      if (typeof value !== 'string') return;
      try {
        const parsed: unknown = JSON.parse(value);
        if (!isRecord(parsed)) return;
        target[key] = parsed;
        warn(key, 'JSON text instead of an object, parsed');
      } catch {
        // left for validation to report
      }
    },
    /** Unix seconds (V3 `creation_date`); numeric text, date text and milliseconds are converted. */
    timestamp(key: string): void {
      repairer.number(key, 'optional');
      const value = target[key];
      if (typeof value === 'string') {
        const ms = Date.parse(value);
        if (Number.isNaN(ms)) return;
        target[key] = Math.floor(ms / 1000);
        warn(key, `date text ("${value}"), converted to Unix seconds`);
      } else if (typeof value === 'number' && value > 1e11) {
        target[key] = Math.floor(value / 1000);
        warn(key, 'milliseconds, converted to Unix seconds');
      }
    },
  };
  return repairer;
}

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
// Files

type FileKind = 'card' | 'lorebook';

/** Reads a file after checking its size with `stat`, so an oversized file is refused without being read. */
export async function readFileWithLimit(path: string, maxBytes: number, kind: FileKind): Promise<Uint8Array> {
  const what = kind === 'card' ? 'character cards' : 'lorebooks';
  const tooLarge = (size: number) =>
    new CardError(`${kind}/too-large` as const, `${path}: file is ${formatMiB(size)}, over the ${formatMiB(maxBytes)} limit for ${what}; check it is the right file, or raise maxBytes`, { path });
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CardError(`${kind}/not-found` as const, `${path}: not a regular file; give the path of a ${kind} file`, { path });
    size = info.size;
  } catch (error) {
    if (error instanceof CardError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CardError(`${kind}/not-found` as const, `${path}: no such file; check the path`, { path, cause: error });
    }
    throw error;
  }
  if (size > maxBytes) throw tooLarge(size);
  const bytes = await readFile(path);
  if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength); // grew since stat
  return bytes;
}

/** Decodes text (UTF-8 with or without BOM, or UTF-16 with BOM) and parses it as JSON, naming the line and column on failure. */
export function parseJsonBytes(bytes: Uint8Array, path: string | undefined, kind: FileKind, what = 'file'): unknown {
  const file = describeInput(path, kind);
  let text: string;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
    else text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new CardError(`${kind}/bad-json` as const, `${file}: the ${what} is not UTF-8 text; save it as UTF-8 JSON`, { path, cause: error });
  }
  return parseJsonText(text, path, kind, what);
}

export function parseJsonText(text: string, path: string | undefined, kind: FileKind, what = 'file'): unknown {
  const file = describeInput(path, kind);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trim()) throw new CardError(`${kind}/bad-json` as const, `${file}: the ${what} is empty; expected JSON`, { path });
  try {
    return JSON.parse(body);
  } catch (error) {
    const reason = (error as Error).message.replace(/\s+/g, ' ').slice(0, 120);
    const position = /position (\d+)/.exec(reason);
    let where = '';
    if (position) {
      const before = body.slice(0, Number(position[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
    }
    throw new CardError(`${kind}/bad-json` as const, `${file}: the ${what} is not valid JSON${where} (${reason}); fix the JSON or re-export it`, { path, cause: error });
  }
}

/** Lists zod issues as `path: message` items for one-line messages (at most five). */
export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>, prefix: string): { fields: string; first: string } {
  const items = issues.map((issue) => (issue.path.length || prefix ? `${formatFieldPath(issue.path, prefix)}: ${issue.message}` : issue.message));
  const more = items.length > 5 ? `; and ${items.length - 5} more` : '';
  return { fields: items.slice(0, 5).join('; ') + more, first: formatFieldPath(issues[0]?.path ?? [], prefix) };
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
