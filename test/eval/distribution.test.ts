import { describe, expect, it } from 'vitest';
import type { BenchItem } from '../../src/eval/item.ts';
import { brierScore, expectedCalibrationError, rankStatistics } from '../../src/eval/scorers/distribution-metrics.ts';
import { createDistributionScorer } from '../../src/eval/scorers/distribution.ts';
import { readDistribution } from '../../src/eval/scorers/read-distribution.ts';
import type { ItemScore } from '../../src/eval/scorers/types.ts';

const names = ['Alice', 'Bob', 'Carol', 'Dave'];
const itemWith = (answer: number): BenchItem => ({ id: `q${answer}`, record: 1, vars: {}, options: names, answer, categories: {} });

describe('readDistribution', () => {
  it.each([
    ['{"Alice": 0.7, "Bob": 0.2, "Carol": 0.1, "Dave": 0}', [0.7, 0.2, 0.1, 0], 'JSON'],
    ['Reasoning first.\n```json\n{"Alice": 0.1, "Bob": 0.6, "Carol": 0.2, "Dave": 0.1}\n```', [0.1, 0.6, 0.2, 0.1], 'a JSON code block'],
    ['{"alice": "70%", "BOB": "20%", " Carol ": "10%", "Dave": "0%"}', [0.7, 0.2, 0.1, 0], 'JSON'],
    ['{"Alice": 70, "Bob": 20, "Carol": 10, "Dave": 0}', [0.7, 0.2, 0.1, 0], 'JSON'],
    ['{"A": 0.25, "B": 0.25, "C": 0.5, "D": 0}', [0.25, 0.25, 0.5, 0], 'JSON'],
    ['{"probabilities": {"Alice": 0.5, "Bob": 0.5}}', [0.5, 0.5, 0, 0], 'JSON'],
    ["{'Alice': 0.4, 'Bob': 0.6,}", [0.4, 0.6, 0, 0], 'JSON'],
    ['<think>maybe {"Dave": 1}</think> {"Carol": 0.9, "Dave": 0.1}', [0, 0, 0.9, 0.1], 'JSON'],
    ['- **Alice**: 60%\n- **Bob**: 40%\nTotal: 100%', [0.6, 0.4, 0, 0], 'name: value lines'],
  ])('reads %j', (reply, probabilities, how) => {
    const reading = readDistribution(reply, names);
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    reading.probabilities.forEach((p, i) => expect(p).toBeCloseTo(probabilities[i], 12));
    expect(reading.how).toBe(how);
  });

  it('normalises a sum other than 1 and says so', () => {
    const reading = readDistribution('{"Alice": 0.6, "Bob": 0.6}', names);
    expect(reading).toMatchObject({ ok: true, probabilities: [0.5, 0.5, 0, 0], writtenSum: 1.2, missing: 2 });
  });

  it.each([
    ['', 'empty reply'],
    ['I think it is Alice.', 'no JSON object'],
    ['{"Alice": -0.2, "Bob": 1.2}', 'negative probability for "Alice"'],
    ['{"Alice": 0.5, "Zed": 0.5}', '"Zed" is not one of the candidates'],
    ['{"Alice": "likely", "Bob": 0.5}', 'the value for "Alice" is not a number'],
    ['{"Alice": 0, "Bob": 0}', 'every probability is 0'],
    ['{"Alice": 0.5, "A": 0.5}', 'both name Alice'],
    ['{"E": 1}', '"E" is not one of the candidates'],
  ])('refuses %j (%s)', (reply, reason) => {
    const reading = readDistribution(reply, names);
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.reason).toContain(reason);
  });
});

describe('distribution metrics', () => {
  it('ranks the right candidate, sharing ties as a random tie-break would', () => {
    expect(rankStatistics([0.7, 0.2, 0.1, 0], 0)).toEqual({ top1: 1, top2: 1, rank: 1 });
    expect(rankStatistics([0.7, 0.2, 0.1, 0], 2)).toEqual({ top1: 0, top2: 0, rank: 3 });
    expect(rankStatistics([0.25, 0.25, 0.25, 0.25], 2)).toEqual({ top1: 0.25, top2: 0.5, rank: 2.5 });
    expect(rankStatistics([0.5, 0.2, 0.2, 0.1], 1)).toEqual({ top1: 0, top2: 0.5, rank: 2.5 });
  });

  it('computes the Brier score as the mean over candidates', () => {
    // (0.3² + 0.2² + 0.1² + 0²) / 4 = 0.14 / 4
    expect(brierScore([0.7, 0.2, 0.1, 0], 0)).toBeCloseTo(0.035, 12);
  });

  it('bins calibration error with (lo, hi] edges', () => {
    const points = [{ confidence: 0.7, correct: 1 }, { confidence: 0.65, correct: 0 }, { confidence: 0.25, correct: 0.25 }];
    // 10 bins: 0.7 and 0.65 share (0.6, 0.7]: |0.675 − 0.5| × 2/3; 0.25 alone in (0.2, 0.3]: 0.
    expect(expectedCalibrationError(points, 10)).toBeCloseTo(0.175 * 2 / 3, 12);
    // 20 bins: 0.65 in (0.6, 0.65], 0.7 in (0.65, 0.7]: (0.3 + 0.65 + 0) / 3.
    expect(expectedCalibrationError(points, 20)).toBeCloseTo(0.95 / 3, 12);
    expect(expectedCalibrationError([], 10)).toBeNull();
  });
});

describe('distribution scorer', () => {
  const scorer = createDistributionScorer();
  const metric = (name: string) => scorer.metrics.find((m) => m.name === name)!;
  const mean = (scores: ItemScore[], name: string) => scores.reduce((sum, s) => sum + (s.values[name] ?? 0), 0) / scores.length;

  it('scores three items with hand-computed top-1, top-2, mean rank, Brier and ECE', async () => {
    const scores = await Promise.all([
      scorer.score({ item: itemWith(0), answer: '{"Alice": 0.7, "Bob": 0.2, "Carol": 0.1, "Dave": 0}' }),
      scorer.score({ item: itemWith(1), answer: '{"Alice": 0.65, "Bob": 0.25, "Carol": 0.1, "Dave": 0}' }),
      scorer.score({ item: itemWith(2), answer: '{"Alice": 0.25, "Bob": 0.25, "Carol": 0.25, "Dave": 0.25}' }),
    ]);
    expect(scores.map((s) => s.values.top1)).toEqual([1, 0, 0.25]);
    expect(scores.map((s) => s.values.top2)).toEqual([1, 1, 0.5]);
    expect(scores.map((s) => s.values.mean_rank)).toEqual([1, 2, 2.5]);
    // Brier: 0.14/4; (0.65² + 0.75² + 0.1²)/4 = 0.995/4; (3 × 0.25² + 0.75²)/4 = 0.75/4.
    expect(scores[0].values.brier).toBeCloseTo(0.035, 12);
    expect(scores[1].values.brier).toBeCloseTo(0.24875, 12);
    expect(scores[2].values.brier).toBeCloseTo(0.1875, 12);
    expect(mean(scores, 'top1')).toBeCloseTo(1.25 / 3, 12);
    expect(mean(scores, 'mean_rank')).toBeCloseTo(5.5 / 3, 12);
    expect(mean(scores, 'brier')).toBeCloseTo(0.47125 / 3, 12);
    expect(metric('ece').aggregate!(scores)).toBeCloseTo(0.175 * 2 / 3, 12);
    expect(createDistributionScorer({ name: 'distribution', bins: 20 }).metrics.find((m) => m.name === 'ece')!.aggregate!(scores)).toBeCloseTo(0.95 / 3, 12);
    expect(scores.map((s) => s.values.position)).toEqual([0, 0, undefined]);
    expect(scores[0].extraction).toBe('Alice 0.7 · Bob 0.2 · Carol 0.1 · Dave 0, read from JSON; right: Alice, rank 1');
  });

  it('maps letters through the shown order back to the released candidates', async () => {
    // Shown: D) Dave, B) Bob, A) Alice... order[i] is the released index of the i-th shown option.
    const item = itemWith(1);
    const order = [3, 1, 0, 2];
    const byLetter = await scorer.score({ item, order, answer: '{"A": 0.1, "B": 0.6, "C": 0.2, "D": 0.1}' });
    expect(byLetter.values).toMatchObject({ top1: 1, mean_rank: 1, position: 1 });
    const wrongLetter = await scorer.score({ item, order, answer: '{"A": 0.7, "B": 0.1, "C": 0.1, "D": 0.1}' });
    // Bob ties with Alice and Carol at 0.1 below Dave: rank 1 + 1 + 2/2, in the top two 1 time in 3.
    expect(wrongLetter.values).toMatchObject({ top1: 0, mean_rank: 3, position: 0 });
    expect(wrongLetter.values.top2).toBeCloseTo(1 / 3, 12);
    const byName = await scorer.score({ item, order, answer: '{"Bob": 0.9, "Dave": 0.1}' });
    expect(byName.values).toMatchObject({ top1: 1, position: 1 });
    // Brier in released order [Alice 0, Bob 0.9, Carol 0, Dave 0.1]: (0 + 0.01 + 0 + 0.01) / 4.
    expect(byName.values.brier).toBeCloseTo(0.005, 12);
  });

  it('counts an unreadable distribution as invalid, never as right or wrong, and leaves it out of ECE', async () => {
    const bad = await scorer.score({ item: itemWith(0), answer: '{"Alice": -0.5, "Bob": 1.5}' });
    expect(bad).toMatchObject({
      invalid: true,
      values: { top1: null, top2: null, mean_rank: null, brier: null, confidence: null, invalid_rate: 1 },
    });
    expect(bad.extraction).toBe('unreadable: negative probability for "Alice"');
    const good = await scorer.score({ item: itemWith(0), answer: '{"Alice": 0.8, "Bob": 0.2}' });
    expect(good.values.invalid_rate).toBe(0);
    expect(metric('ece').aggregate!([bad, good])).toBeCloseTo(0.2, 12);
    expect(metric('ece').aggregate!([bad])).toBeNull();
  });

  it('refuses bad options and items without candidates', async () => {
    expect(() => createDistributionScorer({ name: 'distribution', bins: 0 })).toThrow(/bins/);
    expect(() => createDistributionScorer({ name: 'distribution', letters: true })).toThrow(/scorer distribution/);
    await expect(async () => scorer.score({ item: { ...itemWith(0), options: undefined }, answer: '{}' })).rejects.toThrow(/candidate lists/);
  });
});
