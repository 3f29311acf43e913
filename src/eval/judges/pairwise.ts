import { z } from 'zod';
import type { Judge, JudgeVerdict } from './types.ts';

/** A pairwise verdict: the critique first, then which of the two shown texts is better. */
export const PairwiseVerdict = z.object({
  critique: z.string(),
  winner: z.enum(['A', 'B', 'tie']),
});
export type PairwiseVerdict = z.infer<typeof PairwiseVerdict>;

/** `first`/`second`/`tie` when both orders agree; `inconsistent` when they do not; `unjudged` when one stayed malformed. */
export type PairwiseOutcome = 'first' | 'second' | 'tie' | 'inconsistent' | 'unjudged';

export interface PairwiseRequest {
  /** What "better" means here (added to the judge's task). */
  task?: string;
  /** What both texts answer (the question, the character); fenced as data in the prompt. */
  context: Record<string, string>;
  first: string;
  second: string;
  signal?: AbortSignal;
  seed?: number;
}

export interface PairwiseResult {
  outcome: PairwiseOutcome;
  /** The verdicts in asking order: first shown as A, then first shown as B. */
  verdicts: [JudgeVerdict<PairwiseVerdict>, JudgeVerdict<PairwiseVerdict>];
}

const DEFAULT_TASK = 'Decide which of the two texts, A or B, is the better answer to the context above.';

/** The judge's task for a comparison. */
export function pairwiseTask(task: string | undefined): string {
  return [
    task?.trim() || DEFAULT_TASK,
    '',
    'Compare the two candidate texts labelled A and B. First write a critique weighing each against the task;',
    'then give the winner: "A", "B", or "tie" when neither is better. The "critique" field comes before "winner".',
  ].join('\n');
}

/** A verdict's winner in terms of first/second, given whether `first` was shown as A. */
function preference(verdict: PairwiseVerdict, firstIsA: boolean): 'first' | 'second' | 'tie' {
  if (verdict.winner === 'tie') return 'tie';
  return (verdict.winner === 'A') === firstIsA ? 'first' : 'second';
}

/** The outcome of the two orders: a preference counts only when both agree (position-bias mitigation). */
export function pairwiseOutcome(asA: PairwiseVerdict | undefined, asB: PairwiseVerdict | undefined): PairwiseOutcome {
  if (!asA || !asB) return 'unjudged';
  const one = preference(asA, true);
  const two = preference(asB, false);
  return one === two ? one : 'inconsistent';
}

/**
 * Asks a judge which of two texts is better, in both orders (first as A, then first as B), and counts a
 * preference only when the two orders agree; a judge that always picks the same position is `inconsistent`.
 */
export async function comparePairwise(judge: Judge, request: PairwiseRequest): Promise<PairwiseResult> {
  const task = pairwiseTask(request.task);
  const ask = (a: string, b: string) => judge.ask({
    task, context: request.context, candidates: { A: a, B: b }, schema: PairwiseVerdict, signal: request.signal, seed: request.seed,
  });
  const [asA, asB] = await Promise.all([ask(request.first, request.second), ask(request.second, request.first)]);
  return { outcome: pairwiseOutcome(asA.verdict, asB.verdict), verdicts: [asA, asB] };
}
