import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import { wrapEmbeddingModel } from 'ai';
import { createOllama } from 'ollama-ai-provider-v2';
import { DEFAULT_TIMEOUT_MS, withModelDefaults, type ModelOptions } from './create-language-model.ts';
import { withDeadline } from './deadline.ts';
import { resolveEndpoint, type Endpoint } from './endpoint.ts';
import { LlmError } from './errors.ts';
import { retryContext, withRetry } from './middleware/retry.ts';
import { formatModelSpec, parseModelSpec, type ModelSpec } from './model-spec.ts';

export type EmbeddingModelOptions = Pick<
  ModelOptions,
  'env' | 'runtime' | 'baseURL' | 'apiKey' | 'headers' | 'retry' | 'timeoutMs' | 'onRetry' | 'sleep' | 'random' | 'fetch'
>;

/**
 * An AI SDK embedding model for `openai:`, `ollama:` or `openai-compatible:` specs, with the same
 * retries, concurrency limit and timeout as language models.
 * @example const embedder = createEmbeddingModel('ollama:nomic-embed-text');
 */
export function createEmbeddingModel(spec: string | ModelSpec, given: EmbeddingModelOptions = {}): EmbeddingModelV3 {
  const options = withModelDefaults(given);
  const parsed = typeof spec === 'string' ? parseModelSpec(spec) : spec;
  const name = formatModelSpec(parsed);
  const endpoint = resolveEndpoint(parsed, options);
  const base = providerEmbeddingModel(parsed, endpoint, options);
  const limiter = options.runtime.limiter(parsed.provider, endpoint.baseURL);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const context = retryContext(name, options, endpoint.apiKeyHint);
  return wrapEmbeddingModel({
    model: base,
    middleware: {
      specificationVersion: 'v3',
      wrapEmbed: ({ model, params }) =>
        withRetry(
          async () => {
            const release = await limiter.acquire(params.abortSignal);
            try {
              return await withDeadline(params.abortSignal, timeoutMs, (abortSignal) => model.doEmbed({ ...params, abortSignal }));
            } finally {
              release();
            }
          },
          params.abortSignal,
          context,
        ),
    },
  });
}

function providerEmbeddingModel(spec: ModelSpec, endpoint: Endpoint, options: EmbeddingModelOptions): EmbeddingModelV3 {
  const common = { baseURL: endpoint.baseURL, fetch: options.fetch, headers: options.headers };
  switch (spec.provider) {
    case 'openai':
      return createOpenAI({ ...common, apiKey: endpoint.apiKey }).embedding(spec.modelId);
    case 'ollama':
      return createOllama(common).embedding(spec.modelId);
    case 'openai-compatible':
      return createOpenAICompatible({ ...common, name: 'openai-compatible', apiKey: endpoint.apiKey }).embeddingModel(spec.modelId);
    case 'anthropic':
      throw new LlmError(
        'llm/unsupported',
        `${formatModelSpec(spec)}: Anthropic has no embedding models; use e.g. openai:text-embedding-3-small, ollama:nomic-embed-text or openai-compatible:NAME`,
        { model: formatModelSpec(spec) },
      );
    case 'local':
      throw new LlmError(
        'llm/unsupported',
        `${formatModelSpec(spec)}: in-process embedding models are not available; use e.g. ollama:nomic-embed-text or openai:text-embedding-3-small`,
        { model: formatModelSpec(spec) },
      );
  }
}
