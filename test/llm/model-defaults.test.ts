import { generateText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddingModel, createLanguageModel, defaultModelRuntime } from '../../src/llm/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';

let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });

describe('models with defaults', () => {
  it('need neither an environment nor a runtime: process.env and the process runtime', async () => {
    fake.enqueue({ text: 'Hello from the fake.' });
    const model = createLanguageModel('openai-compatible:fake', { baseURL: fake.url });
    const { text } = await generateText({ model, prompt: 'Hi' });
    expect(text).toBe('Hello from the fake.');
    const embedder = createEmbeddingModel('openai-compatible:embed', { baseURL: fake.url });
    const { embeddings } = await embedder.doEmbed({ values: ['a lamp'] });
    expect(embeddings[0]!.length).toBeGreaterThan(0);
    expect(defaultModelRuntime()).toBe(defaultModelRuntime());
  });

  it('read the base URL and keys from process.env when none are given', async () => {
    const saved = process.env.DRAMATIS_BASE_URL;
    process.env.DRAMATIS_BASE_URL = fake.url;
    try {
      fake.enqueue({ text: 'From the environment.' });
      const { text } = await generateText({ model: createLanguageModel('openai-compatible:fake'), prompt: 'Hi' });
      expect(text).toBe('From the environment.');
    } finally {
      if (saved === undefined) delete process.env.DRAMATIS_BASE_URL;
      else process.env.DRAMATIS_BASE_URL = saved;
    }
  });
});
