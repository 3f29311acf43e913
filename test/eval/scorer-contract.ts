import { describe, expect, it } from 'vitest';
import type { ScorerReference } from '../../src/eval/definition.ts';
import { EvalError } from '../../src/eval/errors.ts';
import type { BenchItem } from '../../src/eval/item.ts';
import type { Judge, JudgeRequest, JudgeVerdict } from '../../src/eval/judges/types.ts';
import { createScorer, type ItemScore, type ScoreInput } from '../../src/eval/scorers/index.ts';

/** What a scorer is run on: its definition, an item it scores, answers it reads and answers it cannot. */
export interface ScorerFixture {
  /** The scorer as a benchmark definition names it, options included. */
  reference: ScorerReference;
  item: BenchItem;
  /** The shown option order, for items with options. */
  order?: number[];
  /** Answers it can read (at least one); for judged scorers each holds `MARKER` in what is judged. */
  answers: string[];
  /** Answers it cannot read, besides the empty answer every scorer counts invalid. */
  unreadable: string[];
  /** For judged scorers: a verdict that fits the scorer's schema, as the judge model would write it. */
  verdict?: unknown;
}

/** A text every fixture answer holds, to follow where the answer goes. */
export const MARKER = 'KEEPER-7731';

/** A judge that answers every request with `verdict`, parsed by the request's schema as a real judge parses it; requests are kept. */
export function scriptedJudge(verdict: unknown): Judge & { requests: JudgeRequest<unknown>[] } {
  const requests: JudgeRequest<unknown>[] = [];
  return {
    model: 'scripted-judge',
    requests,
    async ask<T>(request: JudgeRequest<T>): Promise<JudgeVerdict<T>> {
      requests.push(request as JudgeRequest<unknown>);
      const parsed = request.schema.safeParse(verdict);
      if (!parsed.success) throw new Error(`the fixture's verdict does not fit the scorer's schema: ${parsed.error.message}`);
      return { verdict: parsed.data, raw: JSON.stringify(verdict), repaired: false };
    },
  };
}

/** A judge whose replies stayed malformed after the repair: no verdict. */
export const failingJudge: Judge = {
  model: 'failing-judge',
  async ask<T>(): Promise<JudgeVerdict<T>> {
    return { raw: 'I would rather not say.', repaired: false, error: 'malformed verdict after one repair: the reply contains no JSON object' };
  },
};

/** Unit vectors from the text's letters: similar texts, similar vectors; deterministic. */
async function embed(texts: string[]): Promise<number[][]> {
  return texts.map((text) => {
    const counts = Array.from({ length: 26 }, (_, i) => [...text.toLowerCase()].filter((c) => c.charCodeAt(0) === 97 + i).length + 1);
    const norm = Math.sqrt(counts.reduce((sum, c) => sum + c * c, 0));
    return counts.map((c) => c / norm);
  });
}

/**
 * The behaviour every scorer must have, built as a benchmark run builds it (`createScorer`): run it with
 * `runScorerContract(fixture)`. Judges are scripted, embeddings computed from letters; nothing leaves the process.
 */
export function runScorerContract(name: string, fixture: ScorerFixture): void {
  describe(`Scorer contract: ${name}`, () => {
    const scorer = createScorer(fixture.reference);
    const input = (answer: string, extra: Partial<ScoreInput> = {}): ScoreInput => ({
      item: fixture.item, answer, ...(fixture.order ? { order: fixture.order } : {}), seed: 7,
      ...(scorer.requiresJudge ? { judge: scriptedJudge(fixture.verdict) } : {}),
      ...(scorer.requiresEmbedding ? { embed } : {}),
      ...extra,
    });
    const perItem = scorer.metrics.filter((metric) => !metric.aggregate);
    const allowed = new Set([...scorer.metrics.map((m) => m.name), ...(scorer.itemValues ?? []).map((v) => v.name)]);

    /** The score holds a value for every per-item metric, nothing undeclared, and only finite numbers or null. */
    const expectDeclared = (score: ItemScore, answer: string) => {
      const what = `${JSON.stringify(answer)} → ${JSON.stringify(score.values)}`;
      for (const metric of perItem) expect(Object.hasOwn(score.values, metric.name), `${metric.name} missing: ${what}`).toBe(true);
      for (const [key, value] of Object.entries(score.values)) {
        expect(allowed.has(key), `${key} is neither a metric nor an item value: ${what}`).toBe(true);
        expect(value === null || Number.isFinite(value), `${key}: ${what}`).toBe(true);
      }
    };

    it('describes its metrics: unique names, descriptions, directions, ranges', () => {
      expect(scorer.name).toBe(typeof fixture.reference === 'string' ? fixture.reference : fixture.reference.name);
      const names = [...scorer.metrics.map((m) => m.name), ...(scorer.itemValues ?? []).map((v) => v.name)];
      expect(new Set(names).size).toBe(names.length);
      expect(scorer.metrics.length).toBeGreaterThan(0);
      for (const metric of scorer.metrics) {
        expect(metric.name).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
        expect(metric.description.trim()).not.toBe('');
        expect(typeof metric.higherIsBetter).toBe('boolean');
        if (metric.range) expect(metric.range[0]).toBeLessThan(metric.range[1]);
      }
      for (const value of scorer.itemValues ?? []) expect(value.description.trim()).not.toBe('');
    });

    it('returns the metrics it declares (and declared item values), for every answer it reads', async () => {
      expect(fixture.answers.length).toBeGreaterThan(0);
      for (const answer of fixture.answers) {
        const score = await scorer.score(input(answer));
        expect(score.invalid ?? false, `${answer} is readable`).toBe(false);
        expect(score.unjudged ?? false).toBe(false);
        expectDeclared(score, answer);
      }
    });

    it('counts an empty or unreadable answer invalid: never right or wrong, and no judge asked', async () => {
      for (const answer of ['', '  \n ', ...fixture.unreadable]) {
        const judge = scriptedJudge(fixture.verdict);
        const score = await scorer.score(input(answer, scorer.requiresJudge ? { judge } : {}));
        expect(score.invalid, JSON.stringify(answer)).toBe(true);
        expectDeclared(score, answer);
        for (const metric of perItem) expect(score.values[metric.name], `${metric.name} of ${JSON.stringify(answer)}`).toBe(metric.whenInvalid ?? null);
        expect(score.extraction?.trim()).toBeTruthy();
        expect(judge.requests).toEqual([]);
      }
    });

    it('aggregates every metric over readable, invalid and no scores to a number or null', async () => {
      const scores = await Promise.all([...fixture.answers, '', ...fixture.unreadable].map((answer) => scorer.score(input(answer))));
      for (const metric of scorer.metrics.filter((m) => m.aggregate)) {
        for (const set of [scores, [], scores.filter((s) => s.invalid)]) {
          const value = metric.aggregate!(set);
          expect(value === null || Number.isFinite(value), `${metric.name}: ${value}`).toBe(true);
        }
      }
    });

    it('scores the same answer the same way', async () => {
      for (const answer of fixture.answers) expect(await scorer.score(input(answer))).toEqual(await scorer.score(input(answer)));
    });

    it('without a judge: a scorer that needs one fails before any work, naming --judge; the others never ask one', async () => {
      if (scorer.requiresJudge) {
        const error = await Promise.resolve().then(() => scorer.score(input(fixture.answers[0], { judge: undefined }))).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(EvalError);
        expect(error).toMatchObject({ code: 'eval/bad-definition', message: expect.stringContaining('--judge') });
        return;
      }
      const judge = scriptedJudge({});
      for (const answer of fixture.answers) {
        expectDeclared(await scorer.score(input(answer, { judge: undefined })), answer);
        await scorer.score(input(answer, { judge }));
      }
      expect(judge.requests).toEqual([]);
    });

    it.runIf(fixture.verdict !== undefined)('a judged scorer puts the answer before the judge as a candidate, never in the task or the context', async () => {
      const judge = scriptedJudge(fixture.verdict);
      for (const answer of fixture.answers) await scorer.score(input(answer, { judge }));
      expect(judge.requests.length).toBeGreaterThan(0);
      for (const request of judge.requests) {
        expect(Object.values(request.candidates).join('\n')).toContain(MARKER);
        expect(request.task).not.toContain(MARKER);
        expect(JSON.stringify(request.context ?? {})).not.toContain(MARKER);
      }
    });

    it.runIf(fixture.verdict !== undefined)('a judge without a verdict leaves the item unjudged: judged metrics null, never a silent score', async () => {
      for (const answer of fixture.answers) {
        const score = await scorer.score(input(answer, { judge: failingJudge }));
        expect(score.unjudged).toBe(true);
        expect(score.invalid ?? false).toBe(false);
        expectDeclared(score, answer);
        for (const metric of perItem.filter((m) => m.judged)) expect(score.values[metric.name], metric.name).toBeNull();
      }
    });

    it('refuses an option it does not know, when the definition is read', () => {
      const options = typeof fixture.reference === 'string' ? { name: fixture.reference } : fixture.reference;
      expect(() => createScorer({ ...options, surelyNotAnOption: 1 })).toThrow(expect.objectContaining({ code: 'eval/bad-definition', message: expect.stringContaining('surelyNotAnOption') }));
    });
  });
}
