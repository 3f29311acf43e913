import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPIP_BIG_FIVE, personalityAlignment, questionnaireFrom, splitBatches } from '../../src/eval/personality/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { runCli, tempDir } from '../support/cli.ts';

describe('personality questionnaires and metrics', () => {
  it('ships the 50 public-domain IPIP Big Five items, ten per dimension, with their keys', () => {
    expect(IPIP_BIG_FIVE.items).toHaveLength(50);
    const reversed = Object.fromEntries(IPIP_BIG_FIVE.dimensions.map((d) => [d, IPIP_BIG_FIVE.items.filter((i) => i.dimension === d && i.reversed).length]));
    expect(reversed).toEqual({ extraversion: 5, agreeableness: 4, conscientiousness: 4, neuroticism: 2, openness: 3 });
    expect(IPIP_BIG_FIVE.items[0]).toEqual({ id: '1', dimension: 'extraversion', statement: 'I am the life of the party', reversed: false });
  });

  it('reads a supplied questionnaire file and names what is wrong with a bad one', () => {
    const file = { name: 'mini', range: [1, 5], dimensions: ['openness'], items: [{ id: 1, dimension: 'openness', statement: 'I like art' }] };
    expect(questionnaireFrom('q.json', () => JSON.stringify(file)).items[0]).toEqual({ id: '1', dimension: 'openness', statement: 'I like art', reversed: false });
    expect(() => questionnaireFrom('q.json', () => JSON.stringify({ ...file, items: [{ id: 1, dimension: 'grit', statement: 'x' }] }))).toThrow(/items.0.dimension: "grit" is not one of the dimensions/);
    expect(() => questionnaireFrom('missing.json', () => { throw new Error('ENOENT'); })).toThrow(/not a built-in name \(bfi, ipip-50\)/);
  });

  it('batches answers as InCharacter does: about n, the last batch filled from the first ones', () => {
    expect(splitBatches([1, 2, 3, 4, 5], 4)).toEqual([[1, 2, 3, 4, 5]]);
    expect(splitBatches([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([[1, 2, 3], [5, 6, 7, 8], [9, 10, 4]]);
  });

  it('measures alignment as InCharacter: H above the midpoint, X skipped, errors over the span', () => {
    const range: [number, number] = [1, 5];
    const alignment = personalityAlignment([
      { scores: { openness: 4, neuroticism: 2.5, extraversion: 3 }, labels: { openness: { score: 5, type: 'H' }, neuroticism: { score: 1, type: 'L' }, extraversion: { score: 3, type: 'X' } } },
      { scores: { openness: 3, neuroticism: 4 }, labels: { openness: { score: 4, type: 'H' }, neuroticism: { score: 2, type: 'L' } } },
    ], range);
    // openness: 4 > 3 right, 3 is not above 3 wrong; neuroticism: 2.5 right, 4 wrong.
    expect(alignment.singleAccuracy).toEqual({ openness: 0.5, neuroticism: 0.5, all: 0.5 });
    expect(alignment.fullAccuracy).toBe(0.5);
    expect(alignment.mae.all).toBeCloseTo((1 / 4 + 1.5 / 4 + 1 / 4 + 2 / 4) / 4, 10);
    expect(alignment.mse.openness).toBeCloseTo(((1 / 4) ** 2 + (1 / 4) ** 2) / 2, 10);
    expect(alignment.count).toBe(4);
  });
});

describe('dramatis memory eval against the fake server', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    // The evaluator rates extraversion high and everything else low; the character answers with the auto reply.
    fake = await startFakeLlm({
      handler: (request) => {
        const body = request.body as { response_format?: { json_schema?: { name?: string } }; messages?: { content: unknown }[] };
        if (body.response_format?.json_schema?.name !== 'rating') return undefined;
        const system = JSON.stringify(body.messages?.[0]?.content ?? '');
        return { json: { analysis: 'from the answers', score: system.includes('on extraversion') ? 4.5 : 2 } };
      },
    });
  });
  afterAll(() => fake.close());

  it('interviews with and without emotional recall, and prints both against the labels', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'm.jsonl'), '{"text": "I threw the biggest party the village ever saw.", "emotion": [9,6,1,3,1,1,1,8]}\n');
    const env = {};
    const model = ['--model', 'openai-compatible:fake', '--base-url', fake.url];
    await runCli(['memory', 'import', 'm.jsonl', '--character', 'Lia', '--embedding-model', 'openai-compatible:embed', '--base-url', fake.url], { cwd: dir, env });
    // --no-cache: both conditions recall the one memory, so their prompts are the same and the cache would answer.
    const result = await runCli(['memory', 'eval', '--character', 'Lia', ...model, '--embedding-model', 'openai-compatible:embed', '--no-cache',
      '--labels', 'openness=0.3,conscientiousness=0.2,extraversion=0.9,agreeableness=0.4,neuroticism=0.1', '--json'], { cwd: dir, env });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { conditions: { name: string; alignment: { singleAccuracy: { all: number }; fullAccuracy: number; mae: { all: number } }; result: { answers: unknown[] } }[] };
    expect(report.conditions.map((c) => c.name)).toEqual(['semantic', 'c-a']);
    for (const condition of report.conditions) {
      expect(condition.result.answers).toHaveLength(50);
      expect(condition.alignment.singleAccuracy.all).toBe(1);
      expect(condition.alignment.fullAccuracy).toBe(1);
      // |4.5 − 4.6| and |2 − 2.2|, |2 − 1.8|, |2 − 2.6|, |2 − 1.4| over a span of 4.
      expect(condition.alignment.mae.all).toBeCloseTo((0.1 + 0.2 + 0.2 + 0.6 + 0.6) / 4 / 5, 6);
    }
    const asked = fake.chatRequests().filter((r) => JSON.stringify(r.body.response_format ?? '').includes('"turn"'));
    expect(asked).toHaveLength(100);
    // Recall is in the character's prompt: its memory reaches the interview answers' prompts.
    expect(asked.some((r) => JSON.stringify(r.body.messages).includes('the biggest party the village ever saw'))).toBe(true);

    const table = await runCli(['memory', 'eval', '--character', 'Lia', ...model, '--baseline', 'none', '--strategy', 'lexical',
      '--labels', 'openness=0.3,conscientiousness=0.2,extraversion=0.9,agreeableness=0.4,neuroticism=0.1'], { cwd: dir, env });
    expect(table.stdout).toMatch(/^DIMENSION +LABEL +none +lexical$/m);
    expect(table.stdout).toMatch(/^extraversion +4\.60 H +4\.50 +4\.50$/m);
    expect(table.stdout).toMatch(/^accuracy +1\.000 +1\.000$/m);
  });
});
