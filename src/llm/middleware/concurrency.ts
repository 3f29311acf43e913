import type { LanguageModelV3Middleware } from '@ai-sdk/provider';
import type { Semaphore } from '../semaphore.ts';
import { observeStream } from '../stream-parts.ts';

/** Holds a slot of the shared limiter for each attempt; a stream keeps its slot until it ends. */
export function concurrencyMiddleware(limiter: Semaphore): LanguageModelV3Middleware {
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ model, params }) {
      const release = await limiter.acquire(params.abortSignal);
      try {
        return await model.doGenerate(params);
      } finally {
        release();
      }
    },
    async wrapStream({ model, params }) {
      const release = await limiter.acquire(params.abortSignal);
      try {
        const result = await model.doStream(params);
        return { ...result, stream: observeStream(result.stream, { end: release }) };
      } catch (error) {
        release();
        throw error;
      }
    },
  };
}
