import { z } from 'zod';
import type { ItemScore, MetricDefinition, ScoreInput } from '../scorers/types.ts';
import { judgeContext, parseScorerOptions, requireJudge, type JudgedScorer } from './judged-scorer.ts';
import type { JudgeVerdict } from './types.ts';

const Dimension = z.object({
  /** The metric's name too. */
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a dimension name is also a metric name: a letter, then letters, digits or _'),
  description: z.string().min(1),
  scale: z.tuple([z.number().int(), z.number().int()])
    .refine(([low, high]) => low < high, 'scale is [lowest, highest] with lowest < highest')
    .default([1, 5]),
}).strict();
export type RubricDimension = z.infer<typeof Dimension>;

export const RubricOptions = z.object({
  name: z.string(),
  dimensions: z.array(Dimension).min(1)
    .refine((dimensions) => new Set(dimensions.map((d) => d.name)).size === dimensions.length, 'dimension names must be distinct'),
  /** Verdicts asked per item (seeds `seed`, `seed + 1`...), aggregated per dimension. */
  samples: z.number().int().min(1).max(20).default(1),
  aggregate: z.enum(['mean', 'median']).default('mean'),
  /** Which item values the judge sees (vars, `reference`, `messages`); default all vars and the reference. */
  context: z.array(z.string().min(1)).optional(),
  /** Extra guidance for the judge, added to the task (what a good answer looks like for this benchmark). */
  instructions: z.string().optional(),
  /** Adds the metric `overall`: the mean of an item's dimension scores (CharacterBox reports this average). */
  overall: z.boolean().default(false),
}).strict()
  .refine((options) => !options.overall || !options.dimensions.some((d) => d.name === 'overall'), { message: 'a dimension named overall clashes with the overall metric', path: ['dimensions'] });
export type RubricOptions = z.infer<typeof RubricOptions>;

/** A rubric verdict: the critique first, so the scores are conditioned on it. */
export interface RubricVerdict {
  critique: string;
  scores: Record<string, number>;
}

/** One sample's verdict as kept for the drill-down. */
export interface RubricSample {
  seed: number;
  critique?: string;
  scores?: Record<string, number>;
  repaired: boolean;
  /** Why this sample was dropped, with its last raw reply. */
  error?: string;
  raw?: string;
}

/** The mean or median of a dimension's scores over samples (median of an even count: mean of the middle two). */
export function aggregateScores(values: readonly number[], how: 'mean' | 'median'): number | null {
  if (values.length === 0) return null;
  if (how === 'mean') return values.reduce((sum, value) => sum + value, 0) / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The verdict schema for a set of dimensions: `{ critique, scores: { <dim>: integer in scale } }`. */
export function rubricSchema(dimensions: readonly RubricDimension[]): z.ZodType<RubricVerdict> {
  const scores: Record<string, z.ZodNumber> = {};
  for (const dimension of dimensions) scores[dimension.name] = z.number().int().min(dimension.scale[0]).max(dimension.scale[1]);
  return z.object({ critique: z.string(), scores: z.object(scores) }) as unknown as z.ZodType<RubricVerdict>;
}

/** The judge's task for a rubric. */
export function rubricTask(options: Pick<RubricOptions, 'dimensions' | 'instructions'>): string {
  return [
    'Rate the response on each dimension below, as an integer on the scale given.',
    ...(options.instructions ? ['', options.instructions.trim()] : []),
    '',
    'Dimensions:',
    ...options.dimensions.map((d) => `- ${d.name} (${d.scale[0]} to ${d.scale[1]}, higher is better): ${d.description}`),
    '',
    'First write a critique that weighs the response against each dimension, quoting it where it helps;',
    'then give the scores that follow from the critique. The "critique" field comes before "scores".',
  ].join('\n');
}

/**
 * Rubric scoring by a judge, critique then score, one metric per dimension. Several samples are aggregated per
 * dimension; a sample still malformed after its repair is dropped, and when all are the item is unjudged.
 * @example createRubricScorer({ name: 'rubric', dimensions: [{ name: 'in_character', description: 'stays in role' }], samples: 3 })
 */
export function createRubricScorer(options: Record<string, unknown>): JudgedScorer {
  const parsed = parseScorerOptions('rubric', RubricOptions, options);
  const schema = rubricSchema(parsed.dimensions);
  const task = rubricTask(parsed);
  const metrics: MetricDefinition[] = parsed.dimensions.map((d) => ({
    name: d.name,
    description: `judged ${d.name} (${d.scale[0]}–${d.scale[1]}): ${d.description}`,
    higherIsBetter: true,
    range: d.scale,
    judged: true,
  }));
  if (parsed.overall) {
    metrics.push({
      name: 'overall', description: 'mean of the dimension scores of an item', higherIsBetter: true,
      range: [Math.min(...parsed.dimensions.map((d) => d.scale[0])), Math.max(...parsed.dimensions.map((d) => d.scale[1]))],
    });
  }

  return {
    name: 'rubric',
    requiresJudge: true,
    metrics,
    async score(input: ScoreInput): Promise<ItemScore> {
      const judge = requireJudge(input, 'rubric');
      const context = judgeContext(input.item, parsed.context, { scorer: 'rubric', withReference: true });
      const seeds = Array.from({ length: parsed.samples }, (_, k) => (input.seed ?? 0) + k);
      const replies: JudgeVerdict<RubricVerdict>[] = await Promise.all(seeds.map((seed) => judge.ask({
        task, context, candidates: { response: input.answer }, schema, signal: input.signal, seed,
      })));
      const samples: RubricSample[] = replies.map((reply, k) => (reply.verdict
        ? { seed: seeds[k], critique: reply.verdict.critique, scores: reply.verdict.scores, repaired: reply.repaired }
        : { seed: seeds[k], repaired: false, error: reply.error, raw: reply.raw }));
      const judged = replies.flatMap((reply) => (reply.verdict ? [reply.verdict.scores] : []));
      const values: Record<string, number | null> = {};
      for (const d of parsed.dimensions) values[d.name] = aggregateScores(judged.map((scores) => scores[d.name]), parsed.aggregate);
      if (parsed.overall) {
        const scored = parsed.dimensions.map((d) => values[d.name]).filter((v): v is number => v !== null);
        values.overall = scored.length ? scored.reduce((sum, v) => sum + v, 0) / scored.length : null;
      }
      const verdict = { judge: judge.model, aggregate: parsed.aggregate, samples, dropped: replies.length - judged.length };
      return judged.length === 0 ? { values, verdict, unjudged: true } : { values, verdict };
    },
  };
}
