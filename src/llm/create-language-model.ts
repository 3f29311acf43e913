import type { LanguageModelV3, LanguageModelV3Middleware } from '@ai-sdk/provider';
import type { Store, UsageRecord } from '../store/index.ts';
import { resolveEndpoint, type Endpoint } from './endpoint.ts';
import { cacheMiddleware } from './middleware/cache.ts';
import { concurrencyMiddleware } from './middleware/concurrency.ts';
import { retryContext, retryMiddleware } from './middleware/retry.ts';
import { timeoutMiddleware } from './middleware/timeout.ts';
import { usageMiddleware } from './middleware/usage.ts';
import { dialectFor, structuredOutputMiddleware, withProfile, type StructuredOutputMode } from './structured-output/index.ts';
import { formatModelSpec, parseModelSpec, type Env, type ModelSpec } from './model-spec.ts';
import type { RetryOptions, Sleep } from './retry-policy.ts';
import { defaultModelRuntime, type ModelRuntime } from './runtime.ts';
import type { EnsureModelOptions } from './local/catalog.ts';
import { localSettingsFrom, type LocalRuntimeSettings } from './local/llama-host.ts';

export const DEFAULT_TIMEOUT_MS = 120_000;
/** A local model on a CPU may read a long prompt for minutes before its first token; it cannot hang like a socket. */
export const LOCAL_TIMEOUT_MS = 900_000;

/** How a model is reached and which cross-cutting behaviour wraps it. */
export interface ModelOptions {
  /** Environment variables, read for API keys and base URLs (default: `process.env`). */
  env?: Env;
  /** Shared per-process state: concurrency limiters, servers known to refuse JSON schemas (default: `defaultModelRuntime()`). */
  runtime?: ModelRuntime;
  /** Server URL; required for `openai-compatible` (else `DRAMATIS_BASE_URL`), an override for the others. */
  baseURL?: string;
  /** Overrides the key from OPENAI_API_KEY / ANTHROPIC_API_KEY / DRAMATIS_API_KEY. */
  apiKey?: string;
  /** Extra HTTP headers on every request. */
  headers?: Record<string, string>;
  /** Where responses are cached and usage is recorded. */
  store?: Pick<Store, 'cacheGet' | 'cachePut' | 'recordUsage'>;
  /** Use the response cache (default: true when a store is given). */
  cache?: boolean;
  /** Recorded with each call's usage. */
  episodeId?: string;
  /** Recorded with each call's usage, for per-run totals. */
  runId?: string;
  retry?: Partial<RetryOptions>;
  /** Per attempt: the whole call, or for a stream the wait for its first output (default 120 000). */
  timeoutMs?: number;
  /** For a stream, the longest silence between parts once output started (default: `timeoutMs`). */
  idleTimeoutMs?: number;
  /** For `openai-compatible`: send `response_format: json_schema` (default true); false sends `json_object`. */
  structuredOutputs?: boolean;
  /**
   * The JSON Schema subset structured-output requests are sent in (default: the provider's, or the host's for
   * `openai-compatible`; `DRAMATIS_SCHEMA_DIALECT` overrides it). See `dialectFor`.
   */
  dialect?: string;
  /** `text` when this model's server is already known to refuse JSON-schema output (a resumed run says so). */
  structuredOutput?: StructuredOutputMode;
  /** Called once when this model's server refuses JSON-schema output (to store it with a run). */
  onStructuredOutputRefused?: () => void;
  onUsage?: (usage: UsageRecord) => void;
  /** Told what went wrong without failing the call (a damaged response-cache entry); default: Node's process warnings. */
  onWarning?: (message: string) => void;
  /** Called before each retry wait. */
  onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Replaces the waiting between retries (tests). */
  sleep?: Sleep;
  /** Replaces Math.random for the retry jitter (tests). */
  random?: () => number;
  fetch?: typeof globalThis.fetch;
  /** For `local:` models: where relative paths start, how the model runs, and download progress. */
  local?: LocalModelSetup;
}

/** How a `local:` model is found, downloaded and run (see {@link createLocalLanguageModel}). */
export interface LocalModelSetup extends LocalRuntimeSettings {
  cwd?: string;
  onDownloadStart?: EnsureModelOptions['onDownloadStart'];
  onProgress?: EnsureModelOptions['onProgress'];
}

/**
 * An AI SDK model for a `provider:model` spec, wrapped (outermost first) in usage accounting, the
 * response cache, retries, the concurrency limit, the per-attempt timeout and the provider's schema dialect.
 * The retry middleware is the only retry layer; callers may pass `maxRetries: 0` to streamText, though
 * the SDK's own retry never repeats the `LlmError`s this model throws.
 * @example
 * const model = createLanguageModel('openai:gpt-4o-mini');   // OPENAI_API_KEY from process.env
 * const scoped = createLanguageModel('ollama:qwen2.5:7b', { store, episodeId, runtime: createModelRuntime({ concurrency: 2 }) });
 * const result = streamText({ model, messages, maxRetries: 0 });
 */
export function createLanguageModel(spec: string | ModelSpec, given: ModelOptions = {}): LanguageModelV3 {
  const options = withModelDefaults(given);
  const parsed = typeof spec === 'string' ? parseModelSpec(spec) : spec;
  const name = formatModelSpec(parsed);
  const endpoint = resolveEndpoint(parsed, { ...options, cwd: options.local?.cwd });
  // Bad DRAMATIS_LOCAL_* values are refused here, when the model is made, not at its first call.
  if (parsed.provider === 'local') localSettingsFrom(options.env, options.local);
  const timeoutMs = options.timeoutMs ?? (parsed.provider === 'local' ? LOCAL_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);

  const middleware: LanguageModelV3Middleware[] = [];
  if (options.store || options.onUsage) {
    middleware.push(usageMiddleware({ model: name, episodeId: options.episodeId, runId: options.runId, store: options.store, onUsage: options.onUsage }));
  }
  if (options.store && options.cache !== false) {
    middleware.push(cacheMiddleware(options.store, { provider: parsed.provider, modelId: parsed.modelId, baseURL: endpoint.baseURL }, options.onWarning));
  }
  middleware.push(
    retryMiddleware(retryContext(name, options, endpoint.apiKeyHint)),
    concurrencyMiddleware(options.runtime.limiter(parsed.provider, endpoint.baseURL)),
    timeoutMiddleware({ timeoutMs, idleTimeoutMs: options.idleTimeoutMs ?? timeoutMs }),
  );
  // A local model makes its grammar from the schema itself (toGrammarSchema).
  const dialect = dialectFor(parsed, { baseURL: endpoint.baseURL, env: options.env, dialect: options.dialect });
  if (dialect !== 'local') middleware.push(structuredOutputMiddleware(dialect));
  const refused = options.runtime.refusedStructuredOutput;
  const key = `${name} ${endpoint.baseURL}`;
  if (options.structuredOutput === 'text') refused.add(key);
  // The AI SDK and the provider's package load on the first call, not when the model is made: a command that makes
  // models but never calls them (or calls them later) does not pay ~150 ms of start-up for them.
  let wrapped: Promise<LanguageModelV3> | undefined;
  const ready = () => (wrapped ??= Promise.all([import('ai'), import('./provider-model.ts')])
    .then(([{ wrapLanguageModel }, { providerModel }]) => wrapLanguageModel({ model: providerModel(parsed, endpoint, options), middleware })));
  const model: LanguageModelV3 = {
    specificationVersion: 'v3',
    provider: parsed.provider,
    modelId: parsed.modelId,
    get supportedUrls() {
      return ready().then((inner) => inner.supportedUrls);
    },
    doGenerate: async (call) => (await ready()).doGenerate(call),
    doStream: async (call) => (await ready()).doStream(call),
  };
  return withProfile(model, {
    spec: name, baseURL: endpoint.baseURL, dialect,
    structuredOutput: () => (refused.has(key) ? 'text' : 'schema'),
    refuseStructuredOutput: () => {
      if (refused.has(key)) return;
      refused.add(key);
      options.onStructuredOutputRefused?.();
    },
  });
}

/** Options with their defaults filled in: the environment and the runtime. */
export type ResolvedModelOptions<T extends Pick<ModelOptions, 'env' | 'runtime'>> = T & { env: Env; runtime: ModelRuntime };

/** Fills in what a caller may leave out: `process.env` and the process's shared runtime. */
export function withModelDefaults<T extends Pick<ModelOptions, 'env' | 'runtime'>>(options: T): ResolvedModelOptions<T> {
  return { ...options, env: options.env ?? process.env, runtime: options.runtime ?? defaultModelRuntime() };
}
