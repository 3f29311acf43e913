import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import { DEFAULT_TIMEOUT_MS, withModelDefaults, type ModelOptions } from './create-language-model.ts';
import { withDeadline } from './deadline.ts';
import { resolveEndpoint } from './endpoint.ts';
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
  unsupportedEmbeddings(parsed);
  const limiter = options.runtime.limiter(parsed.provider, endpoint.baseURL);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const context = retryContext(name, options, endpoint.apiKeyHint);
  // The provider's package loads on the first call (as for language models), not when the model is made.
  let base: Promise<EmbeddingModelV3> | undefined;
  const ready = () => (base ??= import('./provider-model.ts').then(({ providerEmbeddingModel }) => providerEmbeddingModel(parsed, endpoint, options)));
  return {
    specificationVersion: 'v3',
    provider: parsed.provider,
    modelId: parsed.modelId,
    get maxEmbeddingsPerCall() {
      return ready().then((model) => model.maxEmbeddingsPerCall);
    },
    get supportsParallelCalls() {
      return ready().then((model) => model.supportsParallelCalls);
    },
    doEmbed: (params) =>
      withRetry(
        async () => {
          const model = await ready();
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
  };
}

/** Throws at once for providers that have no embedding models, before anything is loaded or called. */
function unsupportedEmbeddings(spec: ModelSpec): void {
  switch (spec.provider) {
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
