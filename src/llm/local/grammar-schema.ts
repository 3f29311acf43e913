import type { JSONSchema7, JSONSchema7Definition } from '@ai-sdk/provider';
import type { GbnfJsonSchema } from 'node-llama-cpp';

/** A JSON Schema rewritten for llama.cpp's grammar, and the keywords it had to drop (they are not enforced). */
export interface GrammarSchema {
  schema: GbnfJsonSchema;
  dropped: string[];
}

const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'default', 'examples', 'readOnly', 'writeOnly', 'deprecated']);
const KEPT = new Set([
  'type', 'description', 'const', 'enum', 'oneOf', 'properties', 'required', 'additionalProperties', 'minProperties',
  'maxProperties', 'items', 'prefixItems', 'minItems', 'maxItems', 'minLength', 'maxLength', '$ref', '$defs',
]);
const GRAMMAR_FORMATS = new Set(['date-time', 'date', 'time']);

/**
 * Rewrites a JSON Schema (as zod and the AI SDK make them) into the subset node-llama-cpp turns into a grammar:
 * `anyOf` becomes `oneOf`, `definitions` become `$defs`, a one-member `allOf` is merged, annotations go.
 * Validation-only keywords (pattern, minimum...) are dropped and listed, so the caller can warn.
 * @example toGrammarSchema(z.toJSONSchema(TurnOutput)).schema
 */
export function toGrammarSchema(schema: JSONSchema7): GrammarSchema {
  const dropped = new Set<string>();
  const converted = convert(schema, dropped, true) as GbnfJsonSchema;
  return { schema: converted, dropped: [...dropped].sort() };
}

function convert(definition: JSONSchema7Definition, dropped: Set<string>, root = false): unknown {
  if (definition === true || definition === undefined) return {};
  if (definition === false) throw new Error('a schema of `false` accepts nothing');
  let node: Record<string, unknown> = { ...definition };
  if (Array.isArray(node.allOf) && node.allOf.length === 1) {
    const { allOf, ...rest } = node;
    node = { ...(allOf[0] as object), ...rest };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key) || (key === 'additionalProperties' && value === false)) continue;
    if (key === 'anyOf') out.oneOf = (value as JSONSchema7Definition[]).map((item) => convert(item, dropped));
    else if (key === 'definitions' || key === '$defs') {
      if (!root) { dropped.add(key); continue; }
      out.$defs = Object.fromEntries(Object.entries(value as Record<string, JSONSchema7Definition>).map(([name, item]) => [name, convert(item, dropped)]));
    } else if (key === '$ref') out.$ref = String(value).replace(/^#\/definitions\//, '#/$defs/');
    else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, JSONSchema7Definition>).map(([name, item]) => [name, convert(item, dropped)]));
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = Array.isArray(value) ? undefined : typeof value === 'boolean' ? value : convert(value as JSONSchema7Definition, dropped);
      if (Array.isArray(value)) out.prefixItems = value.map((item) => convert(item as JSONSchema7Definition, dropped));
    } else if (key === 'prefixItems' || key === 'oneOf') out[key] = (value as JSONSchema7Definition[]).map((item) => convert(item, dropped));
    else if (key === 'format') {
      if (GRAMMAR_FORMATS.has(String(value))) out.format = value;
      else dropped.add(`format: ${String(value)}`);
    } else if (KEPT.has(key)) out[key] = value;
    else dropped.add(key);
  }
  // JSON Schema allows properties without a type; the grammar needs one to know it is an object.
  if (out.properties && out.type === undefined) out.type = 'object';
  if (out.type === 'object' && !out.properties && out.additionalProperties === undefined) out.additionalProperties = true;
  if (out.items === undefined) delete out.items;
  return out;
}
