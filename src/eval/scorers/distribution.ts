import { z } from 'zod';
import { EvalError } from '../errors.ts';
import { brierScore, expectedCalibrationError, rankStatistics } from './distribution-metrics.ts';
import { POSITION } from './choice.ts';
import { readDistribution } from './read-distribution.ts';
import type { ItemScore, Scorer, ScoreInput } from './types.ts';

const DistributionOptions = z.object({
  name: z.string(),
  /** Equal-width bins of the calibration error (PersonaEval's own `metrics.py` uses 20). */
  bins: z.number().int().min(1).max(100).default(10),
}).strict();

/**
 * Probability answers (PersonaEval): the reply gives a probability per candidate (`readDistribution`), mapped back
 * through the shown order to the released candidates. Metrics are over readable replies; an unreadable one is invalid.
 * Options: `{ name: distribution, bins: 20 }`.
 */
export function createDistributionScorer(options: Record<string, unknown> = { name: 'distribution' }): Scorer {
  const parsed = DistributionOptions.safeParse({ name: 'distribution', ...options });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new EvalError('eval/bad-definition', `scorer distribution: ${problems} (it takes bins: a whole number 1–100, default 10)`);
  }
  const { bins } = parsed.data;
  return {
    name: 'distribution',
    metrics: [
      { name: 'top1', description: 'share of readable answers whose most probable candidate is the right one (ties shared)', higherIsBetter: true },
      { name: 'top2', description: 'share of readable answers with the right candidate among the two most probable', higherIsBetter: true },
      { name: 'mean_rank', description: 'mean rank of the right candidate by probability (1 = most probable, ties share ranks)', higherIsBetter: false, range: [1, 5] },
      { name: 'brier', description: 'Brier score: mean over candidates of (probability − truth)², as PersonaEval computes it', higherIsBetter: false },
      {
        name: 'ece',
        description: `expected calibration error of the top-1 probability (${bins} equal-width bins)`,
        higherIsBetter: false,
        aggregate: (scores) => expectedCalibrationError(calibrationPoints(scores), bins),
      },
      { name: 'invalid_rate', description: 'share of answers from which no probability distribution could be read', higherIsBetter: false, whenInvalid: 1 },
    ],
    itemValues: [
      { ...POSITION, description: 'the position (as shown, 0 = first) of the single most probable candidate, for position bias' },
      { name: 'confidence', description: 'the probability of the most probable candidate (what the calibration error bins)' },
    ],
    score: scoreDistribution,
  };
}

/** Each readable score's top-1 confidence and (tie-shared) correctness. */
function calibrationPoints(scores: readonly ItemScore[]): { confidence: number; correct: number }[] {
  const points: { confidence: number; correct: number }[] = [];
  for (const score of scores) {
    const { confidence, top1 } = score.values;
    if (typeof confidence === 'number' && typeof top1 === 'number') points.push({ confidence, correct: top1 });
  }
  return points;
}

function scoreDistribution(input: ScoreInput): ItemScore {
  const { item } = input;
  if (!item.options?.length || item.answer === undefined) {
    throw new EvalError('eval/bad-definition', `item ${item.id} has no candidates or no answer: the distribution scorer needs candidate lists with a right one`);
  }
  const order = input.order ?? item.options.map((_, i) => i);
  const shown = order.map((i) => item.options![i]);
  const reading = readDistribution(input.answer, shown);
  if (!reading.ok) {
    return {
      values: { top1: null, top2: null, mean_rank: null, brier: null, confidence: null, invalid_rate: 1 },
      invalid: true,
      extraction: `unreadable: ${reading.reason}`,
    };
  }
  const released = new Array<number>(item.options.length).fill(0);
  reading.probabilities.forEach((p, shownIndex) => {
    released[order[shownIndex]] = p;
  });
  const { top1, top2, rank } = rankStatistics(released, item.answer);
  const confidence = Math.max(...released);
  const leaders = reading.probabilities.flatMap((p, i) => (p === confidence ? [i] : []));
  return {
    values: {
      top1, top2, mean_rank: rank, brier: brierScore(released, item.answer), confidence, invalid_rate: 0,
      ...(leaders.length === 1 ? { position: leaders[0] } : {}),
    },
    extraction: describe(shown, reading, item.options[item.answer], rank),
  };
}

function describe(shown: readonly string[], reading: Extract<ReturnType<typeof readDistribution>, { ok: true }>, right: string, rank: number): string {
  const parts = shown.map((name, i) => `${name} ${round(reading.probabilities[i])}`).join(' · ');
  const notes = [
    Math.abs(reading.writtenSum - 1) > 1e-6 ? `normalised from a sum of ${round(reading.writtenSum)}` : '',
    reading.missing ? `${reading.missing} candidate(s) left out, read as 0` : '',
  ].filter(Boolean);
  return `${parts}, read from ${reading.how}${notes.length ? ` (${notes.join('; ')})` : ''}; right: ${right}, rank ${rank}`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
