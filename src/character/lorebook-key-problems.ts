import { activateLorebook } from './lorebook-activation.ts';
import { entryCache, stateOf } from './lorebook-key-cache.ts';
import { CardError } from './errors.ts';
import type { Lorebook } from './schema.ts';

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
