import type { Env, ModelSpec } from '../model-spec.ts';
import { LlmError } from '../errors.ts';

/**
 * The subset of JSON Schema a provider accepts for structured output (decision 0017 gives each rule's source):
 * - `openai`: OpenAI's strict structured outputs. The root is an object; every object lists all its properties
 *   in `required` and sets `additionalProperties: false`; string length bounds are refused, and, conservatively
 *   (older snapshots refuse them), `pattern`, `format`, numeric and array bounds.
 * - `anthropic`: Anthropic's `output_config.format`. Objects are closed; numeric bounds, string length bounds,
 *   `pattern`, and `minItems` above 1 are refused.
 * - `gemini`: Gemini's OpenAI-compatible endpoint, whose schema is an OpenAPI 3.0 subset: no
 *   `additionalProperties`, no `$schema`, no `const`.
 * - `ollama`: Ollama's `format`, turned into a grammar; it takes what the engine sends but `$schema`.
 * - `openai-compatible`: grammar-backed servers (llama.cpp's server, vLLM, SGLang): everything the engine sends,
 *   length bounds included.
 * - `local`: the in-process model; its grammar is made from the schema by `toGrammarSchema`.
 */
export const SCHEMA_DIALECTS = ['openai', 'anthropic', 'gemini', 'ollama', 'openai-compatible', 'local'] as const;
export type SchemaDialect = (typeof SCHEMA_DIALECTS)[number];

/** What a dialect does to the schemas the engine sends. */
export interface DialectRules {
  /** Keywords the provider refuses: removed from the schema, stated in its description, checked after parsing. */
  refused: ReadonlySet<string>;
  /** `minItems` above this is refused (Anthropic takes 0 or 1). */
  maxMinItems?: number;
  /** Every object gets `additionalProperties: false`. */
  closedObjects: boolean;
  /** Every object must list all its properties in `required` (OpenAI strict). */
  allRequired: boolean;
  /** `additionalProperties` is refused altogether (Gemini's OpenAPI subset). */
  noAdditionalProperties: boolean;
  /** The root must be an object. */
  rootObject: boolean;
  /** `const` is refused: sent as a one-value `enum`. */
  constAsEnum: boolean;
  /** `oneOf` is refused: sent as `anyOf` (the engine's unions are disjoint, so nothing changes). */
  oneOfAsAnyOf: boolean;
}

const ANNOTATION_ONLY = ['$schema', '$id', '$comment', 'examples'];
const STRING_BOUNDS = ['minLength', 'maxLength'];
const NUMBER_BOUNDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const RARE = ['minProperties', 'maxProperties', 'patternProperties', 'propertyNames', 'unevaluatedProperties', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'dependentRequired', 'dependentSchemas', 'if', 'then', 'else', 'not'];

const rules = (partial: Partial<Omit<DialectRules, 'refused'>> & { refused: string[] }): DialectRules => ({
  closedObjects: false, allRequired: false, noAdditionalProperties: false, rootObject: false, constAsEnum: false, oneOfAsAnyOf: false,
  ...partial, refused: new Set(partial.refused),
});

export const DIALECT_RULES: Readonly<Record<SchemaDialect, DialectRules>> = {
  openai: rules({
    // Numeric and array bounds were refused when strict mode shipped and are accepted by newer models only.
    refused: [...ANNOTATION_ONLY, 'default', ...STRING_BOUNDS, 'pattern', 'format', ...NUMBER_BOUNDS, 'minItems', 'maxItems', ...RARE],
    closedObjects: true, allRequired: true, rootObject: true, oneOfAsAnyOf: true,
  }),
  anthropic: rules({
    refused: [...ANNOTATION_ONLY, ...STRING_BOUNDS, ...NUMBER_BOUNDS, 'pattern', 'maxItems', ...RARE],
    maxMinItems: 1, closedObjects: true, oneOfAsAnyOf: true,
  }),
  gemini: rules({
    refused: [...ANNOTATION_ONLY, 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', ...RARE],
    noAdditionalProperties: true, rootObject: true, constAsEnum: true, oneOfAsAnyOf: true,
  }),
  ollama: rules({ refused: ['$schema'] }),
  'openai-compatible': rules({ refused: [] }),
  // The middleware leaves local models alone: their grammar (toGrammarSchema) drops these itself.
  local: rules({ refused: [...NUMBER_BOUNDS, 'pattern'] }),
};

/** Hosts of OpenAI-compatible endpoints whose structured output follows another dialect than a grammar server's. */
const HOST_DIALECTS: [RegExp, SchemaDialect][] = [
  [/(^|\.)generativelanguage\.googleapis\.com$/, 'gemini'],
  [/(^|\.)api\.openai\.com$/, 'openai'],
  // OpenRouter passes the schema on to whichever provider serves the model: the strictest common subset.
  [/(^|\.)openrouter\.ai$/, 'openai'],
];

/**
 * The dialect of a model's structured output: the provider's, or for `openai-compatible` the host's (Gemini's
 * OpenAI-compatible endpoint, OpenAI, OpenRouter) or the model family's (`gemini-*`), else a grammar-backed server's. `DRAMATIS_SCHEMA_DIALECT` (or an
 * explicit `dialect`) overrides it, for a server the rules above do not recognise.
 * @example dialectFor(parseModelSpec('openai-compatible:gemini-2.5-flash'), { baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai' }) // 'gemini'
 */
export function dialectFor(spec: ModelSpec, options: { baseURL?: string; env?: Env; dialect?: string } = {}): SchemaDialect {
  const chosen = options.dialect ?? options.env?.DRAMATIS_SCHEMA_DIALECT;
  if (chosen) return parseDialect(chosen);
  if (spec.provider !== 'openai-compatible') return spec.provider;
  const host = hostOf(options.baseURL);
  for (const [pattern, dialect] of HOST_DIALECTS) if (host && pattern.test(host)) return dialect;
  // Gemini behind a proxy (LiteLLM, a gateway) still takes Gemini's schema.
  if (/^(models\/)?gemini-/i.test(spec.modelId)) return 'gemini';
  return 'openai-compatible';
}

/** A dialect name, or a clear error listing the names. */
export function parseDialect(name: string): SchemaDialect {
  if ((SCHEMA_DIALECTS as readonly string[]).includes(name)) return name as SchemaDialect;
  throw new LlmError('llm/bad-spec', `unknown schema dialect "${name}" (DRAMATIS_SCHEMA_DIALECT); use one of ${SCHEMA_DIALECTS.join(', ')}`);
}

function hostOf(baseURL: string | undefined): string | undefined {
  if (!baseURL) return undefined;
  try {
    return new URL(baseURL).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
