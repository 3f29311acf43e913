import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BenchmarkDefinition } from '../../src/eval/definition.ts';
import type { BenchItem } from '../../src/eval/item.ts';
import { createAgreementScorer } from '../../src/eval/judges/index.ts';
import { humanLabelsLoader } from '../../src/eval/loaders/human-labels.ts';
import { modelReply } from '../../src/eval/model-reply.ts';
import type { ItemScore } from '../../src/eval/scorers/types.ts';
import { renderPrompt } from '../../src/eval/template.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { fakeJudgeModel, messageText } from './judges-support.ts';

const examples = fileURLToPath(new URL('../../examples/bench/', import.meta.url));
let items: BenchItem[];
beforeAll(async () => {
  items = await humanLabelsLoader.load(join(examples, 'judge-agreement.jsonl'));
});
const byId = (id: string) => items.find((i) => i.id === id)!;

describe('human-labels loader', () => {
  it('reads the example file: context as vars, the response, labels in meta, categories', () => {
    expect(items).toHaveLength(12);
    expect(items[0]).toEqual({
      id: 'r01',
      record: 1,
      vars: {
        character: expect.stringMatching(/^Ilse Varga, keeper of the Skarholm lighthouse/),
        user: 'Will the storm reach us tonight?',
        response: expect.stringMatching(/^Aye\. The gulls came in low/),
      },
      categories: { persona: 'Ilse Varga' },
      meta: { labels: { in_character: 5, engagement: 4 } },
    });
  });

  describe('bad files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'human-labels-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('names each bad record by line and field, and what the loader expects', async () => {
      const path = join(dir, 'bad.jsonl');
      await writeFile(path, [
        '{"id": "a", "response": "Hi.", "labels": {"fluency": 4}}',
        '{"id": "b", "response": "Hi.", "labels": {"fluency": "high"}}',
        '',
        '{"id": "c", "response": "Hi.", "labels": {"fluency": 4}',
        '{"id": "a", "context": {"user": "Hello"}, "response": "Hi.", "labels": {"fluency": 2}}',
        '{"id": "d", "context": {"response": "x"}, "response": "Hi.", "labels": {}, "extra": 1}',
      ].join('\n'));
      const error = await humanLabelsLoader.load(path).then(() => ({ code: 'loaded', problems: [] as string[] }), (e: unknown) => e as { code: string; problems: string[] });
      expect(error.code).toBe('eval/bad-data');
      expect(error.problems[0]).toMatch(new RegExp(`^${path}: record 2: labels\\.fluency: .*number`));
      expect(error.problems[1]).toMatch(new RegExp(`^${path}: record 4: not valid JSON`));
      expect(error.problems[2]).toBe(`${path}: record 5: id: "a" is already the id of record 1; ids pair labels with answers, so each must be unique`);
      expect(error.problems.slice(3, -1).join('\n')).toMatch(/record 6: .*extra/);
      expect(error.problems.slice(3, -1).join('\n')).toContain('record 6: context: context must not have a "response" key');
      expect(error.problems.slice(3, -1).join('\n')).toContain('record 6: labels: expected at least one dimension');
      expect(error.problems.at(-1)).toMatch(/^loader human-labels expects JSONL, one object a line: id, context/);
    });

    it('says when the file is missing', async () => {
      await expect(humanLabelsLoader.load(join(dir, 'none.jsonl'))).rejects.toMatchObject({ code: 'eval/not-found' });
    });
  });
});

describe('agreement scorer', () => {
  const scorer = createAgreementScorer({ name: 'agreement', dimensions: ['in_character', 'engagement'] });
  const metric = (name: string) => scorer.metrics.find((m) => m.name === name)!;

  it('scores a few items and aggregates kappa and spearman over items × dimensions (hand-computed)', async () => {
    const scores: ItemScore[] = await Promise.all([
      scorer.score({ item: byId('r01'), answer: '{"critique": "Gruff, weather lore.", "scores": {"in_character": 5, "engagement": 4}}' }),
      scorer.score({ item: byId('r02'), answer: '{"in_character": 2, "engagement": 3}' }),
      scorer.score({ item: byId('r03'), answer: 'I would say five and five.' }),
      scorer.score({ item: byId('r04'), answer: 'Sure:\n```json\n{"scores": {"in_character": "4", "engagement": 1}}\n```' }),
    ]);
    expect(scores[0]).toMatchObject({ values: { exact: 1, abs_error: 0 }, extraction: 'in_character 5 (human 5), engagement 4 (human 4)' });
    expect(scores[1].values).toEqual({ exact: 0, abs_error: 0.5 });
    expect(scores[2]).toMatchObject({ values: { exact: null, abs_error: null }, invalid: true, extraction: 'unreadable: the reply contains no JSON object' });
    expect(scores[3].values).toEqual({ exact: 0, abs_error: 0.5 });
    // Readable pairs (predicted, human): (5,5) (4,4) (2,1) (3,3) (4,4) (1,2).
    // κ: po = 4/6, pe = (1 + 4 + 1 + 1 + 1)/36 = 2/9 → (2/3 − 2/9)/(7/9) = 4/7.
    // ρ: ranks [6, 4.5, 2, 3, 4.5, 1] and [6, 4.5, 1, 3, 4.5, 2]: cov 16, variances 17 → 16/17.
    expect(metric('kappa').aggregate!(scores)).toBeCloseTo(4 / 7, 12);
    expect(metric('spearman').aggregate!(scores)).toBeCloseTo(16 / 17, 12);
    expect(metric('abs_error')).toMatchObject({ higherIsBetter: false, range: [0, 4] });
  });

  it('counts a rating off the scale or a missing dimension as unreadable', () => {
    expect(scorer.score({ item: byId('r01'), answer: '{"in_character": 7, "engagement": 4}' }))
      .toMatchObject({ invalid: true, extraction: 'unreadable: in_character: 7 is outside the scale 1–5' });
    expect(scorer.score({ item: byId('r01'), answer: '{"in_character": 5}' }))
      .toMatchObject({ invalid: true, extraction: 'unreadable: no numeric rating for "engagement"' });
  });

  it('needs human labels on the item', () => {
    const item: BenchItem = { id: 'x', record: 3, vars: {}, categories: {} };
    expect(() => scorer.score({ item, answer: '{}' })).toThrow(/item x \(record 3\) has no human labels/);
  });
});

describe('the judge-agreement example benchmark', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm({
      // A candidate judge that gives every reply 5 for in_character and 4 for engagement.
      handler: () => ({ json: { critique: 'Fine.', scores: { in_character: 5, engagement: 4 } } }),
    });
  });
  afterAll(() => fake.close());

  it('is a valid definition whose prompt renders every var, and runs end to end against the fake model', async () => {
    const definition = BenchmarkDefinition.parse(parse(await readFile(join(examples, 'judge-agreement.yaml'), 'utf8')));
    expect(definition.dataset).toEqual({ loader: 'human-labels', path: 'judge-agreement.jsonl' });
    const reference = definition.scorers[0] as Record<string, unknown>;
    const scorer = createAgreementScorer(reference);
    const model = fakeJudgeModel(fake);
    const scores: ItemScore[] = [];
    for (const item of items) {
      const messages = renderPrompt(definition.prompt, item);
      expect(messages.map((m) => m.content).join('\n')).not.toMatch(/\{\{/);
      const answer = await modelReply({ model, messages, schema: { json: definition.responseSchema!, name: 'response' }, temperature: 0 });
      scores.push(await scorer.score({ item, answer }));
    }
    expect(messageText(fake.chatRequests()[0], 'user')).toMatch(/<data-([0-9a-f]{12}) label="response">\nAye\. The gulls came in low[^<]*\n<\/data-\1>/);
    // Human labels of in_character 5 and engagement 4: r01, r06, r12.
    expect(items.filter((_, i) => scores[i].values.exact === 1).map((item) => item.id)).toEqual(['r01', 'r06', 'r12']);
    expect(scores.every((s) => !s.invalid)).toBe(true);
    // 24 pairs: the judge says 5 (in_character) and 4 (engagement) for each item; humans agree on 6 + 4 of them,
    // po = 10/24. Human marginals: 9 fives, 6 fours; pe = (12/24)(9/24) + (12/24)(6/24) = 15/48; κ = (5/48)/(33/48).
    const kappa = scorer.metrics.find((m) => m.name === 'kappa')!.aggregate!(scores);
    expect(kappa).toBeCloseTo(5 / 33, 12);
  });
});
