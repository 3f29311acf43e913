import type { Provider } from './model-spec.ts';
import { Semaphore } from './semaphore.ts';

/** Concurrent calls allowed per provider endpoint when nothing else is said. */
export const DEFAULT_CONCURRENCY: Readonly<Record<Provider, number>> = {
  openai: 8,
  anthropic: 4,
  ollama: 2,
  'openai-compatible': 4,
  // One generation at a time: on a CPU, parallel sequences share the same cores.
  local: 1,
};

export interface ModelRuntimeOptions {
  /** One limit for every provider, or limits per provider (the rest keep their defaults). */
  concurrency?: number | Partial<Record<Provider, number>>;
}

/**
 * What all models of one process share: one concurrency limiter per provider and base URL, and the models whose
 * server refused structured output (they are asked in the text formats from then on, without another refusal).
 */
export interface ModelRuntime {
  limiter(provider: Provider, baseURL: string): Semaphore;
  /** Model keys (spec and base URL) whose server refused JSON-schema output in this process. */
  readonly refusedStructuredOutput: Set<string>;
}

/**
 * Creates the shared state for the models of one process; create it once and pass it to every model.
 * @example const runtime = createModelRuntime({ concurrency: { ollama: 1 } });
 */
export function createModelRuntime(options: ModelRuntimeOptions = {}): ModelRuntime {
  const limiters = new Map<string, Semaphore>();
  const limitOf = (provider: Provider): number => {
    const { concurrency } = options;
    if (typeof concurrency === 'number') return concurrency;
    return concurrency?.[provider] ?? DEFAULT_CONCURRENCY[provider];
  };
  return {
    refusedStructuredOutput: new Set(),
    limiter(provider, baseURL) {
      const key = `${provider} ${baseURL}`;
      let limiter = limiters.get(key);
      if (!limiter) {
        limiter = new Semaphore(limitOf(provider));
        limiters.set(key, limiter);
      }
      return limiter;
    },
  };
}

let shared: ModelRuntime | undefined;

/**
 * The runtime models share when none is given: one per process, made on first use, with the default limits. Pass
 * your own (`createModelRuntime`) to set limits, or to keep two groups of models apart.
 */
export function defaultModelRuntime(): ModelRuntime {
  return (shared ??= createModelRuntime());
}
