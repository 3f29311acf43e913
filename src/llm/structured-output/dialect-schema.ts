import type { JSONSchema7, JSONSchema7Definition } from '@ai-sdk/provider';
import { LlmError } from '../errors.ts';
import { DIALECT_RULES, type DialectRules, type SchemaDialect } from './dialect.ts';

/** A schema rewritten for one provider, and the constraints it could not carry (checked after parsing instead). */
export interface DialectSchema {
  schema: JSONSchema7;
  /** `path: keyword` of each constraint moved into a description, e.g. `properties.speech: minLength`. */
  moved: string[];
}

const CHILD_MAPS = ['properties', '$defs', 'definitions'] as const;
const CHILD_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;

/**
 * Rewrites a JSON Schema (as the engine derives them from its zod schemas) into the subset `dialect` accepts.
 * A refused constraint is removed and stated in the node's description instead, so the model still reads it; the
 * engine's parsers validate every reply against the full zod schema, so it is still enforced, after parsing.
 * Under OpenAI's strict mode an optional property becomes required and nullable (the engine's own schemas have
 * none; a benchmark file's answer schema may). Throws `llm/unsupported` for a root that is not an object.
 * @example toDialectSchema(toJsonSchema(TurnOutput), 'openai').moved // ['properties.speech: minLength']
 */
export function toDialectSchema(schema: JSONSchema7, dialect: SchemaDialect): DialectSchema {
  const rules = DIALECT_RULES[dialect];
  const moved: string[] = [];
  if (rules.rootObject && schema.type !== 'object') {
    throw new LlmError('llm/unsupported', `the ${dialect} dialect needs an object at the root of a structured-output schema, not ${JSON.stringify(schema.type ?? 'a union')}`);
  }
  return { schema: rewrite(schema, rules, dialect, '', moved) as JSONSchema7, moved };
}

function rewrite(definition: JSONSchema7Definition, rules: DialectRules, dialect: SchemaDialect, path: string, moved: string[]): JSONSchema7Definition {
  if (typeof definition === 'boolean') return definition;
  const out: Record<string, unknown> = {};
  const constraints: string[] = [];
  const move = (key: string, value: unknown) => {
    if (key !== '$schema' && key !== '$id' && key !== '$comment' && key !== 'examples' && key !== 'default') {
      constraints.push(`${key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
    moved.push(`${path || '(root)'}: ${key}`);
  };
  for (const [key, value] of Object.entries(definition)) {
    if (rules.refused.has(key)) move(key, value);
    else if (key === 'minItems' && rules.maxMinItems !== undefined && (value as number) > rules.maxMinItems) move(key, value);
    else if (key === 'const' && rules.constAsEnum) out.enum = [value];
    else if (key === 'additionalProperties') {
      if (rules.noAdditionalProperties) continue;
      out[key] = typeof value === 'object' ? rewrite(value, rules, dialect, join(path, key), moved) : value;
    } else if ((CHILD_MAPS as readonly string[]).includes(key)) {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, JSONSchema7Definition>)
        .map(([name, child]) => [name, rewrite(child, rules, dialect, join(path, `${key}.${name}`), moved)]));
    } else if ((CHILD_LISTS as readonly string[]).includes(key)) {
      const target = key === 'oneOf' && rules.oneOfAsAnyOf ? 'anyOf' : key;
      out[target] = (value as JSONSchema7Definition[]).map((child, index) => rewrite(child, rules, dialect, join(path, `${key}.${index}`), moved));
    } else if (key === 'items') {
      out.items = Array.isArray(value)
        ? value.map((child, index) => rewrite(child as JSONSchema7Definition, rules, dialect, join(path, `items.${index}`), moved))
        : rewrite(value as JSONSchema7Definition, rules, dialect, join(path, 'items'), moved);
    } else out[key] = value;
  }
  if (isObjectNode(out)) {
    if (rules.closedObjects) out.additionalProperties = false;
    if (rules.allRequired) {
      // Strict mode has no optional property: one becomes required and nullable (null stands for absent).
      const properties = (out.properties as Record<string, JSONSchema7Definition> | undefined) ?? {};
      const required = new Set((out.required as string[] | undefined) ?? []);
      const optional = Object.keys(properties).filter((name) => !required.has(name));
      if (optional.length > 0) {
        out.properties = Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, required.has(name) ? child : { anyOf: [child, { type: 'null' }] }]));
        out.required = Object.keys(properties);
        for (const name of optional) moved.push(`${join(path, `properties.${name}`)}: optional (sent as nullable)`);
      }
    }
  }
  if (constraints.length > 0) out.description = [out.description, `${constraints.join('; ')}.`].filter(Boolean).join('\n');
  return out as JSONSchema7Definition;
}

function isObjectNode(node: Record<string, unknown>): boolean {
  return node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object')) || node.properties !== undefined;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
