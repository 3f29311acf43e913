import type { LanguageModelV3Middleware, LanguageModelV3Usage, SharedV3ProviderMetadata } from '@ai-sdk/provider';
import type { Store, UsageRecord } from '../../store/index.ts';
import { observeStream } from '../stream-parts.ts';
import { isCachedResult } from './cache.ts';

export interface UsageOptions {
  /** The model spec recorded with each call. */
  model: string;
  episodeId?: string;
  runId?: string;
  store?: Pick<Store, 'recordUsage'>;
  onUsage?: (usage: UsageRecord) => void;
}

/**
 * Records the tokens of every completed call (cache hits too, as `cached` calls that spent nothing).
 * Failed calls and broken streams are not recorded.
 */
export function usageMiddleware(options: UsageOptions): LanguageModelV3Middleware {
  const record = async (usage: LanguageModelV3Usage, providerMetadata: SharedV3ProviderMetadata | undefined) => {
    const cached = isCachedResult(providerMetadata);
    const entry: UsageRecord = {
      episodeId: options.episodeId,
      ...(options.runId ? { runId: options.runId } : {}),
      model: options.model,
      inputTokens: cached ? 0 : (usage.inputTokens.total ?? 0),
      outputTokens: cached ? 0 : (usage.outputTokens.total ?? 0),
      cachedInputTokens: cached ? 0 : (usage.inputTokens.cacheRead ?? 0),
      cached,
      at: new Date().toISOString(),
    };
    await options.store?.recordUsage(entry);
    options.onUsage?.(entry);
  };
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate }) {
      const result = await doGenerate();
      await record(result.usage, result.providerMetadata);
      return result;
    },
    async wrapStream({ doStream }) {
      const result = await doStream();
      let finish: { usage: LanguageModelV3Usage; providerMetadata?: SharedV3ProviderMetadata } | undefined;
      let failed = false;
      const stream = observeStream(result.stream, {
        part(part) {
          if (part.type === 'finish') finish = part;
          else if (part.type === 'error') failed = true;
        },
        async end(outcome) {
          if (outcome.type === 'done' && finish && !failed) await record(finish.usage, finish.providerMetadata);
        },
      });
      return { ...result, stream };
    },
  };
}
