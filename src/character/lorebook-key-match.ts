import type { RE2Set } from 're2js';
import type { CompiledKey } from './lorebook-keys.ts';
import { mayContain, trigramFilter } from './trigram-filter.ts';

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;
/** Scripts written without spaces: their letters count as word boundaries, as `\W` makes them in SillyTavern. */
const UNSPACED_SCRIPT = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
/** Texts at least this long get a trigram filter: one pass over the text instead of one per key. */
const GRAM_MIN_TEXT = 2048;

/** A book's regex keys as one RE2 set. */
export interface RegexSet {
  builtAt: number;
  /** Absent for fewer than two regex keys, or when RE2 could not build it: each key is then tried alone. */
  set?: RE2Set;
  ids: Map<CompiledKey, number>;
}

/** A text scanned for keys during one activation, with what was already found in it. */
export interface ScanText {
  raw: string;
  lower?: string;
  /** Results of keys already tried on this text during this call. */
  hits: Map<CompiledKey, boolean>;
  /** The book's regex set, and which of its keys occur in this text (one pass, on first use). */
  regexSet?: RegexSet;
  setMatches?: Set<number>;
  /** Trigram filters of long texts (see `mayContain`), built on first use. */
  rawGrams?: Uint32Array;
  lowerGrams?: Uint32Array;
}

/** Whether the key occurs in any of the texts (each result remembered on its text for this call). */
export function matchesAny(key: CompiledKey, texts: readonly ScanText[]): boolean {
  for (const text of texts) {
    let hit = text.hits.get(key);
    if (hit === undefined) {
      hit = matches(key, text);
      text.hits.set(key, hit);
    }
    if (hit) return true;
  }
  return false;
}

function matches(key: CompiledKey, text: ScanText): boolean {
  switch (key.kind) {
    case 'invalid':
    case 'unsupported':
      return false;
    case 'regex': {
      const id = text.regexSet?.ids.get(key);
      if (id === undefined) return key.regex.test(text.raw);
      text.setMatches ??= new Set(text.regexSet!.set!.match(text.raw));
      return text.setMatches.has(id);
    }
    case 'plain': {
      const haystack = key.caseSensitive ? text.raw : (text.lower ??= text.raw.toLowerCase());
      if (haystack.length >= GRAM_MIN_TEXT && key.grams.length > 0) {
        const grams = key.caseSensitive ? (text.rawGrams ??= trigramFilter(haystack)) : (text.lowerGrams ??= trigramFilter(haystack));
        if (!mayContain(grams, key.grams)) return false;
      }
      return key.wholeWord ? containsWholeWord(haystack, key.needle) : haystack.includes(key.needle);
    }
  }
}

function containsWholeWord(haystack: string, needle: string): boolean {
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (!isWordChar(codePointBefore(haystack, at)) && !isWordChar(haystack.codePointAt(at + needle.length))) return true;
  }
  return false;
}

function codePointBefore(text: string, index: number): number | undefined {
  if (index === 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) return text.codePointAt(index - 2);
  return low;
}

function isWordChar(codePoint: number | undefined): boolean {
  if (codePoint === undefined) return false;
  const char = String.fromCodePoint(codePoint);
  return WORD_CHAR.test(char) && !UNSPACED_SCRIPT.test(char);
}
