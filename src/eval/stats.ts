/** Bootstrap resamples used for intervals unless told otherwise. */
export const DEFAULT_RESAMPLES = 2000;

/** A seeded PRNG (mulberry32): the same seed gives the same intervals, so reports are reproducible. */
export function seededGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface Interval {
  value: number | null;
  low: number | null;
  high: number | null;
  n: number;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** 0.05 for a 95% interval. */
  alpha?: number;
}

/** The mean of the numbers, or null for none. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The q-quantile of sorted numbers, interpolated linearly (type 7, as R and NumPy). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Mean with a percentile-bootstrap interval (resampling the values with replacement). */
export function bootstrapMean(values: readonly number[], options: BootstrapOptions = {}): Interval {
  const n = values.length;
  const value = mean(values);
  if (n < 2 || value === null) return { value, low: null, high: null, n };
  const random = seededGenerator(options.seed ?? 1);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)];
    means[r] = sum / n;
  }
  return { value, ...percentileInterval(means, options.alpha ?? 0.05), n };
}

/**
 * A statistic over a set of units (items) with a percentile-bootstrap interval: each resample draws the units
 * with replacement and recomputes the statistic (for metrics that are not plain means: calibration error, kappa).
 */
export function bootstrapStatistic<T>(units: readonly T[], statistic: (sample: readonly T[]) => number | null, options: BootstrapOptions = {}): Interval {
  const n = units.length;
  const value = statistic(units);
  if (n < 2 || value === null) return { value, low: null, high: null, n };
  const random = seededGenerator(options.seed ?? 1);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const results: number[] = [];
  const sample: T[] = new Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) sample[i] = units[Math.floor(random() * n)];
    const result = statistic(sample);
    if (result !== null && Number.isFinite(result)) results.push(result);
  }
  if (results.length < 2) return { value, low: null, high: null, n };
  return { value, ...percentileInterval(Float64Array.from(results), options.alpha ?? 0.05), n };
}

function percentileInterval(samples: Float64Array, alpha: number): { low: number; high: number } {
  const sorted = samples.sort();
  return { low: quantile(sorted, alpha / 2), high: quantile(sorted, 1 - alpha / 2) };
}

export interface PairedDifference {
  /** Items both runs scored. */
  n: number;
  meanA: number;
  meanB: number;
  /** mean(B − A) over the paired items. */
  difference: number;
  low: number;
  high: number;
  /** Two-sided p-value of a sign-flip permutation test (no difference under the null). */
  pValue: number;
  /** Items where B scored higher, lower, the same. */
  better: number;
  worse: number;
  ties: number;
}

/** Paired comparison of two runs on the same items: bootstrap interval of the mean difference and a sign-flip test. */
export function pairedDifference(a: readonly number[], b: readonly number[], options: BootstrapOptions = {}): PairedDifference {
  if (a.length !== b.length) throw new Error(`paired values differ in length (${a.length} and ${b.length})`);
  const n = a.length;
  const differences = a.map((value, i) => b[i] - value);
  const difference = mean(differences) ?? 0;
  const interval = bootstrapMean(differences, options);
  const random = seededGenerator((options.seed ?? 1) + 1);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  let extreme = 0;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (const d of differences) sum += random() < 0.5 ? -d : d;
    if (Math.abs(sum / n) >= Math.abs(difference) - 1e-12) extreme++;
  }
  return {
    n,
    meanA: mean(a) ?? 0,
    meanB: mean(b) ?? 0,
    difference,
    low: interval.low ?? difference,
    high: interval.high ?? difference,
    pValue: n === 0 ? 1 : (extreme + 1) / (resamples + 1),
    better: differences.filter((d) => d > 0).length,
    worse: differences.filter((d) => d < 0).length,
    ties: differences.filter((d) => d === 0).length,
  };
}
