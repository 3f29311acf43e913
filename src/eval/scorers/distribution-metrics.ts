/**
 * Where the right candidate ranks in a distribution. Ties are shared as a uniformly random tie-break would share
 * them (a flat `{0.25 ×4}` reply scores top-1 0.25 and rank 2.5), so an undecided model is not credited with the
 * first-listed candidate as an argmax would.
 */
export function rankStatistics(probabilities: readonly number[], answer: number): { top1: number; top2: number; rank: number } {
  const right = probabilities[answer];
  let above = 0;
  let tied = 0;
  probabilities.forEach((p, i) => {
    if (i === answer) return;
    if (p > right) above++;
    else if (p === right) tied++;
  });
  const places = tied + 1;
  const withinTop = (k: number) => Math.max(0, Math.min(k - above, places)) / places;
  return { top1: withinTop(1), top2: withinTop(2), rank: above + 1 + tied / 2 };
}

/**
 * Brier score as PersonaEval's `metrics.py` computes it: the mean over candidates of (p − y)², y being 1 for the right
 * one (0 is perfect, 1 the worst; multiply by the candidate count for the classic multi-class sum in [0, 2]).
 */
export function brierScore(probabilities: readonly number[], answer: number): number {
  let sum = 0;
  probabilities.forEach((p, i) => {
    sum += (p - (i === answer ? 1 : 0)) ** 2;
  });
  return sum / probabilities.length;
}

/**
 * Expected calibration error of top-1 confidence: equal-width bins (lo, hi] over [0, 1], each weighted by its share of
 * predictions, |mean confidence − mean correctness|. Null for no predictions.
 */
export function expectedCalibrationError(predictions: readonly { confidence: number; correct: number }[], bins: number): number | null {
  if (predictions.length === 0) return null;
  const count = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  for (const prediction of predictions) {
    const bin = binOf(prediction.confidence, bins);
    count[bin]++;
    confidence[bin] += prediction.confidence;
    correct[bin] += prediction.correct;
  }
  let error = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] > 0) error += (count[b] / predictions.length) * Math.abs(confidence[b] / count[b] - correct[b] / count[b]);
  }
  return error;
}

/** The bin (lo, hi] a confidence falls in, edges b / bins: 0.7 falls in (0.6, 0.7], as PersonaEval's `metrics.py` bins it. */
function binOf(confidence: number, bins: number): number {
  for (let b = 0; b < bins - 1; b++) if (confidence <= (b + 1) / bins) return b;
  return bins - 1;
}
