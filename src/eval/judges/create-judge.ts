import type { JSONSchema7, LanguageModelV3 } from '@ai-sdk/provider';
import type { z } from 'zod';
import { toJsonSchema, extractJsonObject } from '../../llm/index.ts';
import type { ChatTurn } from '../item.ts';
import { modelReply } from '../model-reply.ts';
import { renderJudgePrompt, repairRequest } from './judge-prompt.ts';
import type { Judge, JudgeRequest, JudgeVerdict } from './types.ts';

export interface JudgeOptions {
  /** The judge model's spec, for reports (`openai:gpt-4o`). */
  name: string;
  /** Sampling temperature (0 for one deterministic verdict; above 0 when several samples should differ). */
  temperature?: number;
  maxOutputTokens?: number;
}

/** A verdict read from a reply, or why it could not be. */
export type ParsedVerdict<T> = { ok: true; verdict: T } | { ok: false; error: string };

/** Reads a verdict from a judge's reply: the JSON object in it (prose, fences and reasoning tolerated), then the schema. */
export function parseVerdict<T>(raw: string, schema: z.ZodType<T>): ParsedVerdict<T> {
  const extracted = extractJsonObject(raw);
  if (!extracted.ok) return extracted;
  const parsed = schema.safeParse(extracted.value);
  if (parsed.success) return { ok: true, verdict: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(the object)'}: ${issue.message}`);
  return { ok: false, error: `the JSON does not match the schema (${problems.join('; ')})` };
}

/**
 * A judge on a model: each `ask` sends the isolated prompt (`renderJudgePrompt`) asking for structured JSON,
 * and a malformed reply gets one repair request; still malformed, the verdict is undefined (the item is unjudged).
 * Model failures (after the model's own retries) are thrown: the job fails and `--resume` retries it.
 * @example
 * const judge = createJudge(createLanguageModel('openai:gpt-4o', options), { name: 'openai:gpt-4o', temperature: 0 });
 * const { verdict } = await judge.ask({ task, candidates: { response }, schema });
 */
export function createJudge(model: LanguageModelV3, options: JudgeOptions): Judge {
  const jsonSchemas = new WeakMap<object, JSONSchema7>();
  const jsonSchemaOf = (schema: z.ZodType): JSONSchema7 => {
    let json = jsonSchemas.get(schema);
    if (!json) jsonSchemas.set(schema, (json = toJsonSchema(schema)));
    return json;
  };

  return {
    model: options.name,
    async ask<T>(request: JudgeRequest<T>): Promise<JudgeVerdict<T>> {
      const json = jsonSchemaOf(request.schema);
      const messages: ChatTurn[] = renderJudgePrompt({ task: request.task, context: request.context, candidates: request.candidates, schema: json });
      const call = (turns: readonly ChatTurn[]) => modelReply({
        model,
        messages: turns,
        schema: { json, name: 'verdict' },
        signal: request.signal,
        seed: request.seed,
        temperature: options.temperature,
        maxOutputTokens: options.maxOutputTokens,
      });

      const first = await call(messages);
      const parsed = parseVerdict(first, request.schema);
      if (parsed.ok) return { verdict: parsed.verdict, raw: first, repaired: false };

      const second = await call([
        ...messages,
        { role: 'assistant', content: first.trim() === '' ? '(empty reply)' : first },
        { role: 'user', content: repairRequest(parsed.error) },
      ]);
      const repaired = parseVerdict(second, request.schema);
      if (repaired.ok) return { verdict: repaired.verdict, raw: second, repaired: true };
      return { raw: second, repaired: false, error: `malformed verdict after one repair: ${repaired.error} (first reply: ${parsed.error})` };
    },
  };
}
