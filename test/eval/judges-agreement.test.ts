import { describe, expect, it } from 'vitest';
import { accuracy, averageRanks, cohenKappa, spearman, validateJudge } from '../../src/eval/judges/index.ts';

/** Two raters' labels from a 2×2 table: counts of (yes, yes), (yes, no), (no, yes), (no, no). */
function fromTable(yesYes: number, yesNo: number, noYes: number, noNo: number): [string[], string[]] {
  const a: string[] = [];
  const b: string[] = [];
  const add = (count: number, x: string, y: string) => { for (let i = 0; i < count; i++) { a.push(x); b.push(y); } };
  add(yesYes, 'yes', 'yes');
  add(yesNo, 'yes', 'no');
  add(noYes, 'no', 'yes');
  add(noNo, 'no', 'no');
  return [a, b];
}

describe("Cohen's kappa", () => {
  it('matches the textbook examples (Wikipedia "Cohen\'s kappa": 20/5/10/15 gives 0.4; 45/15/25/15 gives 0.1304)', () => {
    // po = 35/50 = 0.7; pe = 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.2/0.5
    expect(cohenKappa(...fromTable(20, 5, 10, 15))).toBeCloseTo(0.4, 12);
    // po = 0.6; pe = 0.6·0.7 + 0.4·0.3 = 0.54; κ = 0.06/0.46
    expect(cohenKappa(...fromTable(45, 15, 25, 15))).toBeCloseTo(0.06 / 0.46, 12);
  });

  it('handles three classes, perfect and opposite agreement', () => {
    // po = 3/6; every marginal is 1/3, so pe = 1/3; κ = (1/2 − 1/3)/(2/3) = 1/4
    expect(cohenKappa([1, 2, 3, 1, 2, 3], [1, 2, 3, 2, 3, 1])).toBeCloseTo(0.25, 12);
    expect(cohenKappa(['a', 'b', 'a'], ['a', 'b', 'a'])).toBe(1);
    expect(cohenKappa(['a', 'b'], ['b', 'a'])).toBe(-1);
  });

  it('returns null when both raters use one and the same class (0/0), and 0 when only one rater is constant', () => {
    expect(cohenKappa([5, 5, 5], [5, 5, 5])).toBeNull();
    expect(cohenKappa(['a', 'a', 'a', 'a'], ['a', 'a', 'b', 'b'])).toBe(0);
    expect(cohenKappa([], [])).toBeNull();
  });

  it('treats 4 and "4" as the same label and refuses lists of different lengths', () => {
    expect(cohenKappa([4, 3], ['4', '3'])).toBe(1);
    expect(() => cohenKappa([1], [1, 2])).toThrow(RangeError);
  });
});

describe('accuracy', () => {
  it('is the share of equal pairs, null for none', () => {
    expect(accuracy([1, 2, 3, 4], [1, 2, 0, 0])).toBe(0.5);
    expect(accuracy([], [])).toBeNull();
  });
});

describe("Spearman's rho", () => {
  it('matches the textbook example (Wikipedia "Spearman\'s rank correlation coefficient": IQ and hours of TV, −29/165)', () => {
    const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
    const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
    // Σd² = 194; ρ = 1 − 6·194 / (10·99) = −29/165 ≈ −0.1758
    expect(spearman(iq, tv)).toBeCloseTo(-29 / 165, 12);
  });

  it('gives tied values the average of their ranks', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 3, 3])).toEqual([3, 1, 3, 3]);
    // ranks [1, 2.5, 2.5, 4] and [1, 3, 2, 4]: cov 4.5, variances 4.5 and 5 → 4.5/√22.5 = √0.9
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(Math.sqrt(0.9), 12);
  });

  it('is ±1 for monotone data and null without a ranking to compare', () => {
    expect(spearman([1, 2, 3], [10, 100, 1000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([2, 2, 2], [1, 2, 3])).toBeNull();
    expect(spearman([1], [1])).toBeNull();
  });
});

describe('validateJudge', () => {
  it('reports n, accuracy, kappa and spearman computed by hand', () => {
    const predicted = [4, 3, 5, 2, 4];
    const human = [4, 4, 5, 2, 3];
    // accuracy 3/5; pe = (2·2 + 1 + 1 + 1)/25 = 7/25, κ = (0.6 − 0.28)/0.72 = 4/9;
    // ranks [3.5, 2, 5, 1, 3.5] and [3.5, 3.5, 5, 1, 2]: cov 7.25, variances 9.5 and 9.5 → 29/38
    const result = validateJudge(predicted.map((p, i) => ({ predicted: p, human: human[i] })));
    expect(result.n).toBe(5);
    expect(result.accuracy).toBeCloseTo(0.6, 12);
    expect(result.kappa).toBeCloseTo(4 / 9, 12);
    expect(result.spearman).toBeCloseTo(29 / 38, 12);
  });

  it('has no spearman for categorical labels, and reads numeric text as numbers', () => {
    expect(validateJudge([{ predicted: 'yes', human: 'yes' }, { predicted: 'no', human: 'yes' }]))
      .toEqual({ n: 2, accuracy: 0.5, kappa: 0, spearman: null });
    expect(validateJudge([{ predicted: '1', human: 1 }, { predicted: '2', human: 3 }]).spearman).toBeCloseTo(1, 12);
  });
});
