import { LlmError } from './errors.ts';

export const PROVIDERS = ['openai', 'anthropic', 'ollama', 'openai-compatible', 'local'] as const;
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
  'openai-compatible:NAME with --base-url or DRAMATIS_BASE_URL, or local:default / local:PATH.gguf for an in-process model';

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

/** The model used when none is named: an in-process model, downloaded on first use (see `local/catalog.ts`). */
export const DEFAULT_MODEL_SPEC = 'local:default';

/**
 * The model to use: `--model` first, then `DRAMATIS_MODEL`, then {@link DEFAULT_MODEL_SPEC}.
 * @example resolveModelSpec({ model: options.model, env: process.env })
 */
export function resolveModelSpec(input: { model?: string; env: Env }): ModelSpec {
  return parseModelSpec(input.model?.trim() || input.env.DRAMATIS_MODEL?.trim() || DEFAULT_MODEL_SPEC);
}

function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}
