import { z } from 'zod';
import { EvalError } from '../errors.ts';
import type { ItemScore, ScoreInput } from '../scorers/types.ts';
import { judgeContext, parseScorerOptions, requireJudge, type JudgedScorer } from './judged-scorer.ts';
import { comparePairwise, type PairwiseOutcome } from './pairwise.ts';

export const PairwiseOptions = z.object({
  name: z.string(),
  /** What "better" means for this benchmark. */
  task: z.string().optional(),
  /** Which item values the judge sees (vars, `messages`); default all vars. The reference is a candidate, never context. */
  context: z.array(z.string().min(1)).optional(),
}).strict();

const WIN: Record<PairwiseOutcome, number | null> = { first: 1, tie: 0.5, second: 0, inconsistent: null, unjudged: null };

/**
 * The answer against the item's reference answer, judged in both orders. `win_rate` is over items both
 * orders agreed on (win 1, tie 0.5, loss 0); `consistency` is the share of judged items where they agreed.
 */
export function createPairwiseScorer(options: Record<string, unknown>): JudgedScorer {
  const parsed = parseScorerOptions('pairwise', PairwiseOptions, options);
  return {
    name: 'pairwise',
    requiresJudge: true,
    metrics: [
      { name: 'win_rate', description: 'answer preferred over the reference in both orders (tie 0.5), over consistently judged items', higherIsBetter: true },
      { name: 'consistency', description: 'share of judged items where the judge gave the same preference in both orders', higherIsBetter: true },
    ],
    async score(input: ScoreInput): Promise<ItemScore> {
      const judge = requireJudge(input, 'pairwise');
      const { item } = input;
      if (item.reference === undefined) {
        throw new EvalError('eval/bad-data', `item ${item.id} (record ${item.record}) has no reference answer: the pairwise scorer compares the answer with the reference`);
      }
      const context = judgeContext(item, parsed.context, { scorer: 'pairwise', withReference: false });
      const result = await comparePairwise(judge, {
        task: parsed.task, context, first: input.answer, second: item.reference, signal: input.signal, seed: input.seed,
      });
      const verdict = {
        judge: judge.model,
        outcome: result.outcome,
        orders: result.verdicts.map((reply, i) => ({
          shown: i === 0 ? 'answer as A, reference as B' : 'reference as A, answer as B',
          ...(reply.verdict ? { critique: reply.verdict.critique, winner: reply.verdict.winner } : { error: reply.error, raw: reply.raw }),
          repaired: reply.repaired,
        })),
      };
      const values = {
        win_rate: WIN[result.outcome],
        consistency: result.outcome === 'unjudged' ? null : result.outcome === 'inconsistent' ? 0 : 1,
      };
      return result.outcome === 'unjudged' ? { values, verdict, unjudged: true } : { values, verdict };
    },
  };
}
