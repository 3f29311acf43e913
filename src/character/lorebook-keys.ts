import type { RE2JS } from 're2js';
import { readBoolean } from './card-values.ts';
import { compileRegexKey } from './regex-key.ts';
import type { LorebookEntry } from './schema.ts';
import { keyTrigrams } from './trigram-filter.ts';

/** A lorebook key compiled once: a plain phrase (with its trigrams), an RE2 regex, or a regex that never matches and why. */
export type CompiledKey =
  | { kind: 'plain'; key: string; needle: string; caseSensitive: boolean; wholeWord: boolean; grams: Uint32Array }
  | { kind: 'regex'; key: string; regex: RE2JS }
  | { kind: 'invalid' | 'unsupported'; key: string; message: string; backtracking?: boolean };

export interface KeyMode {
  caseSensitive: boolean;
  wholeWords: boolean;
  useRegex: boolean;
}

/** A book's compiled keys by mode and text: immutable values, shared by the entries that repeat a key. */
export type BookKeys = Map<string, CompiledKey>;

/** A key or content that holds macros (`{{char}}`, `<user>`): rendered before it is matched or scanned. */
export const MACRO_HINT = /\{\{|<(?:user|bot|char)>/i;

/**
 * Case sensitivity: the V3 field, else `extensions.case_sensitive`. `use_regex` makes every key a pattern, except in
 * SillyTavern exports (recognised by `extensions.display_index`), which write `use_regex: true` on every entry while
 * meaning "keys written `/like this/` are regexes".
 */
export function keyMode(entry: LorebookEntry): KeyMode {
  const extensions = entry.extensions ?? {};
  const caseSensitive = (typeof entry.case_sensitive === 'boolean' ? entry.case_sensitive : readBoolean(extensions.case_sensitive)) === true;
  return {
    caseSensitive,
    wholeWords: readBoolean(extensions.match_whole_words) === true,
    useRegex: entry.use_regex === true && !('display_index' in extensions),
  };
}

/** The book's compiled form of `key` under `mode`, compiled on first use. */
export function internedKey(bookKeys: BookKeys, key: string, mode: KeyMode): CompiledKey {
  const name = `${Number(mode.caseSensitive)}${Number(mode.wholeWords)}${Number(mode.useRegex)}${key}`;
  let compiled = bookKeys.get(name);
  if (!compiled) bookKeys.set(name, (compiled = compileKey(key, mode)));
  return compiled;
}

export function compileKey(key: string, mode: KeyMode): CompiledKey {
  const slashed = parseSlashRegex(key);
  if (slashed || mode.useRegex) {
    const compiled = slashed ? compileRegexKey(slashed.pattern, slashed.flags) : compileRegexKey(key, mode.caseSensitive ? '' : 'i');
    if (compiled.kind === 'regex') return { kind: 'regex', key, regex: compiled.regex };
    return { kind: compiled.kind, key, message: compiled.reason, ...(compiled.kind === 'unsupported' ? { backtracking: compiled.backtracking } : {}) };
  }
  const needle = mode.caseSensitive ? key : key.toLowerCase();
  return {
    kind: 'plain',
    key,
    needle,
    grams: keyTrigrams(needle),
    caseSensitive: mode.caseSensitive,
    // SillyTavern matches keys of several words as plain substrings even with whole words on.
    wholeWord: mode.wholeWords && !/\s/.test(key),
  };
}

/** SillyTavern's `/pattern/flags` keys; a pattern with an unescaped `/` is a plain key. */
function parseSlashRegex(key: string): { pattern: string; flags: string } | undefined {
  const match = /^\/([\s\S]+?)\/([dgimsuyv]*)$/.exec(key);
  if (!match || /(^|[^\\])\//.test(match[1])) return undefined;
  return { pattern: match[1], flags: match[2] };
}

export function sameMode(a: KeyMode, b: KeyMode): boolean {
  return a.caseSensitive === b.caseSensitive && a.wholeWords === b.wholeWords && a.useRegex === b.useRegex;
}
