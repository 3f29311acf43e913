import type { z } from 'zod';
import { EvalError } from '../errors.ts';
import type { BenchItem } from '../item.ts';
import type { Scorer, ScoreInput } from '../scorers/types.ts';
import type { Judge } from './types.ts';

/** A scorer that cannot work without a judge model: the runner can check `requiresJudge` before any call. */
export interface JudgedScorer extends Scorer {
  readonly requiresJudge: true;
}

/** A scorer's options validated by its zod schema; bad ones are a definition error naming each problem. */
export function parseScorerOptions<T>(scorer: string, schema: z.ZodType<T>, options: Record<string, unknown>): T {
  const parsed = schema.safeParse({ name: scorer, ...options });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `scorer ${scorer}: ${issue.path.join('.') || 'options'}: ${issue.message}`);
  throw new EvalError('eval/bad-definition', problems.join('\n'), { problems });
}

/** The judge of an attempt, or a definition error saying how to name one. */
export function requireJudge(input: ScoreInput, scorer: string): Judge {
  if (input.judge) return input.judge;
  throw new EvalError(
    'eval/bad-definition',
    `scorer ${scorer} needs a judge model: pass --judge MODEL to bench run (e.g. --judge openai:gpt-4o-mini), or set judge.model in the benchmark YAML`,
  );
}

/** A chat transcript as plain lines, for a judge's context. */
function transcript(item: BenchItem): string {
  return (item.messages ?? []).map((turn) => `${turn.role}: ${turn.content}`).join('\n');
}

/**
 * What a judge sees about an item, as labelled (and fenced) values: the named vars (default: all vars,
 * the chat `messages` if the item has them, and `reference` when `withReference`). `reference` and `messages`
 * may be named like vars. A name the item lacks is a definition error, so a typo does not silently hide context.
 */
export function judgeContext(
  item: BenchItem,
  names: readonly string[] | undefined,
  options: { scorer: string; withReference: boolean },
): Record<string, string> {
  const available: Record<string, string> = { ...item.vars };
  if (item.messages?.length && !Object.hasOwn(available, 'messages')) available.messages = transcript(item);
  if (options.withReference && item.reference !== undefined && !Object.hasOwn(available, 'reference')) available.reference = item.reference;
  if (!names) return available;
  const context: Record<string, string> = {};
  for (const name of names) {
    if (!Object.hasOwn(available, name)) {
      throw new EvalError(
        'eval/bad-definition',
        `scorer ${options.scorer}: context names "${name}", but item ${item.id} (record ${item.record}) has no such value (it has: ${Object.keys(available).join(', ') || 'nothing'})`,
      );
    }
    context[name] = available[name];
  }
  return context;
}
