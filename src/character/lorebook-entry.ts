import { readBoolean, readNumber, toDepth } from './card-values.ts';
import type { CompiledKey, BookKeys } from './lorebook-keys.ts';
import { entryCache, renderedKey, type EntryCache, type KeySlot } from './lorebook-key-cache.ts';
import type { MacroContext } from './macros.ts';
import type { LorebookEntry } from './schema.ts';

export type SelectiveLogic = 'AND_ANY' | 'NOT_ALL' | 'NOT_ANY' | 'AND_ALL';

/** Why an entry was activated. */
export type ActivationReason = 'constant' | 'key' | 'recursion';

export interface LorebookError {
  /** `invalid_regex`: not a valid regular expression; `unsupported_regex`: valid, but not expressible in linear time (skipped). */
  code: 'invalid_regex' | 'unsupported_regex';
  entryIndex: number;
  key: string;
  message: string;
}

/** An enabled entry with its keys resolved and its settings read (SillyTavern's `extensions` included). */
export interface PreparedEntry {
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

/** An entry whose keys matched in a round, before groups, probability and the budget decide. */
export interface Candidate {
  prepared: PreparedEntry;
  reason: ActivationReason;
  matchedKey?: string;
}

const DEFAULT_GROUP_WEIGHT = 100;

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

export function prepareEntry(entry: LorebookEntry, index: number, keys: BookKeys, macros: MacroContext | undefined, errors: LorebookError[]): PreparedEntry {
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
