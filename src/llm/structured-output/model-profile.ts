import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { SchemaDialect } from './dialect.ts';

/** How a model answers structured requests: with a JSON schema, or in text (the server refused schemas). */
export type StructuredOutputMode = 'schema' | 'text';

/** What the engine knows of a model it made: its spec, its schema dialect, and how it answers structured requests. */
export interface ModelProfile {
  /** `provider:model`. */
  spec: string;
  baseURL: string;
  dialect: SchemaDialect;
  /** `text` once the server refused JSON-schema output (remembered by the runtime for the rest of the process). */
  structuredOutput(): StructuredOutputMode;
  /** Records that the server refused JSON-schema output. */
  refuseStructuredOutput(): void;
}

const PROFILE = Symbol.for('dramatis.modelProfile');

/** Attaches a profile to a model (done by `createLanguageModel`). */
export function withProfile<T extends LanguageModelV3>(model: T, profile: ModelProfile): T {
  return Object.assign(model, { [PROFILE]: profile });
}

/** The profile of a model made by `createLanguageModel`; undefined for other models (mocks, hand-made ones). */
export function modelProfile(model: LanguageModelV3): ModelProfile | undefined {
  return (model as { [PROFILE]?: ModelProfile })[PROFILE];
}

/** Whether structured requests to this model go as text (its server refused JSON-schema output in this process). */
export function structuredOutputRefused(model: LanguageModelV3): boolean {
  return modelProfile(model)?.structuredOutput() === 'text';
}

/** Records that this model's server refused JSON-schema output: later calls in this process go as text. */
export function noteStructuredOutputRefused(model: LanguageModelV3): void {
  modelProfile(model)?.refuseStructuredOutput();
}

/** Whether a model call failed because the server does not accept a JSON-schema response format. */
export function rejectsJsonSchema(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'llm/bad-request' && /response_format|json_schema|json schema|structured output|output_config|response_schema|grammar/i.test(String(message));
}
