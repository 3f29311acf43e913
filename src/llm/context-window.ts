import type { ModelSpec } from './model-spec.ts';

/**
 * Context windows (prompt and reply together, in tokens) of well-known models, by model id prefix; the longest
 * matching prefix wins. Conservative: where a family's sizes differ, the smallest; where the input is capped below
 * the window (gpt-5), the input cap. Sources: the providers' model pages as of 2026.
 */
const OPENAI: ReadonlyArray<readonly [string, number]> = [
  ['gpt-5', 272_000],
  ['gpt-4.1', 1_000_000],
  ['gpt-4o', 128_000],
  ['gpt-4-turbo', 128_000],
  ['gpt-4', 8_192],
  ['gpt-3.5-turbo', 16_385],
  ['o1', 200_000],
  ['o3', 200_000],
  ['o4-mini', 200_000],
];

const ANTHROPIC: ReadonlyArray<readonly [string, number]> = [
  ['claude-', 200_000],
];

/** Open-weight families as servers such as vLLM or llama.cpp serve them (their native window, without rope scaling). */
const OPEN_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['qwen3', 32_768],
  ['qwen2.5', 32_768],
  ['qwen2', 32_768],
  ['llama-3.1', 131_072],
  ['llama-3.2', 131_072],
  ['llama-3.3', 131_072],
  ['llama3.1', 131_072],
  ['llama3.2', 131_072],
  ['llama3.3', 131_072],
  ['llama-3', 8_192],
  ['llama3', 8_192],
  ['mistral', 32_768],
  ['gemma-3', 32_768],
  ['gemma3', 32_768],
  ['gemma-2', 8_192],
  ['gemma2', 8_192],
  ['phi-3', 4_096],
  ['phi3', 4_096],
];

/**
 * Ollama serves a model with its own context setting, not the model's window: 4,096 tokens by default on machines
 * with less than 24 GiB of VRAM (`OLLAMA_CONTEXT_LENGTH` or a Modelfile's `num_ctx` change it, which this side cannot
 * see). A longer prompt is cut silently, so the conservative budget is that default.
 */
export const OLLAMA_DEFAULT_CONTEXT = 4_096;

/**
 * The context window a remote model is known to have, or undefined when unknown (then `--context-tokens`, else
 * 8,192). `local:` models are read from their file instead (see `localContextBudget`).
 * @example knownContextWindow({ provider: 'openai', modelId: 'gpt-4o-mini' }) // 128000
 */
export function knownContextWindow(spec: ModelSpec): number | undefined {
  const id = spec.modelId.toLowerCase().replace(/^.*\//, '');
  switch (spec.provider) {
    case 'openai': return longestPrefix(OPENAI, id);
    case 'anthropic': return longestPrefix(ANTHROPIC, id);
    case 'ollama': return Math.min(OLLAMA_DEFAULT_CONTEXT, longestPrefix(OPEN_WEIGHTS, id) ?? OLLAMA_DEFAULT_CONTEXT);
    case 'openai-compatible': return longestPrefix(OPEN_WEIGHTS, id) ?? longestPrefix(OPENAI, id) ?? longestPrefix(ANTHROPIC, id);
    case 'local': return undefined;
  }
}

function longestPrefix(table: ReadonlyArray<readonly [string, number]>, id: string): number | undefined {
  let best: readonly [string, number] | undefined;
  for (const entry of table) if (id.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best?.[1];
}
