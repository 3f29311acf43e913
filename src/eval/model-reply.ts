import type { JSONSchema7, LanguageModelV3 } from '@ai-sdk/provider';
import type { ChatTurn } from './item.ts';
import { EvalError } from './errors.ts';
import { structuredText } from '../llm/index.ts';

export interface ModelReplyOptions {
  model: LanguageModelV3;
  messages: readonly ChatTurn[];
  /** Ask for JSON matching this schema (in text once the server has refused JSON-schema output). */
  schema?: { json: JSONSchema7; name: string };
  signal?: AbortSignal;
  temperature?: number;
  seed?: number;
  maxOutputTokens?: number;
}

/**
 * One non-streamed model call returning the reply text. Benchmark items and judges call the AI SDK model
 * interface directly, so the model's middleware (cache, retry, usage, concurrency, timeout) applies and no
 * per-call prompt validation is paid; failures keep their stable code (`llm/...`) or become `eval/model-failed`.
 */
export async function modelReply(options: ModelReplyOptions): Promise<string> {
  try {
    return await structuredText(options.model, {
      prompt: options.messages.map((turn) => (turn.role === 'system'
        ? { role: 'system' as const, content: turn.content }
        : { role: turn.role, content: [{ type: 'text' as const, text: turn.content }] })),
      schema: options.schema,
      abortSignal: options.signal,
      temperature: options.temperature,
      seed: options.seed,
      maxOutputTokens: options.maxOutputTokens,
    });
  } catch (error) {
    if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') throw error;
    throw new EvalError('eval/model-failed', `the model call failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
