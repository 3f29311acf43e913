import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleMrcBenchmark } from '../../src/eval/benchmarks/role-mrc.ts';
import { BenchmarkDefinition } from '../../src/eval/definition.ts';
import { EvalError } from '../../src/eval/errors.ts';
import { parseRoleMrcTask, roleMrcLoader } from '../../src/eval/loaders/role-mrc.ts';
import { modelReply } from '../../src/eval/model-reply.ts';
import { createReferenceScorer } from '../../src/eval/scorers/reference.ts';
import { renderPrompt } from '../../src/eval/template.ts';
import { createLanguageModel, createModelRuntime } from '../../src/llm/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { loadError, scratchFiles } from './loader-support.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/bench/role-mrc/roleMRC_test.jsonl');

const file = scratchFiles('role-mrc');

const line = (record: unknown) => JSON.stringify(record);
const good = { task: 'role_related_mrc_answer_no_narration', question: [{ role: 'User', content: 'Q?' }], reference: 'A.' };

describe('parseRoleMrcTask', () => {
  it.each([
    ['role_related_mrc_answer_with_narration', { knowledge: 'within', narration: 'with', variant: 'none', scenario: 'mrc', expected: 'answer' }],
    ['role_unrelated_mrc_refused_no_narration', { knowledge: 'beyond', narration: 'without', variant: 'none', scenario: 'mrc', expected: 'refuse' }],
    ['role_related_mrc_refused_no_narration', { knowledge: 'within', expected: 'refuse' }],
    ['role_unrelated_mrc_answer_no_narration', { knowledge: 'beyond', expected: 'answer' }],
    ['role_related_mrc_answer_no_narration-special-content', { variant: 'special-content', scenario: 'nested instruction', expected: 'answer' }],
    ['role_related_mrc_refused_with_narration-2ndrefused', { scenario: 'multi-turn instruction', expected: 'refuse' }],
    ['role_unrelated_mrc_refused_with_narration-2ndanswer', { scenario: 'multi-turn instruction', expected: 'answer' }],
    ['role_related_mrc_answer_with_narration-refused', { scenario: 'instruction priority', expected: 'refuse' }],
  ])('reads %s', (task, parts) => {
    expect(parseRoleMrcTask(task)).toMatchObject(parts);
  });

  it('leaves names outside the test scheme alone', () => {
    expect(parseRoleMrcTask('role_related_dialogue---role_first---no_narration---answer')).toBeUndefined();
  });
});

describe('roleMrcLoader', () => {
  it('reads the chat up to the turn to answer, the reference and the task breakdowns', async () => {
    const items = await roleMrcLoader.load(FIXTURE);
    expect(items).toHaveLength(6);
    const [first, second, third] = items;
    expect(first.id).toBe('role_related_mrc_answer_with_narration:1');
    expect(first.messages?.map((m) => m.role)).toEqual(['system', 'user']);
    expect(first.messages?.[1].content).toContain('Question: When was the Thames barrier completed?');
    expect(first.reference).toBe('(taps the wheel) The barrier was finished in 1982, mate, and it has kept the tide off London ever since.');
    expect(first.categories).toEqual({
      task: 'role_related_mrc_answer_with_narration', knowledge: 'within', expected: 'answer', narration: 'with', scenario: 'mrc', variant: 'none',
    });
    expect(first.meta).toEqual({ expected: 'answer', knowledge: 'within' });
    expect(second.categories).toMatchObject({ knowledge: 'beyond', expected: 'refuse', narration: 'without' });
    expect(third.messages?.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(items.map((i) => i.categories.expected)).toEqual(['answer', 'refuse', 'refuse', 'answer', 'refuse', 'answer']);
    expect(items[5].messages?.[0].role).toBe('system');
  });

  it('reads a JSON array too, keeps a released id, and a task outside the scheme as its name only', async () => {
    const path = await file('array.json', JSON.stringify([{ ...good, id: 77 }, { ...good, task: 'role_related_dialogue---user_first---no_narration---answer' }]));
    const items = await roleMrcLoader.load(path);
    expect(items.map((i) => i.id)).toEqual(['77', 'role_related_dialogue---user_first---no_narration---answer:2']);
    expect(items[1].categories).toEqual({ task: 'role_related_dialogue---user_first---no_narration---answer' });
    expect(items[1].meta).toEqual({});
  });

  it('names a missing field, its record and what the loader expects', async () => {
    const { reference: _, ...noReference } = good;
    const path = await file('missing.jsonl', `${line(good)}\n${line(noReference)}\n`);
    const error = await loadError(roleMrcLoader.load(path));
    expect(error.code).toBe('eval/bad-data');
    expect(error.problems[0]).toBe(`${path}: record 2: reference: missing; expected the reference answer`);
    expect(error.message).toContain('loader role-mrc expects JSON Lines (or a JSON array) of RoleMRC test records {task, question');
  });

  it('names a bad role and an empty conversation', async () => {
    const path = await file('roles.jsonl', `${line({ ...good, question: [{ role: 'Narrator', content: 'x' }] })}\n${line({ ...good, question: [] })}\n`);
    const error = await loadError(roleMrcLoader.load(path));
    expect(error.problems.slice(0, 2)).toEqual([
      `${path}: record 1: question.0.role: expected System, User or Assistant`,
      `${path}: record 2: question: expected at least one turn`,
    ]);
  });

  it('refuses a line that is not JSON, and a CSV given by mistake', async () => {
    const path = await file('broken.jsonl', `${line(good)}\n\n${line(good)}\n{"task": \n`);
    expect((await loadError(roleMrcLoader.load(path))).problems[0]).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: record 3: not valid JSON \\(.+\\); expected one JSON object per line$`));
    const csv = await loadError(roleMrcLoader.load(await file('test.csv', 'task,question,reference\nx,y,z\n')));
    expect(csv.problems[0]).toContain('record 1: not valid JSON');
    expect(csv.code).toBe('eval/bad-data');
  });
});

describe('RoleMRC end to end through the fake server', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(() => fake.close());

  it('sends the record\'s own chat, then scores the reply against the reference', async () => {
    const definition = BenchmarkDefinition.parse(roleMrcBenchmark);
    expect(definition.prompt.user).toBeUndefined();
    const [item] = await roleMrcLoader.load(FIXTURE);
    const messages = renderPrompt(definition.prompt, item);
    expect(messages).toEqual(item.messages);

    fake.enqueue({ text: 'The barrier was finished in 1982, mate.' });
    const model = createLanguageModel('openai-compatible:fake', { env: {}, runtime: createModelRuntime(), baseURL: fake.url });
    const answer = await modelReply({ model, messages, temperature: definition.sampling.temperature, maxOutputTokens: definition.sampling.maxTokens });
    expect(answer).toBe('The barrier was finished in 1982, mate.');
    expect(fake.chatRequests()[0].body).toMatchObject({
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      temperature: 0,
      max_tokens: 256,
    });

    const score = await createReferenceScorer({ name: 'reference' }).score({ item, answer });
    // Hand-computed in reference.test.ts: ROUGE-L and ROUGE-1 0.7/1.35, ROUGE-2 12/25, token F1 12/23.
    expect(score.values.rougeL).toBeCloseTo(0.7 / 1.35, 12);
    expect(score.values.rouge1).toBeCloseTo(0.7 / 1.35, 12);
    expect(score.values.rouge2).toBeCloseTo(12 / 25, 12);
    expect(score.values.token_f1).toBeCloseTo(12 / 23, 12);
    expect(score.values.bleu).toBeCloseTo((5 / 8) ** 0.25 * Math.exp(1 - 25 / 9), 12);
    expect(score.values).toMatchObject({ behaviour_accuracy: 1, refusal_rate: 0 });
  });
});
