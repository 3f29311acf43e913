import { countTokens, type TokenCounter } from '../text/index.ts';
import { toDepth } from './card-values.ts';
import { type ActivationReason, type Candidate, type LorebookError, type PreparedEntry, prepareEntry, type SelectiveLogic } from './lorebook-entry.ts';
import { byBudgetPriority, filterGroups } from './lorebook-groups.ts';
import { regexSetOf, stateOf } from './lorebook-key-cache.ts';
import { matchesAny, type ScanText } from './lorebook-key-match.ts';
import { MACRO_HINT, type CompiledKey } from './lorebook-keys.ts';
import { renderMacros, type MacroContext } from './macros.ts';
import type { Lorebook, LorebookEntry } from './schema.ts';

/**
 * Lorebook (world info) activation, following SillyTavern's world-info scan and Character Card V2/V3.
 * Pure: the only state kept between calls is a per-entry cache of compiled keys and token counts, which is checked
 * against the entry on every call, and each book's compiled keys by text, so that a key repeated across a book is
 * compiled and tried once (`lorebook-key-cache.ts`).
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
  reason: ActivationReason;
  /** The primary key (as written) that matched. */
  matchedKey?: string;
  tokens: number;
  /** 0 for the scan of the chat, 1.. for recursion rounds. */
  round: number;
}

export interface ActivationResult {
  /** Ordered for the prompt: `insertion_order` ascending, then book order. */
  activated: ActivatedEntry[];
  /** Matched but dropped because the budget was reached, in the order they were considered. */
  skippedForBudget: ActivatedEntry[];
  errors: LorebookError[];
  tokens: number;
}

/** Between scanned texts: a phrase key never matches across two messages. */
const JOINER = '\n\u0001';
const DEFAULT_SCAN_DEPTH = 2;
const DEFAULT_TOKEN_BUDGET = 2048;
const DEFAULT_RECURSION_ROUNDS = 3;

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

/** Lowercasing and joining happen once per depth per call, never per key. */
function historyTexts(messages: readonly string[], scanText: (raw: string) => ScanText): (depth: number) => ScanText | undefined {
  const byDepth = new Map<number, ScanText | undefined>();
  return (depth) => {
    const count = Math.min(depth, messages.length);
    if (!byDepth.has(count)) byDepth.set(count, count === 0 ? undefined : scanText(messages.slice(messages.length - count).join(JOINER)));
    return byDepth.get(count);
  };
}

function contentTokens(prepared: PreparedEntry, counter: TokenCounter): number {
  const { cache, entry } = prepared;
  const cached = cache.tokens;
  if (cached && cached.counter === counter && cached.content === entry.content) return cached.count;
  const count = counter(entry.content);
  cache.tokens = { counter, content: entry.content, count };
  return count;
}

function positive(value: number | undefined): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}
