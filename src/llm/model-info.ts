import { existsSync } from 'node:fs';
import { resolveContextBudget } from './context-budget.ts';
import { knownContextWindow } from './context-window.ts';
import { cachedPathOf, parseLocalModelId } from './local/catalog.ts';
import { localContextSize, localSettingsFrom } from './local/llama-host.ts';
import { formatModelSpec, parseModelSpec, type Env, type ModelSpec } from './model-spec.ts';
import { priceTable, type Price } from './prices.ts';
import { DIALECT_RULES, dialectFor, type SchemaDialect } from './structured-output/dialect.ts';

/** The constraint keywords the engine's schemas (turns, narrator, verdicts, scores) and benchmark files use. */
const ENGINE_KEYWORDS = new Set(['minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems']);

/** What the engine will do with a model: its schema dialect, how it asks for structure, its budget and price. */
export interface ModelInfo {
  spec: string;
  provider: ModelSpec['provider'];
  dialect: SchemaDialect;
  /** How structured calls are made: a JSON schema in the dialect (falling back to text if the server refuses). */
  structuredOutput: string;
  /** Constraint keywords this dialect cannot carry: stated in descriptions instead, and checked after parsing. */
  checkedAfterParsing: string[];
  /** Tokens of prompt and reply together, and where that number comes from. */
  contextWindow?: { tokens: number; source: string };
  /** USD per million tokens; local models cost nothing. */
  price?: Price;
}

/**
 * Describes a model without calling it: its structured-output dialect and mode, its context window (a local
 * model's from its GGUF header, if downloaded) and the price used for costs.
 * @example await describeModel('openai:gpt-4o-mini', { env: process.env })
 */
export async function describeModel(spec: string, options: { env: Env; baseURL?: string; cwd?: string }): Promise<ModelInfo> {
  const parsed = parseModelSpec(spec);
  const name = formatModelSpec(parsed);
  const baseURL = options.baseURL ?? (parsed.provider === 'openai-compatible' ? options.env.DRAMATIS_BASE_URL : undefined);
  const dialect = dialectFor(parsed, { baseURL, env: options.env });
  const rules = DIALECT_RULES[dialect];
  const checked = [
    ...[...rules.refused].filter((keyword) => ENGINE_KEYWORDS.has(keyword)),
    ...(rules.maxMinItems !== undefined ? [`minItems above ${rules.maxMinItems}`] : []),
    ...(rules.noAdditionalProperties ? ['additionalProperties'] : []),
  ];
  const structuredOutput = dialect === 'local'
    ? 'JSON schema as a grammar (llama.cpp): every reply is schema-valid'
    : `JSON schema in the ${dialect} dialect${rules.allRequired ? ' (strict: all properties required, objects closed)' : ''}; text formats if the server refuses schemas, remembered per model`;
  const price = parsed.provider === 'local' ? { input: 0, output: 0 } : priceTable(options.env)[name];
  return {
    spec: name, provider: parsed.provider, dialect, structuredOutput,
    checkedAfterParsing: checked,
    ...(await contextWindowOf(parsed, options)),
    ...(price ? { price } : {}),
  };
}

async function contextWindowOf(spec: ModelSpec, options: { env: Env; cwd?: string }): Promise<Pick<ModelInfo, 'contextWindow'>> {
  if (spec.provider !== 'local') {
    const tokens = knownContextWindow(spec);
    return tokens === undefined ? {} : { contextWindow: { tokens, source: spec.provider === 'ollama' ? "Ollama's default context" : 'known window of this model' } };
  }
  // Only a file that is here: describing a model never downloads it.
  const source = parseLocalModelId(spec.modelId, options.cwd);
  const present = source.kind === 'file' ? existsSync(source.path) : existsSync(cachedPathOf(source.file, options.env));
  if (!present) {
    if (source.kind !== 'hub' || !source.catalog) return {};
    return { contextWindow: { tokens: localContextSize(source.catalog.contextLength, localSettingsFrom(options.env)), source: 'the catalog (not downloaded yet)' } };
  }
  const budget = await resolveContextBudget(spec, { env: options.env, cwd: options.cwd });
  return { contextWindow: { tokens: budget.contextTokens, source: options.env.DRAMATIS_LOCAL_CONTEXT ? 'DRAMATIS_LOCAL_CONTEXT, at most the trained context' : 'min(8192, the trained context in its GGUF header)' } };
}
