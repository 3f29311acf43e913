import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEmotionReply, scoreEmotion } from '../../src/memory/index.ts';
import { createLanguageModel, createModelRuntime } from '../../src/llm/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { memoryStore } from '../llm/helpers.ts';

const full = {
  emotions: [
    { analysis: 'smiles', dim: 'joy', score: 7 }, { analysis: 'open', dim: 'acceptance', score: 6 },
    { analysis: 'none', dim: 'fear', score: 1 }, { analysis: 'a little', dim: 'surprise', score: 3 },
    { analysis: 'none', dim: 'sadness', score: 1 }, { analysis: 'none', dim: 'disgust', score: 1 },
    { analysis: 'none', dim: 'anger', score: 2 }, { analysis: 'hopes', dim: 'anticipation', score: 8 },
  ],
};

describe('parseEmotionReply', () => {
  it('reads the eight scores in Plutchik order, from an object or a bare list, fenced or not', () => {
    expect(parseEmotionReply(JSON.stringify(full))).toEqual([7, 6, 1, 3, 1, 1, 2, 8]);
    expect(parseEmotionReply(`Here:\n\`\`\`json\n${JSON.stringify(full.emotions)}\n\`\`\``)).toEqual([7, 6, 1, 3, 1, 1, 2, 8]);
  });

  it('gives a missing emotion 1, reads "trust" as acceptance and clamps scores to 1–10', () => {
    expect(parseEmotionReply('[{"dim": "anger", "score": 9}, {"dim": "Trust", "score": "4"}, {"dim": "joy", "score": 14}]'))
      .toEqual([10, 4, 1, 1, 1, 1, 9, 1]);
  });

  it('gives undefined for a reply with no readable score', () => {
    expect(parseEmotionReply("I can't rate that.")).toBeUndefined();
    expect(parseEmotionReply('{"emotions": [{"dim": "boredom", "score": 3}]}')).toBeUndefined();
    expect(parseEmotionReply('{"emotions": [{"dim": "joy", "score": "high"}]}')).toBeUndefined();
  });
});

describe('scoreEmotion over HTTP', () => {
  let fake: FakeLlm;
  beforeAll(async () => { fake = await startFakeLlm(); });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());
  const model = (store?: ReturnType<typeof memoryStore>) => createLanguageModel('openai-compatible:fake', {
    env: {}, runtime: createModelRuntime(), baseURL: fake.url, retry: { maxRetries: 0 }, store,
  });

  it('asks with a JSON schema naming the eight emotions, and scores a text once (response cache)', async () => {
    const store = memoryStore();
    fake.enqueue({ json: full });
    const input = { character: 'Seraphina', text: 'The forest is safe again.' };
    expect(await scoreEmotion(model(store), input)).toEqual([7, 6, 1, 3, 1, 1, 2, 8]);
    expect(await scoreEmotion(model(store), input)).toEqual([7, 6, 1, 3, 1, 1, 2, 8]);
    expect(fake.chatRequests()).toHaveLength(1);
    const request = fake.chatRequests()[0]!.body;
    expect(JSON.stringify(request.response_format)).toContain('"anticipation"');
    expect(JSON.stringify(request.messages)).toContain('The forest is safe again.');
  });

  it('gives undefined for invalid JSON or a refusal, and throws a model error', async () => {
    fake.enqueue({ fault: 'invalid-json' }, { text: 'I cannot help with that.' }, { fault: 'server-error', status: 500 });
    expect(await scoreEmotion(model(), { character: 'A', text: 'x' })).toBeUndefined();
    expect(await scoreEmotion(model(), { character: 'A', text: 'y' })).toBeUndefined();
    await expect(scoreEmotion(model(), { character: 'A', text: 'z' })).rejects.toMatchObject({ code: 'llm/server-error' });
  });
});
