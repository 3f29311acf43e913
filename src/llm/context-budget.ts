import { MESSAGE_FRAMING_TOKENS, type TokenCounter } from '../text/index.ts';
import { knownContextWindow } from './context-window.ts';
import { ensureLocalModel } from './local/catalog.ts';
import { readGgufHeader } from './local/gguf.ts';
import { localContextSize, localSettingsFrom, localTokenCounter, type LocalRuntimeSettings } from './local/llama-host.ts';
import type { Env, ModelSpec } from './model-spec.ts';

/** The budget used when neither the user nor the model says: today's conservative default. */
export const FALLBACK_CONTEXT_TOKENS = 8192;

/** How many tokens a model's prompt and reply may take together, where that number comes from, and how to count. */
export interface ContextBudget {
  /** The budget: the smaller of what was asked for and what the model can take. */
  contextTokens: number;
  /** What the model can take, when known (a local model's context, or a known window). */
  modelContext?: number;
  /** `model`: the model's context; `requested`: `--context-tokens`; `default`: neither was known. */
  source: 'model' | 'requested' | 'default';
  /** Counts as the model does (local models: their own vocabulary); undefined: the engine's o200k estimate. */
  countTokens?: TokenCounter;
  /** Set when the requested budget was more than the model can take, saying what was used instead. */
  note?: string;
}

export interface ContextBudgetOptions {
  env: Env;
  cwd?: string;
  /** The budget the user asked for (`--context-tokens`). */
  requested?: number;
  /** The local runtime settings the model will be created with (they decide its context). */
  local?: LocalRuntimeSettings;
}

/**
 * The context budget for `spec`: for `local:` models the context they will run with (`DRAMATIS_LOCAL_CONTEXT`, else
 * min(8192, the context in the GGUF's metadata), read without loading the weights) counted with their own
 * vocabulary; for remote models a known window per model id; then `requested` when smaller; else 8,192.
 * @example const budget = await resolveContextBudget(parseModelSpec('local:./tiny.gguf'), { env: process.env, requested: 1200 })
 */
export async function resolveContextBudget(spec: ModelSpec, options: ContextBudgetOptions): Promise<ContextBudget> {
  let modelContext: number | undefined;
  let countTokens: TokenCounter | undefined;
  if (spec.provider === 'local') {
    const settings = localSettingsFrom(options.env, options.local);
    const path = await ensureLocalModel(spec.modelId, { env: options.env, cwd: options.cwd });
    modelContext = localContextSize((await readGgufHeader(path)).contextLength, settings);
    // Without node-llama-cpp the call fails anyway, with the message that says how to install it.
    countTokens = await localTokenCounter(path, settings, MESSAGE_FRAMING_TOKENS).catch(() => undefined);
  } else {
    modelContext = knownContextWindow(spec);
  }
  const { requested } = options;
  if (requested !== undefined && modelContext !== undefined && requested > modelContext) {
    return {
      contextTokens: modelContext, modelContext, source: 'model', countTokens,
      note: `--context-tokens ${requested} is more than the model can take (${modelContext} tokens); using ${modelContext}`,
    };
  }
  if (requested !== undefined) return { contextTokens: requested, modelContext, source: 'requested', countTokens };
  if (modelContext !== undefined) return { contextTokens: modelContext, modelContext, source: 'model', countTokens };
  return { contextTokens: FALLBACK_CONTEXT_TOKENS, source: 'default', countTokens };
}
