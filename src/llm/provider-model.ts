import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV3, LanguageModelV3 } from '@ai-sdk/provider';
import { createOllama } from 'ollama-ai-provider-v2';
import type { ModelOptions, ResolvedModelOptions } from './create-language-model.ts';
import type { EmbeddingModelOptions } from './create-embedding-model.ts';
import type { Endpoint } from './endpoint.ts';
import { withFastStream } from './fast-stream.ts';
import { createLocalLanguageModel } from './local/local-language-model.ts';
import { localSettingsFrom } from './local/llama-host.ts';
import type { ModelSpec } from './model-spec.ts';

/** The provider's own AI SDK model for a spec (loaded by `createLanguageModel` on a model's first call). */
export function providerModel(spec: ModelSpec, endpoint: Endpoint, options: ResolvedModelOptions<ModelOptions>): LanguageModelV3 {
  const common = { baseURL: endpoint.baseURL, fetch: options.fetch, headers: options.headers };
  switch (spec.provider) {
    case 'openai':
      // `.chat()`: the default `openai(id)` speaks the Responses API, which compatible servers lack.
      return createOpenAI({ ...common, apiKey: endpoint.apiKey }).chat(spec.modelId);
    case 'anthropic':
      return createAnthropic({ ...common, apiKey: endpoint.apiKey })(spec.modelId);
    case 'ollama':
      return createOllama(common).chat(spec.modelId);
    case 'openai-compatible':
      return withFastStream(createOpenAICompatible({
        ...common,
        name: 'openai-compatible',
        apiKey: endpoint.apiKey,
        includeUsage: true,
        supportsStructuredOutputs: options.structuredOutputs ?? true,
      }).chatModel(spec.modelId));
    case 'local': {
      const { cwd, onDownloadStart, onProgress, ...settings } = options.local ?? {};
      return createLocalLanguageModel(spec.modelId, {
        env: options.env, cwd, onDownloadStart, onProgress, fetch: options.fetch, settings: localSettingsFrom(options.env, settings),
      });
    }
  }
}

/** The provider's own AI SDK embedding model (`createEmbeddingModel` has already refused providers without one). */
export function providerEmbeddingModel(spec: ModelSpec, endpoint: Endpoint, options: EmbeddingModelOptions): EmbeddingModelV3 {
  const common = { baseURL: endpoint.baseURL, fetch: options.fetch, headers: options.headers };
  switch (spec.provider) {
    case 'openai':
      return createOpenAI({ ...common, apiKey: endpoint.apiKey }).embedding(spec.modelId);
    case 'ollama':
      return createOllama(common).embedding(spec.modelId);
    case 'openai-compatible':
      return createOpenAICompatible({ ...common, name: 'openai-compatible', apiKey: endpoint.apiKey }).embeddingModel(spec.modelId);
    case 'anthropic':
    case 'local':
      throw new Error(`${spec.provider}: no embedding models`);
  }
}
