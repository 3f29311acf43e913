import type { JsonSchema } from './types.ts';

// What real providers refuse in a structured-output schema, written from their documentation and reported errors
// (decision 0017), independently of the engine's own dialect code: the fake must be able to catch the engine out.

/** How the fake's OpenAI-compatible route treats `response_format` schemas. */
export type FakeSchemaDialect = 'any' | 'openai-strict' | 'gemini';
export const FAKE_SCHEMA_DIALECTS: readonly FakeSchemaDialect[] = ['any', 'openai-strict', 'gemini'];

/** A refusal: the HTTP body a provider sends back, and its message. */
export interface SchemaRefusal {
  message: string;
  body: string;
}

type Node = Record<string, unknown>;

/** Visits every sub-schema with its path as OpenAI names it: `('properties', 'speech')`. */
function* walk(node: unknown, path: string[] = []): Generator<{ node: Node; path: string[] }> {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return;
  const schema = node as Node;
  yield { node: schema, path };
  for (const key of ['properties', '$defs', 'definitions']) {
    for (const [name, child] of Object.entries((schema[key] as Node | undefined) ?? {})) yield* walk(child, [...path, key, name]);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    for (const [index, child] of ((schema[key] as unknown[] | undefined) ?? []).entries()) yield* walk(child, [...path, key, String(index)]);
  }
  if (schema.items && typeof schema.items === 'object') yield* walk(schema.items, [...path, 'items']);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') yield* walk(schema.additionalProperties, [...path, 'additionalProperties']);
}

const isObject = (node: Node) => node.type === 'object' || node.properties !== undefined;

/** OpenAI's strict mode (`json_schema.strict: true`): the subset of its "Supported schemas" guide. */
const OPENAI_REFUSED = [
  'minLength', 'maxLength', 'minProperties', 'maxProperties', 'patternProperties', 'propertyNames', 'unevaluatedProperties',
  'uniqueItems', 'contains', 'minContains', 'maxContains', 'if', 'then', 'else', 'not', 'dependentRequired', 'dependentSchemas',
];

export function openAiStrictRefusal(schema: JsonSchema, name: string): SchemaRefusal | undefined {
  const refuse = (detail: string): SchemaRefusal => {
    const message = `Invalid schema for response_format '${name}': ${detail}`;
    return { message, body: JSON.stringify({ error: { message, type: 'invalid_request_error', param: 'response_format', code: null } }) };
  };
  const root = schema as Node;
  if (root.type !== 'object') return refuse(`schema must be a JSON Schema of 'type: "object"', got 'type: "${String(root.type ?? 'None')}"'.`);
  for (const { node, path } of walk(schema)) {
    const context = `In context=(${path.map((p) => `'${p}'`).join(', ')})`;
    for (const keyword of OPENAI_REFUSED) if (keyword in node) return refuse(`${context}, '${keyword}' is not permitted.`);
    if (!isObject(node)) continue;
    if (node.additionalProperties !== false) return refuse(`${context}, 'additionalProperties' is required to be supplied and to be false.`);
    const required = new Set((node.required as string[] | undefined) ?? []);
    const missing = Object.keys((node.properties as Node | undefined) ?? {}).find((key) => !required.has(key));
    if (missing) return refuse(`${context}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`);
  }
  return undefined;
}

/** Anthropic's `output_config.format.schema` ("JSON Schema limitations" of its structured-outputs guide). */
export function anthropicRefusal(schema: JsonSchema): SchemaRefusal | undefined {
  const refuse = (detail: string): SchemaRefusal => {
    const message = `output_config.format.schema: ${detail}`;
    return { message, body: JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }) };
  };
  for (const { node } of walk(schema)) {
    const type = String(node.type ?? '');
    for (const keyword of ['minLength', 'maxLength']) if (keyword in node) return refuse(`For 'string' type, property '${keyword}' is not supported`);
    for (const keyword of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']) {
      if (keyword in node) return refuse(`For '${type || 'number'}' type, property '${keyword}' is not supported`);
    }
    if (typeof node.minItems === 'number' && node.minItems > 1) return refuse("For 'array' type, 'minItems' values other than 0 or 1 are not supported");
    if ('maxItems' in node) return refuse("For 'array' type, property 'maxItems' is not supported");
    if (isObject(node) && node.additionalProperties !== false) return refuse("For 'object' type, 'additionalProperties' must be explicitly set to false");
  }
  return undefined;
}

/** Gemini's OpenAI-compatible endpoint: the schema becomes an OpenAPI 3.0 `responseSchema`, which has no such fields. */
export function geminiRefusal(schema: JsonSchema): SchemaRefusal | undefined {
  for (const { node, path } of walk(schema)) {
    for (const keyword of ['additionalProperties', '$schema', 'const', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'patternProperties']) {
      if (!(keyword in node)) continue;
      const message = `Invalid JSON payload received. Unknown name "${keyword}" at 'generation_config.response_schema${path.length ? `.${path.join('.')}` : ''}': Cannot find field.`;
      return { message, body: JSON.stringify([{ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }]) };
    }
  }
  return undefined;
}
