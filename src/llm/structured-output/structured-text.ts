import type { JSONSchema7, LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { noteStructuredOutputRefused, rejectsJsonSchema, structuredOutputRefused } from './model-profile.ts';

export interface StructuredTextOptions extends Omit<LanguageModelV3CallOptions, 'responseFormat'> {
  /** Ask for JSON matching this schema; without one, plain text. */
  schema?: { json: JSONSchema7; name: string };
}

/**
 * One non-streamed call for a reply the caller parses (a verdict, scores): with the JSON schema as the response
 * format, or in text once the model's server has refused JSON-schema output (for the rest of the process). The
 * prompt must say the format too, so that a text reply can follow it.
 * @example const text = await structuredText(model, { prompt, schema: { json: EMOTION_SCHEMA, name: 'emotions' }, temperature: 0 })
 */
export async function structuredText(model: LanguageModelV3, options: StructuredTextOptions): Promise<string> {
  const withSchema = options.schema !== undefined && !structuredOutputRefused(model);
  try {
    return await generate(model, options, withSchema);
  } catch (error) {
    if (!withSchema || !rejectsJsonSchema(error)) throw error;
    noteStructuredOutputRefused(model);
    return generate(model, options, false);
  }
}

async function generate(model: LanguageModelV3, options: StructuredTextOptions, withSchema: boolean): Promise<string> {
  const { schema, ...call } = options;
  const result = await model.doGenerate({
    ...call,
    responseFormat: withSchema && schema ? { type: 'json', schema: schema.json, name: schema.name } : { type: 'text' },
  });
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
