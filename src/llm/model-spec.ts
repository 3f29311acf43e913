import { LlmError } from './errors.ts';

export const PROVIDERS = ['openai', 'anthropic', 'ollama', 'openai-compatible'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** A parsed `provider:model` spec. */
export interface ModelSpec {
  provider: Provider;
  modelId: string;
}

/** Environment variables, passed explicitly (`process.env` at the edge). */
export type Env = Readonly<Record<string, string | undefined>>;

const FORMS =
  'use provider:model, e.g. openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, ollama:qwen2.5:7b, ' +
  'or openai-compatible:NAME with --base-url or DRAMATIS_BASE_URL';

/**
 * Splits a spec on its first colon only.
 * @example parseModelSpec('ollama:qwen2.5:7b') // { provider: 'ollama', modelId: 'qwen2.5:7b' }
 */
export function parseModelSpec(spec: string): ModelSpec {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(':');
  if (!trimmed) throw new LlmError('llm/bad-spec', `empty model spec: ${FORMS}`);
  if (colon <= 0) throw new LlmError('llm/bad-spec', `model spec "${spec}" has no provider: ${FORMS}`, { model: spec });
  const provider = trimmed.slice(0, colon).toLowerCase();
  const modelId = trimmed.slice(colon + 1).trim();
  if (provider === 'local') {
    throw new LlmError(
      'llm/unsupported',
      `model spec "${spec}": in-process local models (local:PATH.gguf) are not available yet; run the model in Ollama or llama.cpp server and use ollama:NAME or openai-compatible:NAME`,
      { model: spec },
    );
  }
  if (!isProvider(provider)) {
    throw new LlmError('llm/bad-spec', `model spec "${spec}" names an unknown provider "${provider}": ${FORMS}`, { model: spec });
  }
  if (!modelId) throw new LlmError('llm/bad-spec', `model spec "${spec}" has no model after "${provider}:": ${FORMS}`, { model: spec });
  return { provider, modelId };
}

/** The spec string of a parsed spec. */
export function formatModelSpec(spec: ModelSpec): string {
  return `${spec.provider}:${spec.modelId}`;
}

/**
 * The model to use: `--model` first, then `DRAMATIS_MODEL`.
 * @example resolveModelSpec({ model: options.model, env: process.env })
 */
export function resolveModelSpec(input: { model?: string; env: Env }): ModelSpec {
  const spec = input.model?.trim() || input.env.DRAMATIS_MODEL?.trim();
  if (!spec) {
    throw new LlmError(
      'llm/no-model',
      'no model chosen: pass --model provider:model or set DRAMATIS_MODEL, e.g. --model openai:gpt-4o-mini or ' +
        'DRAMATIS_MODEL=ollama:qwen2.5:7b (for a vLLM, llama.cpp or LM Studio server: --model openai-compatible:NAME ' +
        'with --base-url http://127.0.0.1:8000/v1 or DRAMATIS_BASE_URL)',
    );
  }
  return parseModelSpec(spec);
}

function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}
