import { z } from 'zod';
import { extractJsonObject } from '../../llm/index.ts';
import { EvalError } from '../errors.ts';
import type { BenchItem } from '../item.ts';
import { invalidScore } from '../scorers/invalid-answer.ts';
import type { ItemScore, MetricDefinition, Scorer, ScoreInput } from '../scorers/types.ts';
import { cohenKappa, spearman } from './agreement.ts';
import { parseScorerOptions } from './judged-scorer.ts';

export const AgreementOptions = z.object({
  name: z.string(),
  /** The dimensions compared (default: every dimension in each item's human labels). */
  dimensions: z.array(z.string().min(1)).min(1).optional(),
  /** The rating scale; a rating outside it is unreadable. */
  scale: z.tuple([z.number(), z.number()]).refine(([low, high]) => low < high, 'scale is [lowest, highest] with lowest < highest').default([1, 5]),
}).strict();

/** One dimension of one item: what the candidate judge said beside what the human said. */
export interface Rated {
  dimension: string;
  predicted: number;
  human: number;
}

/** The human labels of an item (`meta.labels`, as the human-labels loader stores them). */
function humanLabels(item: BenchItem, dimensions: readonly string[] | undefined): Record<string, number> {
  const labels = item.meta?.labels as Record<string, unknown> | undefined;
  if (!labels || typeof labels !== 'object') {
    throw new EvalError('eval/bad-data', `item ${item.id} (record ${item.record}) has no human labels: the agreement scorer needs meta.labels (use the human-labels loader)`);
  }
  const chosen: Record<string, number> = {};
  for (const dimension of dimensions ?? Object.keys(labels)) {
    const label = labels[dimension];
    if (typeof label !== 'number') {
      throw new EvalError('eval/bad-data', `item ${item.id} (record ${item.record}): labels.${dimension}: expected a number, found ${label === undefined ? 'nothing' : JSON.stringify(label)} (scorer agreement compares this dimension)`);
    }
    chosen[dimension] = label;
  }
  if (Object.keys(chosen).length === 0) throw new EvalError('eval/bad-data', `item ${item.id} (record ${item.record}): labels: expected at least one dimension`);
  return chosen;
}

/** The candidate judge's ratings from its answer: `{ <dim>: n }` or `{ critique, scores: { <dim>: n } }`. */
export function readRatings(
  answer: string,
  dimensions: readonly string[],
  scale: readonly [number, number],
): { ok: true; ratings: Record<string, number> } | { ok: false; reason: string } {
  const extracted = extractJsonObject(answer);
  if (!extracted.ok) return { ok: false, reason: extracted.error };
  const object = extracted.value as Record<string, unknown>;
  const scores = object && typeof object.scores === 'object' && object.scores !== null ? object.scores as Record<string, unknown> : object;
  if (!scores || typeof scores !== 'object' || Array.isArray(scores)) return { ok: false, reason: 'the JSON is not an object of ratings' };
  const ratings: Record<string, number> = {};
  for (const dimension of dimensions) {
    const value = scores[dimension];
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(number)) return { ok: false, reason: `no numeric rating for "${dimension}"` };
    if (number < scale[0] || number > scale[1]) return { ok: false, reason: `${dimension}: ${number} is outside the scale ${scale[0]}–${scale[1]}` };
    ratings[dimension] = number;
  }
  return { ok: true, ratings };
}

/** Every (predicted, human) pair of the readable answers among `scores`. */
function ratedPairs(scores: readonly ItemScore[]): Rated[] {
  const pairs: Rated[] = [];
  for (const score of scores) {
    if (score.invalid) continue;
    const rated = (score.verdict as { ratings?: Rated[] } | undefined)?.ratings;
    if (Array.isArray(rated)) pairs.push(...rated);
  }
  return pairs;
}

/**
 * Judge validation as a benchmark: the model under test is the candidate judge, prompted to rate a response
 * per dimension as JSON; its ratings are compared with the human labels. Per item `exact` (every dimension
 * equal) and `abs_error` (mean over dimensions); over all items × dimensions, Cohen's `kappa` and `spearman`.
 */
export function createAgreementScorer(options: Record<string, unknown>): Scorer {
  const parsed = parseScorerOptions('agreement', AgreementOptions, options);
  const scale = parsed.scale as [number, number];
  const metrics: MetricDefinition[] = [
    { name: 'exact', description: 'share of items where the rating equals the human label on every dimension', higherIsBetter: true },
    { name: 'abs_error', description: 'mean absolute difference from the human label, per dimension', higherIsBetter: false, range: [0, scale[1] - scale[0]] },
    {
      name: 'kappa', description: "Cohen's kappa with the human labels over all items × dimensions (categorical)", higherIsBetter: true, range: [-1, 1],
      aggregate: (scores) => { const pairs = ratedPairs(scores); return cohenKappa(pairs.map((p) => p.predicted), pairs.map((p) => p.human)); },
    },
    {
      name: 'spearman', description: "Spearman's rank correlation with the human labels over all items × dimensions", higherIsBetter: true, range: [-1, 1],
      aggregate: (scores) => { const pairs = ratedPairs(scores); return spearman(pairs.map((p) => p.predicted), pairs.map((p) => p.human)); },
    },
  ];
  return {
    name: 'agreement',
    metrics,
    score(input: ScoreInput): ItemScore {
      const labels = humanLabels(input.item, parsed.dimensions);
      const dimensions = Object.keys(labels);
      const read = readRatings(input.answer, dimensions, scale);
      if (!read.ok) return invalidScore(metrics, `unreadable: ${read.reason}`);
      const ratings: Rated[] = dimensions.map((dimension) => ({ dimension, predicted: read.ratings[dimension], human: labels[dimension] }));
      const exact = ratings.every((r) => r.predicted === r.human) ? 1 : 0;
      const absError = ratings.reduce((sum, r) => sum + Math.abs(r.predicted - r.human), 0) / ratings.length;
      return {
        values: { exact, abs_error: absError },
        extraction: ratings.map((r) => `${r.dimension} ${r.predicted} (human ${r.human})`).join(', '),
        verdict: { ratings },
      };
    },
  };
}
