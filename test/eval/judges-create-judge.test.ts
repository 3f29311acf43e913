import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJudge, parseVerdict } from '../../src/eval/judges/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { fakeJudgeModel, messageText } from './judges-support.ts';

const Verdict = z.object({ critique: z.string(), score: z.number().int().min(1).max(5) });
const request = { task: 'Score the answer from 1 to 5.', candidates: { response: 'Ilse keeps the light.' }, schema: Verdict };

describe('parseVerdict', () => {
  it('reads JSON from prose and fences, and names the fields that do not match', () => {
    expect(parseVerdict('Verdict:\n```json\n{"critique":"ok","score":4}\n```', Verdict)).toEqual({ ok: true, verdict: { critique: 'ok', score: 4 } });
    expect(parseVerdict('I would give it a four.', Verdict)).toEqual({ ok: false, error: 'the reply contains no JSON object' });
    const wrong = parseVerdict('{"critique":"ok","score":9}', Verdict);
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.error).toMatch(/^the JSON does not match the schema \(score: .*5/);
  });
});

describe('createJudge: repair once, then unjudged', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());
  const judge = () => createJudge(fakeJudgeModel(fake), { name: 'fake-judge' });

  it('accepts a verdict wrapped in prose without a repair', async () => {
    fake.enqueue({ text: 'Here it is:\n```json\n{"critique":"Accurate.","score":5}\n```' });
    const reply = await judge().ask(request);
    expect(reply.verdict).toEqual({ critique: 'Accurate.', score: 5 });
    expect(reply.repaired).toBe(false);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('repairs an invalid-JSON reply once, telling the model what was wrong', async () => {
    fake.enqueue({ fault: 'invalid-json', text: '{"critique": "cut off' }, { json: { critique: 'Accurate.', score: 4 } });
    const reply = await judge().ask(request);
    expect(reply).toMatchObject({ verdict: { critique: 'Accurate.', score: 4 }, repaired: true });
    const [first, second] = fake.chatRequests();
    expect(fake.chatRequests()).toHaveLength(2);
    expect(second.body.messages!.slice(0, 2)).toEqual(first.body.messages);
    expect(messageText(second, 'assistant')).toBe('{"critique": "cut off');
    expect(messageText(second, 'user', true)).toMatch(/^Your reply could not be used: the reply contains no JSON object\./);
    expect(second.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'verdict' } });
  });

  it('repairs a reply of the wrong shape, naming the field', async () => {
    fake.enqueue({ json: { critique: 'Great.', score: 42 } }, { json: { critique: 'Great.', score: 5 } });
    const reply = await judge().ask(request);
    expect(reply).toMatchObject({ verdict: { score: 5 }, repaired: true });
    expect(messageText(fake.chatRequests()[1], 'user', true)).toContain('score: Too big');
  });

  it('gives up after one repair: no verdict, an error, the last raw reply, exactly two calls', async () => {
    fake.enqueue({ text: 'I think it deserves a 4.' }, { text: 'Sorry, a 4, really.' });
    const reply = await judge().ask(request);
    expect(reply.verdict).toBeUndefined();
    expect(reply.repaired).toBe(false);
    expect(reply.raw).toBe('Sorry, a 4, really.');
    expect(reply.error).toMatch(/^malformed verdict after one repair: the reply contains no JSON object/);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('lets a model failure propagate (the job fails and --resume retries it), never as unjudged', async () => {
    fake.enqueue({ fault: 'http-error', status: 400, message: 'bad request' });
    await expect(judge().ask(request)).rejects.toMatchObject({ code: expect.stringMatching(/^llm\//) });
  });
});
