import type { JSONSchema7, LanguageModelV3 } from '@ai-sdk/provider';
import type { ChatTurn } from './item.ts';
import { EvalError } from './errors.ts';

export interface ModelReplyOptions {
  model: LanguageModelV3;
  messages: readonly ChatTurn[];
  /** Ask for JSON matching this schema (providers without structured output get plain JSON mode or text). */
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
    const result = await options.model.doGenerate({
      prompt: options.messages.map((turn) => (turn.role === 'system'
        ? { role: 'system' as const, content: turn.content }
        : { role: turn.role, content: [{ type: 'text' as const, text: turn.content }] })),
      responseFormat: options.schema ? { type: 'json', schema: options.schema.json, name: options.schema.name } : { type: 'text' },
      abortSignal: options.signal,
      temperature: options.temperature,
      seed: options.seed,
      maxOutputTokens: options.maxOutputTokens,
    });
    let text = '';
    for (const part of result.content) if (part.type === 'text') text += part.text;
    return text;
  } catch (error) {
    if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') throw error;
    throw new EvalError('eval/model-failed', `the model call failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
