/** A rating: a score (`4`) or a category (`"in character"`). Equal when their text is equal, so `4` matches `"4"`. */
export type Rating = number | string;

function sameLength(name: string, a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`${name}: the two lists differ in length (${a.length} and ${b.length}); pair each prediction with its gold label`);
}

/** Share of pairs where the prediction equals the gold label; null for no pairs. */
export function accuracy(predicted: readonly Rating[], gold: readonly Rating[]): number | null {
  sameLength('accuracy', predicted, gold);
  if (predicted.length === 0) return null;
  let equal = 0;
  for (let i = 0; i < predicted.length; i++) if (String(predicted[i]) === String(gold[i])) equal++;
  return equal / predicted.length;
}

/**
 * Cohen's kappa for two raters over categories: (po − pe) / (1 − pe), with po the observed agreement and pe the
 * agreement expected by chance from each rater's own label frequencies. Categorical: 4 against 5 counts as much
 * a disagreement as 1 against 5.
 *
 * Degenerate case: when both raters give every item one and the same label, pe = po = 1 and kappa is 0/0. The
 * data then cannot show agreement beyond chance, so this returns null (not 1): read accuracy instead. When only
 * one rater is constant, pe = the other's share of that label, po equals it, and kappa is 0 (no better than chance).
 * Returns null for no pairs too.
 */
export function cohenKappa(predicted: readonly Rating[], gold: readonly Rating[]): number | null {
  sameLength('cohenKappa', predicted, gold);
  const n = predicted.length;
  if (n === 0) return null;
  const countsPredicted = new Map<string, number>();
  const countsGold = new Map<string, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const p = String(predicted[i]);
    const g = String(gold[i]);
    countsPredicted.set(p, (countsPredicted.get(p) ?? 0) + 1);
    countsGold.set(g, (countsGold.get(g) ?? 0) + 1);
    if (p === g) agree++;
  }
  if (countsPredicted.size === 1 && countsGold.size === 1 && agree === n) return null;
  let chance = 0;
  for (const [label, count] of countsPredicted) chance += (count / n) * ((countsGold.get(label) ?? 0) / n);
  return (agree / n - chance) / (1 - chance);
}

/** 1-based ranks, tied values sharing the average of the ranks they span (`[10, 20, 20, 30]` → `[1, 2.5, 2.5, 4]`). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].value === order[start].value) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k].index] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson correlation; null when either side has no variance. */
function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  const meanX = x.reduce((s, v) => s + v, 0) / n;
  const meanY = y.reduce((s, v) => s + v, 0) / n;
  let cov = 0;
  let varX = 0;
  let varY = 0;
  for (let i = 0; i < n; i++) {
    cov += (x[i] - meanX) * (y[i] - meanY);
    varX += (x[i] - meanX) ** 2;
    varY += (y[i] - meanY) ** 2;
  }
  return varX === 0 || varY === 0 ? null : cov / Math.sqrt(varX * varY);
}

/**
 * Spearman's rank correlation: Pearson's r over average ranks (ties handled exactly, not by the 1 − 6Σd²
 * shortcut). Null with fewer than two pairs or when a side is constant (no ranking to compare).
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  sameLength('spearman', x, y);
  if (x.length < 2) return null;
  return pearson(averageRanks(x), averageRanks(y));
}

export interface JudgeValidation {
  n: number;
  accuracy: number | null;
  kappa: number | null;
  /** Null unless every rating on both sides is a number (or numeric text). */
  spearman: number | null;
}

/** How well a judge agrees with human labels: exact accuracy, Cohen's kappa and Spearman's rho over the pairs. */
export function validateJudge(pairs: readonly { predicted: Rating; human: Rating }[]): JudgeValidation {
  const predicted = pairs.map((pair) => pair.predicted);
  const human = pairs.map((pair) => pair.human);
  const numeric = (values: Rating[]) => values.map((value) => (typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value)));
  const x = numeric(predicted);
  const y = numeric(human);
  const allNumeric = [...x, ...y].every(Number.isFinite);
  return {
    n: pairs.length,
    accuracy: accuracy(predicted, human),
    kappa: cohenKappa(predicted, human),
    spearman: allNumeric ? spearman(x, y) : null,
  };
}
