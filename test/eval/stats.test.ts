import { describe, expect, it } from 'vitest';
import { bootstrapMean, bootstrapStatistic, mean, pairedDifference, quantile, seededGenerator } from '../../src/eval/stats.ts';

describe('bootstrap', () => {
  it('is reproducible for a seed and brackets the mean', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i % 10 < 7 ? 1 : 0));
    const a = bootstrapMean(values, { seed: 7 });
    expect(a).toEqual(bootstrapMean(values, { seed: 7 }));
    expect(a.value).toBeCloseTo(0.7, 10);
    // Normal approximation: 0.7 ± 1.96·sqrt(0.21/200) = ±0.0635.
    expect(a.low!).toBeGreaterThan(0.62);
    expect(a.low!).toBeLessThan(0.66);
    expect(a.high!).toBeGreaterThan(0.74);
    expect(a.high!).toBeLessThan(0.78);
  });

  it('has no interval for fewer than two values', () => {
    expect(bootstrapMean([])).toEqual({ value: null, low: null, high: null, n: 0 });
    expect(bootstrapMean([1])).toEqual({ value: 1, low: null, high: null, n: 1 });
  });

  it('resamples units for a statistic that is not a mean', () => {
    const units = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const max = (sample: readonly number[]) => Math.max(...sample);
    const interval = bootstrapStatistic(units, max, { seed: 3 });
    expect(interval.value).toBe(10);
    expect(interval.high).toBe(10);
    expect(interval.low!).toBeGreaterThanOrEqual(7);
  });

  it('computes quantiles like R type 7', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.025)).toBeCloseTo(11, 10);
    expect(mean([1, 2, 6])).toBe(3);
  });

  it('draws uniform numbers in [0, 1)', () => {
    const random = seededGenerator(42);
    const draws = Array.from({ length: 10000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(mean(draws)!).toBeCloseTo(0.5, 1);
  });
});

describe('pairedDifference', () => {
  it('finds a real improvement and counts wins, losses and ties', () => {
    const a = Array.from({ length: 100 }, (_, i) => (i < 50 ? 1 : 0));
    const b = Array.from({ length: 100 }, (_, i) => (i < 80 ? 1 : 0));
    const result = pairedDifference(a, b, { seed: 1 });
    expect(result).toMatchObject({ n: 100, meanA: 0.5, meanB: 0.8, better: 30, worse: 0, ties: 70 });
    expect(result.difference).toBeCloseTo(0.3, 10);
    expect(result.low).toBeGreaterThan(0.2);
    expect(result.pValue).toBeLessThan(0.001);
  });

  it('finds no difference between equal runs', () => {
    const a = Array.from({ length: 60 }, (_, i) => i % 2);
    const b = a.map((v, i) => (i % 4 === 0 ? 1 - v : i % 4 === 1 ? 1 - v : v));
    const result = pairedDifference(a, b, { seed: 1 });
    expect(result.difference).toBe(0);
    expect(result.pValue).toBeGreaterThan(0.5);
    expect(result.low).toBeLessThan(0);
    expect(result.high).toBeGreaterThan(0);
  });

  it('refuses unpaired lists', () => {
    expect(() => pairedDifference([1], [1, 0])).toThrow(/differ in length/);
  });
});
