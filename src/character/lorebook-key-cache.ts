// The only state kept between activations: a per-entry cache of compiled keys and token counts, checked against the
// entry on every call, and each book's compiled keys by text, so that a key repeated across a book is compiled and tried once.
import { RE2Set } from 're2js';
import { type BookKeys, type CompiledKey, compileKey, internedKey, type KeyMode, keyMode, MACRO_HINT, sameMode } from './lorebook-keys.ts';
import type { RegexSet } from './lorebook-key-match.ts';
import { renderMacros, type MacroContext } from './macros.ts';
import type { Lorebook, LorebookEntry } from './schema.ts';
import type { TokenCounter } from '../text/index.ts';

const MAX_RENDERED_KEYS = 64;

/** One key of an entry, compiled. */
export interface KeySlot {
  /** Key as written (trimmed). */
  source: string;
  /** Index in the entry's list as written (blank keys are left out of the slots). */
  position: number;
  /** Compiled once; for keys with macros, the form used when no macro context is given. */
  compiled: CompiledKey;
  hasMacros: boolean;
}

/** An entry's compiled keys and content token count, valid while its keys, mode and content stay the same. */
export interface EntryCache {
  keys: readonly string[];
  secondary: readonly string[];
  mode: KeyMode;
  primary: KeySlot[];
  secondaryKeys: KeySlot[];
  /** Compiled forms of macro-rendered keys, by rendered text. */
  rendered: Map<string, CompiledKey>;
  tokens?: { counter: TokenCounter; content: string; count: number };
}

/** Keyed by entry object; each call re-checks keys, mode and content, so mutating an entry is safe. */
const entryCaches = new WeakMap<LorebookEntry, EntryCache>();

/** A book's compiled keys, and its regex keys as one set. */
export interface BookState {
  keys: BookKeys;
  /** The regex keys as one set, built on first use and again when keys were added since (`builtAt` is `keys.size` then). */
  regexSet?: RegexSet;
}
const bookStates = new WeakMap<Lorebook, BookState>();

export function stateOf(book: Lorebook): BookState {
  let state = bookStates.get(book);
  if (!state) bookStates.set(book, (state = { keys: new Map() }));
  return state;
}

/** The book's regex keys as one RE2 set, rebuilt when the book gained keys. */
export function regexSetOf(state: BookState): RegexSet {
  if (state.regexSet?.builtAt === state.keys.size) return state.regexSet;
  const regexKeys = [...state.keys.values()].filter((key) => key.kind === 'regex');
  state.regexSet = { builtAt: state.keys.size, ids: new Map() };
  if (regexKeys.length < 2) return state.regexSet;
  try {
    const set = new RE2Set();
    const ids = new Map(regexKeys.map((key) => [key, set.add(key.regex.pattern())] as const));
    set.compile();
    state.regexSet = { builtAt: state.keys.size, set, ids };
  } catch {
    // Each key is tried alone.
  }
  return state.regexSet;
}

export function entryCache(entry: LorebookEntry, bookKeys: BookKeys): EntryCache {
  const keys = entry.keys ?? [];
  const secondary = entry.secondary_keys ?? [];
  const mode = keyMode(entry);
  const cached = entryCaches.get(entry);
  if (cached && sameStrings(cached.keys, keys) && sameStrings(cached.secondary, secondary) && sameMode(cached.mode, mode)) return cached;
  const slots = (list: readonly string[]): KeySlot[] =>
    list.flatMap((key, position) => {
      const source = key.trim();
      return source === '' ? [] : [{ source, position, compiled: internedKey(bookKeys, source, mode), hasMacros: MACRO_HINT.test(source) }];
    });
  const fresh: EntryCache = {
    keys: [...keys],
    secondary: [...secondary],
    mode,
    primary: slots(keys),
    secondaryKeys: slots(secondary),
    rendered: new Map(),
    tokens: cached?.tokens,
  };
  entryCaches.set(entry, fresh);
  return fresh;
}

export function renderedKey(cache: EntryCache, source: string, macros: MacroContext): CompiledKey {
  const text = renderMacros(source, macros).trim();
  let compiled = cache.rendered.get(text);
  if (!compiled) {
    if (cache.rendered.size >= MAX_RENDERED_KEYS) cache.rendered.clear();
    compiled = compileKey(text, cache.mode);
    cache.rendered.set(text, compiled);
  }
  return compiled.key === source ? compiled : { ...compiled, key: source };
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
