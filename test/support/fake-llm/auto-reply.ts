import type { ChatMessage, FakeRequestBody, JsonSchema } from './types.ts';

const SPEECH_KEYS = new Set(['speech', 'reply', 'text', 'content', 'message', 'answer', 'response']);

/**
 * The text of the last user message (text parts joined), or ''. A bracketed user message such as
 * `[Context for this turn ...]` is stage direction, not something said: the one before it is echoed instead.
 */
export function lastUserText(body: FakeRequestBody): string {
  const messages: ChatMessage[] = Array.isArray(body.messages) ? body.messages : [];
  let fallback: string | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message.role !== 'user') continue;
    const text = typeof message.content === 'string'
      ? message.content
      : Array.isArray(message.content) ? message.content.map((part) => (typeof part.text === 'string' ? part.text : '')).join(' ') : '';
    if (!text.trimStart().startsWith('[')) return text;
    fallback ??= text;
  }
  return fallback ?? '';
}

/** A short deterministic reply that mentions the last user message. */
export function autoText(body: FakeRequestBody): string {
  const guess = guessOption(body);
  if (guess) return guess;
  const said = lastUserText(body).replace(/\s+/g, ' ').trim();
  if (!said) return 'Hello. (This is the offline fake model: it has nothing real to say.)';
  const quoted = said.length > 120 ? `${said.slice(0, 119)}…` : said;
  return `You said: "${quoted}". (This is the offline fake model: it only echoes.)`;
}

/**
 * For a multiple-choice question (option lines `[A] …` or `A) …` in the last user message): a guess, one of the
 * letters picked by a hash of the question and the model id, so each fake model is a different, repeatable guesser.
 */
function guessOption(body: FakeRequestBody): string | undefined {
  const text = lastUserText(body);
  const letters = [...text.matchAll(/^(?:\[([A-Z])\]|([A-Z])\)) \S/gm)].map((m) => m[1] ?? m[2]);
  if (letters.length < 2 || letters[0] !== 'A') return undefined;
  let hash = 2166136261;
  for (const char of `${String(body.model)}\n${text}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return `My guess is [${letters[hash % letters.length]}]. (This is the offline fake model: it guesses.)`;
}

/** A deterministic reply for a request: an instance of its JSON schema, a JSON object, or text. */
export function autoContent(body: FakeRequestBody): string {
  const format = body.response_format;
  if (format?.type === 'json_schema' && format.json_schema?.schema) {
    return JSON.stringify(instanceOf(format.json_schema.schema, { root: format.json_schema.schema, echo: autoText(body), key: '', depth: 0 }));
  }
  if (format?.type === 'json_object') return JSON.stringify({ reply: autoText(body) });
  return autoText(body);
}

interface Context {
  root: JsonSchema;
  echo: string;
  /** The property name this value is for ('' at the root or in arrays). */
  key: string;
  depth: number;
}

/** A minimal value that validates against `schema` (the common subset: types, required, enums, lengths, bounds). */
export function instanceOf(given: JsonSchema, context: Context): unknown {
  if (context.depth > 32) return null;
  const schema = withDescribedBounds(given);
  const next = { ...context, depth: context.depth + 1 };
  if (schema.$ref) return instanceOf(resolveRef(schema.$ref, context.root), next);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.allOf?.length) return instanceOf(mergeAll(schema.allOf, context.root), next);
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) {
    const choice = options.find((option) => !isNullSchema(option)) ?? options[0];
    return instanceOf(choice, next);
  }
  switch (pickType(schema)) {
    case 'object': {
      const value: Record<string, unknown> = {};
      const properties = schema.properties ?? {};
      // Every declared property, not only the required ones: strict schemas require all anyway.
      for (const [key, property] of Object.entries(properties)) value[key] = instanceOf(property, { ...next, key });
      for (const key of schema.required ?? []) if (!(key in value)) value[key] = '…';
      return value;
    }
    case 'array': {
      const min = schema.minItems ?? 0;
      const items = Array.isArray(schema.items) ? schema.items : schema.items ? [schema.items] : [];
      const count = Math.max(min, Math.min(items.length, schema.maxItems ?? Infinity));
      return Array.from({ length: count }, (_, i) => instanceOf(items[Math.min(i, items.length - 1)] ?? {}, { ...next, key: '' }));
    }
    case 'string':
      return fitString(stringFor(schema, context), schema);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return fitString(stringFor(schema, context), schema);
  }
}

/**
 * Bounds a provider cannot take travel in the description instead ("min length: 1.", "minimum: 1; maximum: 5."):
 * the fake heeds them as a model reading its schema would.
 */
const DESCRIBED_BOUNDS: Record<string, 'minimum' | 'maximum' | 'minLength' | 'maxLength' | 'minItems' | 'maxItems'> = {
  minimum: 'minimum', maximum: 'maximum', 'min length': 'minLength', 'max length': 'maxLength', 'min items': 'minItems', 'max items': 'maxItems',
};

function withDescribedBounds(schema: JsonSchema): JsonSchema {
  if (typeof schema.description !== 'string') return schema;
  const bounds: Record<string, number> = {};
  for (const match of schema.description.matchAll(/\b(minimum|maximum|min length|max length|min items|max items): (-?\d+(?:\.\d+)?)/g)) {
    const key = DESCRIBED_BOUNDS[match[1]!]!;
    if ((schema as Record<string, unknown>)[key] === undefined) bounds[key] = Number(match[2]);
  }
  return Object.keys(bounds).length ? { ...schema, ...bounds } : schema;
}

function pickType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null') ?? 'null';
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

function isNullSchema(schema: JsonSchema): boolean {
  return schema.type === 'null';
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(segment.replace(/~1/g, '/').replace(/~0/g, '~'));
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node && typeof node === 'object' ? (node as JsonSchema) : {};
}

function mergeAll(schemas: JsonSchema[], root: JsonSchema): JsonSchema {
  const merged: JsonSchema = {};
  for (const part of schemas) {
    const schema = part.$ref ? resolveRef(part.$ref, root) : part;
    Object.assign(merged, schema, {
      properties: { ...merged.properties, ...schema.properties },
      required: [...(merged.required ?? []), ...(schema.required ?? [])],
    });
  }
  return merged;
}

function stringFor(schema: JsonSchema, context: Context): string {
  switch (schema.format) {
    case 'date-time':
      return '2000-01-01T00:00:00.000Z';
    case 'date':
      return '2000-01-01';
    case 'time':
      return '00:00:00';
    case 'email':
      return 'someone@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
  }
  if (SPEECH_KEYS.has(context.key.toLowerCase()) || context.key === '') return context.echo;
  return `${context.key}…`;
}

function fitString(value: string, schema: JsonSchema): string {
  let result = value;
  if (schema.maxLength !== undefined && [...result].length > schema.maxLength) result = [...result].slice(0, schema.maxLength).join('');
  if (schema.minLength !== undefined && [...result].length < schema.minLength) result = result + '.'.repeat(schema.minLength - [...result].length);
  return result;
}

function numberFor(schema: JsonSchema, integer: boolean): number {
  let low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 0.5) : undefined);
  const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 0.5) : undefined);
  if (low === undefined) low = high !== undefined ? Math.min(0, high) : 0;
  let value = low;
  if (high !== undefined && low <= high && low < 0 && high >= 0) value = 0;
  if (integer) value = Math.ceil(value);
  return value;
}
