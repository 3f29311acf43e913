import { cosineSimilarity, embed, embedMany } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddingModel, createModelRuntime, type EmbeddingModelOptions } from '../../src/llm/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { recordingSleep } from './helpers.ts';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({ embeddingDimensions: 32 });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const options = (extra: Partial<EmbeddingModelOptions> = {}): EmbeddingModelOptions => ({
  env: {},
  runtime: createModelRuntime(),
  baseURL: fake.url,
  retry: { baseDelayMs: 1 },
  ...extra,
});

describe('embeddings', () => {
  it('embeds through openai-compatible and openai providers', async () => {
    for (const spec of ['openai-compatible:fake-embed', 'openai:text-embedding-3-small']) {
      const model = createEmbeddingModel(spec, options({ apiKey: 'k' }));
      const { embeddings, usage } = await embedMany({ model, values: ['the old lighthouse', 'lighthouse, the old', 'fresh bread'] });
      expect(embeddings).toHaveLength(3);
      expect(embeddings[0]).toHaveLength(32);
      expect(cosineSimilarity(embeddings[0], embeddings[1])).toBeCloseTo(1, 5);
      expect(cosineSimilarity(embeddings[0], embeddings[2])).toBeLessThan(0.5);
      expect(usage.tokens).toBeGreaterThan(0);
      expect(fake.requests.at(-1)?.path).toBe('/v1/embeddings');
    }
  });

  it('retries a 429 and returns scripted vectors', async () => {
    const { waits, sleep } = recordingSleep();
    fake.enqueueEmbeddings({ fault: 'rate-limit', retryAfter: 0.05 }, { vectors: [[0.6, 0.8]] });
    const { embedding } = await embed({ model: createEmbeddingModel('openai-compatible:e', options({ sleep })), value: 'x' });
    expect(embedding).toEqual([0.6, 0.8]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
  });

  it('fails for good with an LlmError', async () => {
    const { sleep } = recordingSleep();
    fake.enqueueEmbeddings({ fault: 'server-error' }, { fault: 'server-error' });
    const model = createEmbeddingModel('openai-compatible:e', options({ sleep, retry: { maxRetries: 1 } }));
    await expect(embed({ model, value: 'x', maxRetries: 0 })).rejects.toMatchObject({ code: 'llm/server-error', attempts: 2 });
  });
});
