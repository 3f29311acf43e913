import { z } from 'zod';
import { EvalError } from '../errors.ts';
import type { ItemScore, MetricDefinition, ScoreInput } from '../scorers/types.ts';
import { judgeContext, parseScorerOptions, requireJudge, type JudgedScorer } from './judged-scorer.ts';
import { comparePairwise, type PairwiseOutcome } from './pairwise.ts';
import type { JudgeVerdict } from './types.ts';

/**
 * FURINA's five evaluation dimensions (Wu et al., "FURINA: A Fully Customizable Role-Playing Benchmark via Scalable
 * Multi-Agent Collaboration Pipeline"), described in our words: for each test utterance the judge first picks the one
 * the turn tests, then compares the test model's line with a base model's on it.
 */
export const FURINA_DIMENSIONS = [
  { name: 'context_reliance', description: 'uses what was said and shown in the scene so far: answers the last turn, keeps track of facts others stated, does not contradict the situation' },
  { name: 'factual_recall', description: "recalls facts of the character's own profile and world correctly: names, history, relationships, what the character knows" },
  { name: 'reflective_reasoning', description: 'reasons as the character would before acting: weighs motives and consequences, reacts plausibly to a dilemma or a surprise' },
  { name: 'conversational_ability', description: 'talks naturally and engagingly in a group: fluent, fitting in length and register, moves the conversation on' },
  { name: 'preference_alignment', description: "keeps the character's values, tastes and stances: likes, dislikes and opinions stay those of the profile" },
] as const;

/** Metric names of the scorer itself, which a dimension may not take. */
const RESERVED = new Set(['win_rate', 'consistency', 'position_a']);

const Dimension = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a dimension name is also a metric name: a letter, then letters, digits or _'),
  description: z.string().min(1),
}).strict();

export const FurinaOptions = z.object({
  name: z.string(),
  /** The dimensions the judge picks from (default FURINA's five). */
  dimensions: z.array(Dimension).min(1)
    .refine((dimensions) => new Set(dimensions.map((d) => d.name)).size === dimensions.length, 'dimension names must be distinct')
    .refine((dimensions) => !dimensions.some((d) => RESERVED.has(d.name)), `a dimension may not be named ${[...RESERVED].join(', ')}`)
    .default(FURINA_DIMENSIONS.map((d) => ({ ...d }))),
  /** Which item values the judge sees (vars, `messages`); default all vars. The baseline reply is a candidate, never context. */
  context: z.array(z.string().min(1)).optional(),
}).strict();
export type FurinaOptions = z.infer<typeof FurinaOptions>;

const WIN: Record<PairwiseOutcome, number | null> = { first: 1, tie: 0.5, second: 0, inconsistent: null, unjudged: null };

/** The dimension step's task. */
function selectionTask(dimensions: readonly { name: string; description: string }[]): string {
  return [
    "Decide which one evaluation dimension the candidate line (a character's turn in a role-play scene, given the context above) mainly tests.",
    '',
    'Dimensions:',
    ...dimensions.map((d) => `- ${d.name}: ${d.description}`),
    '',
    'First write a short critique of what this turn of the scene asks of the character; then name the dimension.',
    'The "critique" field comes before "dimension".',
  ].join('\n');
}

/** The comparison's task on the chosen dimension. */
function comparisonTask(dimension: { name: string; description: string }): string {
  return [
    'Both texts are candidate replies of the same character at the same turn of a role-play scene (the context above: the',
    "character's sheet and the scene as the character perceived it up to this turn).",
    `Decide which reply is better on ${dimension.name}: ${dimension.description}.`,
  ].join(' ');
}

/**
 * FURINA's judging of one utterance against a baseline reply (the item's `reference`): the judge names the
 * dimension the turn tests, then compares the two replies on it in both orders (the answer as A, then as B).
 * `win_rate` counts a preference only when both orders agree (tie 0.5); one metric per dimension holds the same
 * value on the lines that test it (null on the others); `consistency` is the share of judged lines whose two orders
 * agreed and `position_a` the share of decisive verdicts that chose whichever text was shown as A (0.5: no position
 * bias). A line whose dimension could not be read, or with an order still malformed after its repair, is unjudged.
 * @example createFurinaScorer({ name: 'furina' })
 */
export function createFurinaScorer(options: Record<string, unknown>): JudgedScorer {
  const parsed = parseScorerOptions('furina', FurinaOptions, options);
  const names = parsed.dimensions.map((d) => d.name) as [string, ...string[]];
  const Selection = z.object({ critique: z.string(), dimension: z.enum(names) });
  const metrics: MetricDefinition[] = [
    { name: 'win_rate', description: 'the line preferred over the baseline reply in both orders (tie 0.5), over consistently judged lines', higherIsBetter: true },
    { name: 'consistency', description: "share of judged lines where the judge's two orders (line as A, line as B) agreed", higherIsBetter: true },
    { name: 'position_a', description: 'share of decisive verdicts that chose the text shown as A: 0.5 is no position bias', higherIsBetter: false },
    ...parsed.dimensions.map((d) => ({
      name: d.name, description: `win rate on the lines the judge found to test ${d.name}`, higherIsBetter: true, judged: true,
    })),
  ];
  return {
    name: 'furina',
    requiresJudge: true,
    metrics,
    async score(input: ScoreInput): Promise<ItemScore> {
      const judge = requireJudge(input, 'furina');
      const { item } = input;
      if (item.reference === undefined) {
        throw new EvalError('eval/bad-data', `item ${item.id} (record ${item.record}) has no baseline reply: the furina scorer compares the line with the item's reference`);
      }
      const context = judgeContext(item, parsed.context, { scorer: 'furina', withReference: false });
      const values: Record<string, number | null> = Object.fromEntries(metrics.map((m) => [m.name, null]));
      const selection: JudgeVerdict<z.infer<typeof Selection>> = await judge.ask({
        task: selectionTask(parsed.dimensions), context, candidates: { line: input.answer }, schema: Selection, signal: input.signal, seed: input.seed,
      });
      if (!selection.verdict) {
        return { values, unjudged: true, verdict: { judge: judge.model, baseline: item.reference, selection: { error: selection.error, raw: selection.raw } } };
      }
      const dimension = parsed.dimensions.find((d) => d.name === selection.verdict!.dimension)!;
      const result = await comparePairwise(judge, {
        task: comparisonTask(dimension), context, first: input.answer, second: item.reference, signal: input.signal, seed: input.seed,
      });
      const verdict = {
        judge: judge.model,
        dimension: dimension.name,
        selection: { critique: selection.verdict.critique, repaired: selection.repaired },
        baseline: item.reference,
        outcome: result.outcome,
        orders: result.verdicts.map((reply, i) => ({
          shown: i === 0 ? 'line as A, baseline as B' : 'baseline as A, line as B',
          ...(reply.verdict ? { critique: reply.verdict.critique, winner: reply.verdict.winner } : { error: reply.error, raw: reply.raw }),
          repaired: reply.repaired,
        })),
      };
      const extraction = `${dimension.name}: ${result.outcome === 'first' ? 'the line wins' : result.outcome === 'second' ? 'the baseline wins' : result.outcome}`;
      if (result.outcome === 'unjudged') return { values, verdict, extraction, unjudged: true };
      const decisive = result.verdicts.flatMap((reply) => (reply.verdict && reply.verdict.winner !== 'tie' ? [reply.verdict.winner] : []));
      values.win_rate = WIN[result.outcome];
      values[dimension.name] = WIN[result.outcome];
      values.consistency = result.outcome === 'inconsistent' ? 0 : 1;
      values.position_a = decisive.length ? decisive.filter((winner) => winner === 'A').length / decisive.length : null;
      return { values, verdict, extraction };
    },
  };
}
