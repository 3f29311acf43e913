/**
 * `dramatis/llm`: model plumbing beyond `createLanguageModel`: the middlewares (to wrap your own models the same
 * way), structured output per provider dialect, context windows and budgets, prices, embeddings, local GGUF models
 * (catalog, downloads, GGUF headers), retry policy.
 * @example
 * import { wrapLanguageModel } from 'ai';
 * import { structuredOutputMiddleware, timeoutMiddleware } from 'dramatis/llm';
 * const model = wrapLanguageModel({ model: myModel, middleware: [timeoutMiddleware({ timeoutMs: 60_000, idleTimeoutMs: 60_000 }), structuredOutputMiddleware('openai')] });
 */
export {
  // Models, specs, runtime.
  createLanguageModel, createEmbeddingModel, createModelRuntime, defaultModelRuntime, parseModelSpec, formatModelSpec, resolveModelSpec,
  resolveEndpoint, describeModel, LlmError, PROVIDERS, DEFAULT_MODEL_SPEC, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, LOCAL_TIMEOUT_MS,
  type ModelOptions, type EmbeddingModelOptions, type LocalModelSetup, type ModelRuntime, type ModelRuntimeOptions, type ModelSpec,
  type Provider, type Env, type Endpoint, type EndpointOptions, type ModelInfo, type LlmErrorCode,
  // Middlewares, outermost first as createLanguageModel stacks them.
  usageMiddleware, cacheMiddleware, retryMiddleware, retryContext, concurrencyMiddleware, timeoutMiddleware, structuredOutputMiddleware,
  isCachedResult, cacheKey, canonicalJson, DEFAULT_RETRY,
  type UsageOptions, type CacheStore, type RetryContext, type RetryOptions, type TimeoutOptions, type ModelIdentity, type Sleep,
  // Structured output.
  SCHEMA_DIALECTS, DIALECT_RULES, dialectFor, parseDialect, toDialectSchema, structuredText, modelProfile, structuredOutputRefused,
  noteStructuredOutputRefused, rejectsJsonSchema, toJsonSchema, extractJsonObject, stripReasoning,
  type SchemaDialect, type DialectRules, type DialectSchema, type ModelProfile, type StructuredOutputMode, type StructuredTextOptions,
  // Context windows, budgets, prices, embeddings.
  knownContextWindow, resolveContextBudget, FALLBACK_CONTEXT_TOKENS, OLLAMA_DEFAULT_CONTEXT, KNOWN_PRICES, priceTable, costOf,
  cachedEmbedder, type ContextBudget, type ContextBudgetOptions, type Price, type CostSummary, type CachedEmbedderOptions,
  // Local GGUF models.
  LOCAL_CATALOG, parseLocalModelId, ensureLocalModel, downloadModel, listLocalModels, listCachedModels, removeCachedModel,
  modelCacheDir, readGgufHeader, createLocalLanguageModel, toGrammarSchema, disposeLocalModels, DEFAULT_LOCAL_CONTEXT,
  type CatalogModel, type LocalModelSource, type EnsureModelOptions, type DownloadOptions, type DownloadProgress, type LocalModelRow,
  type GgufHeader, type LocalLanguageModelOptions, type LocalRuntimeSettings,
} from './llm/index.ts';
