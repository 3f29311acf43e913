import type { LanguageModelV3 } from '@ai-sdk/provider';
import { createLanguageModel, createModelRuntime, type ModelOptions } from '../../src/llm/index.ts';
import type { CachedResponse, UsageRecord } from '../../src/store/types.ts';
import type { FakeLlm } from '../support/fake-llm/index.ts';

/** The three store methods the llm layer uses, in memory; values go through JSON like the SQLite store. */
export function memoryStore() {
  const cache = new Map<string, string>();
  const usage: UsageRecord[] = [];
  return {
    cache,
    usage,
    async cacheGet(key: string): Promise<CachedResponse | undefined> {
      const value = cache.get(key);
      return value === undefined ? undefined : { key, value: JSON.parse(value), createdAt: new Date().toISOString() };
    },
    async cachePut(key: string, value: unknown): Promise<void> {
      cache.set(key, JSON.stringify(value));
    },
    async recordUsage(record: UsageRecord): Promise<void> {
      usage.push(record);
    },
  };
}

/** A sleep that returns at once and remembers what it was asked to wait. */
export function recordingSleep() {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  return { waits, sleep };
}

/** A model on the fake server through the real openai-compatible provider, with fast retries. */
export function fakeModel(fake: FakeLlm, options: Partial<ModelOptions> = {}, spec = 'openai-compatible:fake'): LanguageModelV3 {
  return createLanguageModel(spec, {
    env: {},
    runtime: createModelRuntime(),
    baseURL: fake.url,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 5_000,
    ...options,
  });
}
