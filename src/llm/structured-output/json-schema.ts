import type { JSONSchema7 } from '@ai-sdk/provider';
import { z } from 'zod';

/** A zod schema as JSON Schema, as the AI SDK converts zod 4 schemas. */
export function toJsonSchema(schema: z.ZodType): JSONSchema7 {
  return z.toJSONSchema(schema, { target: 'draft-7', io: 'output', reused: 'inline' }) as JSONSchema7;
}
