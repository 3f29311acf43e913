import { RE2Set, type RE2JS } from 're2js';
import { countTokens, type TokenCounter } from '../text/index.ts';
import { CardError } from './errors.ts';
import { renderMacros, type MacroContext } from './macros.ts';
import { compileRegexKey } from './regex-key.ts';
import type { Lorebook, LorebookEntry } from './schema.ts';

/**
 * Lorebook (world info) activation, following SillyTavern's world-info scan and Character Card V2/V3.
 * Pure: the only state kept between calls is a per-entry cache of compiled keys and token counts
 * (see `entryCaches`), which is checked against the entry on every call, and each book's compiled keys by text
 * (see `bookStates`), so that a key repeated across a book is compiled and tried once.
 * Regex keys run on RE2 (linear time, see `regex-key.ts`); those it cannot express never match. A book's regex
 * keys are also compiled into one RE2 set, which finds all of them in a text in one pass.
 */

export interface ActivationInput {
  /** Chat history texts, oldest first; the newest `scanDepth` are scanned. */
  messages: readonly string[];
  /** Messages scanned, newest first: default `book.scan_depth ?? 2`; an entry's `extensions.scan_depth` overrides it. */
  scanDepth?: number;
  /** Tokens the activated contents may use: default `book.token_budget`, else 2048. 0 or less means "unset" (falls through to the next default); pass Infinity for no limit. */
  tokenBudget?: number;
  /** Scan activated contents for further keys; default `book.recursive_scanning ?? false`. */
  recursive?: boolean;
  /** Recursion rounds after the first scan; default 3. */
  maxRecursionDepth?: number;
  countTokens?: TokenCounter;
  /** Always scanned regardless of depth, e.g. the character description. */
  extraScanText?: readonly string[];
  /** Uniform draw in [0, 1) for probability and inclusion groups; default Math.random. */
  random?: () => number;
  /** When given, macros in keys (`{{char}}`) and in contents scanned by recursion are rendered first, as SillyTavern does. */
  macros?: MacroContext;
}

export interface ActivatedEntry {
  entry: LorebookEntry;
  /** Position in `book.entries`. */
  index: number;
  reason: 'constant' | 'key' | 'recursion';
  /** The primary key (as written) that matched. */
  matchedKey?: string;
  tokens: number;
  /** 0 for the scan of the chat, 1.. for recursion rounds. */
  round: number;
}

export interface LorebookError {
  /** `invalid_regex`: not a valid regular expression; `unsupported_regex`: valid, but not expressible in linear time (skipped). */
  code: 'invalid_regex' | 'unsupported_regex';
  entryIndex: number;
  key: string;
  message: string;
}

export interface ActivationResult {
  /** Ordered for the prompt: `insertion_order` ascending, then book order. */
  activated: ActivatedEntry[];
  /** Matched but dropped because the budget was reached, in the order they were considered. */
  skippedForBudget: ActivatedEntry[];
  errors: LorebookError[];
  tokens: number;
}

export type SelectiveLogic = 'AND_ANY' | 'NOT_ALL' | 'NOT_ANY' | 'AND_ALL';
export type LorebookPosition = 'before_char' | 'after_char';

type CompiledKey =
  | { kind: 'plain'; key: string; needle: string; caseSensitive: boolean; wholeWord: boolean; grams: Uint32Array }
  | { kind: 'regex'; key: string; regex: RE2JS }
  | { kind: 'invalid' | 'unsupported'; key: string; message: string; backtracking?: boolean };

interface KeyMode {
  caseSensitive: boolean;
  wholeWords: boolean;
  useRegex: boolean;
}

interface KeySlot {
  /** Key as written (trimmed). */
  source: string;
  /** Index in the entry's list as written (blank keys are left out of the slots). */
  position: number;
  /** Compiled once; for keys with macros, the form used when no macro context is given. */
  compiled: CompiledKey;
  hasMacros: boolean;
}

interface EntryCache {
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
/** A book's compiled keys by mode and text: immutable values, shared by the entries that repeat a key. */
type BookKeys = Map<string, CompiledKey>;
interface BookState {
  keys: BookKeys;
  /** The regex keys as one set, built on first use and again when keys were added since (`builtAt` is `keys.size` then). */
  regexSet?: RegexSet;
}
interface RegexSet {
  builtAt: number;
  /** Absent for fewer than two regex keys, or when RE2 could not build it: each key is then tried alone. */
  set?: RE2Set;
  ids: Map<CompiledKey, number>;
}
const bookStates = new WeakMap<Lorebook, BookState>();

interface ScanText {
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

interface Candidate {
  prepared: PreparedEntry;
  reason: ActivatedEntry['reason'];
  matchedKey?: string;
}

interface PreparedEntry {
  entry: LorebookEntry;
  index: number;
  cache: EntryCache;
  constant: boolean;
  primary: CompiledKey[];
  secondary: CompiledKey[];
  logic: SelectiveLogic;
  scanDepth: number | undefined;
  excludeRecursion: boolean;
  preventRecursion: boolean;
  delayUntilRecursion: boolean;
  probability: number | undefined;
  groups: string[];
  groupOverride: boolean;
  groupWeight: number;
  ignoreBudget: boolean;
  priority: number;
}

/** Between scanned texts: a phrase key never matches across two messages. */
const JOINER = '\n\u0001';
const DEFAULT_SCAN_DEPTH = 2;
const DEFAULT_TOKEN_BUDGET = 2048;
const DEFAULT_RECURSION_ROUNDS = 3;
const DEFAULT_GROUP_WEIGHT = 100;
const MAX_RENDERED_KEYS = 64;
const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;
/** Scripts written without spaces: their letters count as word boundaries, as `\W` makes them in SillyTavern. */
const UNSPACED_SCRIPT = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const MACRO_HINT = /\{\{|<(?:user|bot|char)>/i;
/** Texts at least this long get a trigram filter: one pass over the text instead of one per key. */
const GRAM_MIN_TEXT = 2048;
const GRAM_BITS = 18;

/**
 * Finds the lorebook entries the chat activates, within the token budget.
 * @example activateLorebook(character.character_book, { messages: ['tell me about the forest'] }).activated
 */
export function activateLorebook(book: Lorebook, input: ActivationInput): ActivationResult {
  const counter = input.countTokens ?? countTokens;
  const random = input.random ?? Math.random;
  const defaultDepth = toDepth(input.scanDepth ?? book.scan_depth, DEFAULT_SCAN_DEPTH);
  const budget = positive(input.tokenBudget) ?? positive(book.token_budget) ?? DEFAULT_TOKEN_BUDGET;
  const recursive = input.recursive ?? book.recursive_scanning ?? false;
  const maxRounds = recursive ? toDepth(input.maxRecursionDepth, DEFAULT_RECURSION_ROUNDS) : 0;

  const errors: LorebookError[] = [];
  const pending: PreparedEntry[] = [];
  const state = stateOf(book);
  book.entries.forEach((entry, index) => {
    if (entry.enabled === false) return;
    pending.push(prepareEntry(entry, index, state.keys, input.macros, errors));
  });

  const regexSet = regexSetOf(state);
  const scanText = (raw: string): ScanText => ({ raw, hits: new Map(), regexSet });
  const history = historyTexts(input.messages, scanText);
  const extra = (input.extraScanText ?? []).filter((text) => text !== '').map(scanText);
  const recursion: ScanText[] = [];
  const activated: ActivatedEntry[] = [];
  const skippedForBudget: ActivatedEntry[] = [];
  const activeGroups = new Set<string>();
  let used = 0;
  let overflowed = false;

  for (let round = 0; round <= maxRounds && pending.length > 0; round++) {
    const candidates: Candidate[] = [];
    const undecided: PreparedEntry[] = [];
    for (const prepared of pending) {
      const candidate = round === 0 || !prepared.excludeRecursion ? evaluateEntry(prepared, round, history, defaultDepth, extra, recursion) : undefined;
      if (candidate) candidates.push(candidate);
      else undecided.push(prepared);
    }
    // Whatever matched this round is decided: activated, or dropped by group, probability or budget.
    pending.length = 0;
    pending.push(...undecided);
    if (candidates.length === 0) break;

    candidates.sort(byBudgetPriority);
    const newContents: string[] = [];
    for (const candidate of filterGroups(candidates, activeGroups, random)) {
      const { prepared } = candidate;
      if (prepared.probability !== undefined && random() * 100 >= prepared.probability) continue;
      const activation: ActivatedEntry = {
        entry: prepared.entry,
        index: prepared.index,
        reason: candidate.reason,
        ...(candidate.matchedKey === undefined ? {} : { matchedKey: candidate.matchedKey }),
        tokens: contentTokens(prepared, counter),
        round,
      };
      if (!prepared.ignoreBudget && (overflowed || used + activation.tokens > budget)) {
        // As in SillyTavern: once the budget overflows, everything after it is dropped.
        overflowed = true;
        skippedForBudget.push(activation);
        continue;
      }
      if (!prepared.ignoreBudget) used += activation.tokens;
      activated.push(activation);
      for (const group of prepared.groups) activeGroups.add(group);
      if (!prepared.preventRecursion) newContents.push(prepared.entry.content);
    }
    if (overflowed || newContents.length === 0) break;
    for (const content of newContents) {
      recursion.push(scanText(input.macros && MACRO_HINT.test(content) ? renderMacros(content, input.macros) : content));
    }
  }

  activated.sort((a, b) => a.entry.insertion_order - b.entry.insertion_order || a.index - b.index);
  return { activated, skippedForBudget, errors, tokens: activated.reduce((sum, item) => sum + item.tokens, 0) };
}

/** Where an entry goes: the V3 `position`, else SillyTavern's numeric `extensions.position` (0 before, anything else after). */
export function lorebookEntryPosition(entry: LorebookEntry): LorebookPosition {
  if (entry.position === 'before_char' || entry.position === 'after_char') return entry.position;
  const position = readNumber(entry.extensions?.position);
  return position === undefined || position === 0 ? 'before_char' : 'after_char';
}

/**
 * Joins activated contents, one per line in prompt order: those for `position`, or all of them when it is omitted.
 * Contents are returned as written: render macros on the result.
 */
export function renderActivatedEntries(result: Pick<ActivationResult, 'activated'>, position?: LorebookPosition): string {
  const lines: string[] = [];
  for (const { entry } of result.activated) {
    if (entry.content.trim() === '') continue;
    if (position === undefined || lorebookEntryPosition(entry) === position) lines.push(entry.content);
  }
  return lines.join('\n');
}

/** Reads `extensions.selectiveLogic`: 0–3 or its name; anything else is AND_ANY. */
export function readSelectiveLogic(value: unknown): SelectiveLogic {
  const names: readonly SelectiveLogic[] = ['AND_ANY', 'NOT_ALL', 'NOT_ANY', 'AND_ALL'];
  const number = readNumber(value);
  if (number !== undefined) return names[number] ?? 'AND_ANY';
  if (typeof value === 'string') {
    const name = value.trim().toUpperCase().replace(/\s+/g, '_');
    return names.find((candidate) => candidate === name) ?? 'AND_ANY';
  }
  return 'AND_ANY';
}

function evaluateEntry(
  prepared: PreparedEntry,
  round: number,
  history: (depth: number) => ScanText | undefined,
  defaultDepth: number,
  extra: readonly ScanText[],
  recursion: readonly ScanText[],
): Candidate | undefined {
  if (round === 0 && prepared.delayUntilRecursion) return undefined;
  if (prepared.constant) return { prepared, reason: 'constant' };
  const chat = history(prepared.scanDepth ?? defaultDepth);
  const texts = chat ? [chat, ...extra, ...recursion] : [...extra, ...recursion];
  if (texts.length === 0) return undefined;
  const primary = prepared.primary.find((key) => matchesAny(key, texts));
  if (!primary) return undefined;
  if (prepared.secondary.length > 0 && !passesSecondary(prepared.logic, prepared.secondary, texts)) return undefined;
  return { prepared, reason: round === 0 ? 'key' : 'recursion', matchedKey: primary.key };
}

function passesSecondary(logic: SelectiveLogic, keys: readonly CompiledKey[], texts: readonly ScanText[]): boolean {
  switch (logic) {
    case 'AND_ANY':
      return keys.some((key) => matchesAny(key, texts));
    case 'NOT_ALL':
      return keys.some((key) => !matchesAny(key, texts));
    case 'NOT_ANY':
      return !keys.some((key) => matchesAny(key, texts));
    case 'AND_ALL':
      return keys.every((key) => matchesAny(key, texts));
  }
}

function matchesAny(key: CompiledKey, texts: readonly ScanText[]): boolean {
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

/**
 * A bitset of the text's hashed character trigrams (a Bloom filter with one hash): a key with a trigram missing
 * from it cannot occur in the text, so most absent keys are rejected without scanning a long history.
 */
function trigramFilter(text: string): Uint32Array {
  const bits = new Uint32Array(1 << (GRAM_BITS - 5));
  let a = text.charCodeAt(0);
  let b = text.charCodeAt(1);
  for (let index = 2; index < text.length; index++) {
    const c = text.charCodeAt(index);
    const gram = trigramIndex(a, b, c);
    bits[gram >>> 5] |= 1 << (gram & 31);
    a = b;
    b = c;
  }
  return bits;
}

function keyTrigrams(needle: string): Uint32Array {
  const grams = new Uint32Array(Math.max(0, needle.length - 2));
  for (let index = 2; index < needle.length; index++) {
    grams[index - 2] = trigramIndex(needle.charCodeAt(index - 2), needle.charCodeAt(index - 1), needle.charCodeAt(index));
  }
  return grams;
}

function trigramIndex(a: number, b: number, c: number): number {
  return Math.imul((a * 31 + b) * 31 + c, 0x9e3779b1) >>> (32 - GRAM_BITS);
}

function mayContain(filter: Uint32Array, grams: Uint32Array): boolean {
  for (const gram of grams) if ((filter[gram >>> 5] & (1 << (gram & 31))) === 0) return false;
  return true;
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

/** Lowercasing and joining happen once per depth per call, never per key. */
function historyTexts(messages: readonly string[], scanText: (raw: string) => ScanText): (depth: number) => ScanText | undefined {
  const byDepth = new Map<number, ScanText | undefined>();
  return (depth) => {
    const count = Math.min(depth, messages.length);
    if (!byDepth.has(count)) byDepth.set(count, count === 0 ? undefined : scanText(messages.slice(messages.length - count).join(JOINER)));
    return byDepth.get(count);
  };
}

function prepareEntry(entry: LorebookEntry, index: number, keys: BookKeys, macros: MacroContext | undefined, errors: LorebookError[]): PreparedEntry {
  const extensions = entry.extensions ?? {};
  const cache = entryCache(entry, keys);
  const resolve = (slots: readonly KeySlot[]): CompiledKey[] =>
    slots.map((slot) => {
      const compiled = macros && slot.hasMacros ? renderedKey(cache, slot.source, macros) : slot.compiled;
      if (compiled.kind === 'invalid' || compiled.kind === 'unsupported') {
        errors.push({ code: `${compiled.kind}_regex`, entryIndex: index, key: slot.source, message: compiled.message });
      }
      return compiled;
    });
  const probability = readNumber(extensions.probability);
  return {
    entry,
    index,
    cache,
    constant: entry.constant === true,
    primary: resolve(cache.primary),
    secondary: entry.selective === true ? resolve(cache.secondaryKeys) : [],
    logic: readSelectiveLogic(extensions.selectiveLogic),
    scanDepth: readNumber(extensions.scan_depth) === undefined ? undefined : toDepth(readNumber(extensions.scan_depth), 0),
    excludeRecursion: readBoolean(extensions.exclude_recursion) === true,
    preventRecursion: readBoolean(extensions.prevent_recursion) === true,
    delayUntilRecursion: readBoolean(extensions.delay_until_recursion) === true || (readNumber(extensions.delay_until_recursion) ?? 0) > 0,
    probability: readBoolean(extensions.useProbability) === true && probability !== undefined && probability < 100 ? probability : undefined,
    groups: typeof extensions.group === 'string' ? extensions.group.split(/,\s*/).map((group) => group.trim()).filter(Boolean) : [],
    groupOverride: readBoolean(extensions.group_override) === true,
    groupWeight: readNumber(extensions.group_weight) ?? DEFAULT_GROUP_WEIGHT,
    ignoreBudget: readBoolean(extensions.ignore_budget) === true,
    priority: typeof entry.priority === 'number' && Number.isFinite(entry.priority) ? entry.priority : 0,
  };
}

/** Constant first, then higher `priority`, then higher `insertion_order` (SillyTavern keeps higher order under a budget), then book order. */
function byBudgetPriority(a: Candidate, b: Candidate): number {
  return (
    Number(b.prepared.constant) - Number(a.prepared.constant) ||
    b.prepared.priority - a.prepared.priority ||
    b.prepared.entry.insertion_order - a.prepared.entry.insertion_order ||
    a.prepared.index - b.prepared.index
  );
}

/**
 * Inclusion groups (`extensions.group`, comma-separated): one entry per group, and none if an earlier round already
 * activated one. An override wins by highest order, else one draw weighted by `group_weight` over the group in book order.
 */
function filterGroups(candidates: readonly Candidate[], activeGroups: ReadonlySet<string>, random: () => number): Candidate[] {
  const byGroup = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    for (const group of candidate.prepared.groups) {
      const members = byGroup.get(group);
      if (members) members.push(candidate);
      else byGroup.set(group, [candidate]);
    }
  }
  if (byGroup.size === 0) return [...candidates];
  const losers = new Set<Candidate>();
  for (const [group, members] of byGroup) {
    if (activeGroups.has(group)) {
      for (const member of members) losers.add(member);
      continue;
    }
    const contenders = members.filter((member) => !losers.has(member));
    if (contenders.length <= 1) continue;
    const overrides = contenders.filter((member) => member.prepared.groupOverride);
    const inBookOrder = [...contenders].sort((x, y) => x.prepared.index - y.prepared.index);
    const winner = overrides.length > 0 ? overrides.reduce(higherOrder) : weightedDraw(inBookOrder, random);
    for (const member of contenders) if (member !== winner) losers.add(member);
  }
  return candidates.filter((candidate) => !losers.has(candidate));
}

function higherOrder(a: Candidate, b: Candidate): Candidate {
  return b.prepared.entry.insertion_order > a.prepared.entry.insertion_order ? b : a;
}

function weightedDraw(members: readonly Candidate[], random: () => number): Candidate {
  const total = members.reduce((sum, member) => sum + Math.max(0, member.prepared.groupWeight), 0);
  const roll = random() * total;
  let reached = 0;
  for (const member of members) {
    reached += Math.max(0, member.prepared.groupWeight);
    if (roll < reached) return member;
  }
  return members[members.length - 1];
}

function contentTokens(prepared: PreparedEntry, counter: TokenCounter): number {
  const { cache, entry } = prepared;
  const cached = cache.tokens;
  if (cached && cached.counter === counter && cached.content === entry.content) return cached.count;
  const count = counter(entry.content);
  cache.tokens = { counter, content: entry.content, count };
  return count;
}

function stateOf(book: Lorebook): BookState {
  let state = bookStates.get(book);
  if (!state) bookStates.set(book, (state = { keys: new Map() }));
  return state;
}

/** The book's regex keys as one RE2 set, rebuilt when the book gained keys. */
function regexSetOf(state: BookState): RegexSet {
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

function entryCache(entry: LorebookEntry, bookKeys: BookKeys): EntryCache {
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

function renderedKey(cache: EntryCache, source: string, macros: MacroContext): CompiledKey {
  const text = renderMacros(source, macros).trim();
  let compiled = cache.rendered.get(text);
  if (!compiled) {
    if (cache.rendered.size >= MAX_RENDERED_KEYS) cache.rendered.clear();
    compiled = compileKey(text, cache.mode);
    cache.rendered.set(text, compiled);
  }
  return compiled.key === source ? compiled : { ...compiled, key: source };
}

/**
 * Case sensitivity: the V3 field, else `extensions.case_sensitive`. `use_regex` makes every key a pattern, except in
 * SillyTavern exports (recognised by `extensions.display_index`), which write `use_regex: true` on every entry while
 * meaning "keys written `/like this/` are regexes".
 */
function keyMode(entry: LorebookEntry): KeyMode {
  const extensions = entry.extensions ?? {};
  const caseSensitive = (typeof entry.case_sensitive === 'boolean' ? entry.case_sensitive : readBoolean(extensions.case_sensitive)) === true;
  return {
    caseSensitive,
    wholeWords: readBoolean(extensions.match_whole_words) === true,
    useRegex: entry.use_regex === true && !('display_index' in extensions),
  };
}

/** The book's compiled form of `key` under `mode`, compiled on first use. */
function internedKey(bookKeys: BookKeys, key: string, mode: KeyMode): CompiledKey {
  const name = `${Number(mode.caseSensitive)}${Number(mode.wholeWords)}${Number(mode.useRegex)}${key}`;
  let compiled = bookKeys.get(name);
  if (!compiled) bookKeys.set(name, (compiled = compileKey(key, mode)));
  return compiled;
}

function compileKey(key: string, mode: KeyMode): CompiledKey {
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

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

function sameMode(a: KeyMode, b: KeyMode): boolean {
  return a.caseSensitive === b.caseSensitive && a.wholeWords === b.wholeWords && a.useRegex === b.useRegex;
}

function toDepth(value: number | undefined, fallback: number): number {
  if (value === undefined || Number.isNaN(value)) return fallback;
  return Math.max(0, Math.floor(value));
}

function positive(value: number | undefined): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/** Cards in the wild store numbers as strings; null means "use the default". */
function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/**
 * Checks a lorebook before use: every regex key must compile. Throws `lorebook/bad-regex` naming the file, the
 * entry and the key, because a key that silently never matches is a bug the author should see.
 */
export function assertLorebookUsable(book: Lorebook, source: string): void {
  const problem = activateLorebook(book, { messages: [] }).errors.find((error) => error.code === 'invalid_regex');
  if (!problem) return;
  const entry = book.entries[problem.entryIndex];
  const label = entry?.name ?? entry?.comment ?? (entry?.id === undefined ? '' : `id ${entry.id}`);
  throw new CardError('lorebook/bad-regex',
    `${source}: lorebook entry ${problem.entryIndex}${label ? ` (${label})` : ''}: key ${problem.key} is not a valid regular expression (${problem.message}); fix or remove the key`,
    { path: source, field: `entries[${problem.entryIndex}].keys` });
}

/** A regex key that never matches: not a valid pattern, or one the linear-time engine cannot run (skipped). */
export interface LorebookKeyProblem {
  entryIndex: number;
  field: 'keys' | 'secondary_keys';
  /** Index in the entry's list. */
  keyIndex: number;
  key: string;
  kind: 'invalid' | 'unsupported';
  reason: string;
  /** For `unsupported`: the key needs a backtracking engine (backreferences, lookaround). */
  backtracking: boolean;
}

/**
 * The regex keys of a book that can never match, in book order (disabled entries included), compiled as
 * activation compiles them, and cached for it: loading a book is when its keys are compiled.
 * @example lorebookKeyProblems(card.character_book).filter((p) => p.kind === 'unsupported')
 */
export function lorebookKeyProblems(book: Lorebook): LorebookKeyProblem[] {
  const { keys } = stateOf(book);
  const problems: LorebookKeyProblem[] = [];
  book.entries.forEach((entry, entryIndex) => {
    const cache = entryCache(entry, keys);
    for (const [field, slots] of [['keys', cache.primary], ['secondary_keys', cache.secondaryKeys]] as const) {
      for (const slot of slots) {
        const { compiled } = slot;
        if (compiled.kind !== 'invalid' && compiled.kind !== 'unsupported') continue;
        problems.push({ entryIndex, field, keyIndex: slot.position, key: slot.source, kind: compiled.kind, reason: compiled.message, backtracking: compiled.backtracking === true });
      }
    }
  });
  return problems;
}

/** A key problem as a warning line: `BASE.entries[2].keys[0]: regex /(a)\1/ is skipped (never matched): ...`. */
export function describeLorebookKeyProblem(problem: LorebookKeyProblem, base: string): string {
  const at = `${base ? `${base}.` : ''}entries[${problem.entryIndex}].${problem.field}[${problem.keyIndex}]`;
  if (problem.kind === 'invalid') return `${at}: regex ${problem.key} does not compile (${problem.reason}); fix or remove the key`;
  const why = problem.backtracking
    ? `${problem.reason} needs a backtracking engine, which Dramatis never runs on card patterns; rewrite the key without it`
    : `${problem.reason}; rewrite the key`;
  return `${at}: regex ${problem.key} is skipped (never matched): ${why}`;
}

/** Warning lines for a book's keys that never match (see `lorebookKeyProblems`); `base` prefixes each field path. */
export function lorebookKeyWarnings(book: Lorebook, base: string, kinds: ReadonlyArray<LorebookKeyProblem['kind']> = ['invalid', 'unsupported']): string[] {
  return lorebookKeyProblems(book).filter((problem) => kinds.includes(problem.kind)).map((problem) => describeLorebookKeyProblem(problem, base));
}
