import type { ModelUsage } from '../store/index.ts';

/** US dollars per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/**
 * List prices of some hosted models (USD per 1M tokens, as published by the providers in 2025).
 * Prices change: override or extend them with DRAMATIS_PRICES='{"openai:gpt-4o-mini":{"input":0.15,"output":0.6}}'.
 */
export const KNOWN_PRICES: Readonly<Record<string, Price>> = {
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai:gpt-4o': { input: 2.5, output: 10 },
  'openai:gpt-4.1': { input: 2, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'anthropic:claude-sonnet-4-5': { input: 3, output: 15 },
  'anthropic:claude-haiku-4-5': { input: 1, output: 5 },
  'anthropic:claude-opus-4-1': { input: 15, output: 75 },
};

/** The price table: the known prices, then DRAMATIS_PRICES (JSON) on top; local models cost nothing. */
export function priceTable(env: Readonly<Record<string, string | undefined>>): Record<string, Price> {
  const table: Record<string, Price> = { ...KNOWN_PRICES };
  if (env.DRAMATIS_PRICES) {
    let extra: unknown;
    try {
      extra = JSON.parse(env.DRAMATIS_PRICES);
    } catch (error) {
      throw new Error(`DRAMATIS_PRICES is not valid JSON (${(error as Error).message}); expected {"provider:model": {"input": USD per 1M, "output": USD per 1M}}`);
    }
    for (const [model, price] of Object.entries(extra as Record<string, Partial<Price>>)) {
      if (typeof price?.input !== 'number' || typeof price?.output !== 'number') {
        throw new Error(`DRAMATIS_PRICES["${model}"] needs numeric "input" and "output" (USD per 1M tokens)`);
      }
      table[model] = { input: price.input, output: price.output };
    }
  }
  return table;
}

export interface CostSummary {
  /** Total in USD over the models with a known price. */
  usd: number;
  /** Models whose price is unknown (their tokens are not in `usd`). */
  unpriced: string[];
}

/** The cost of some usage; Ollama models are free, unknown models are listed as unpriced. */
export function costOf(usage: readonly ModelUsage[], table: Readonly<Record<string, Price>>): CostSummary {
  let usd = 0;
  const unpriced: string[] = [];
  for (const row of usage) {
    if (row.inputTokens + row.outputTokens === 0) continue;
    const price = table[row.model];
    if (price) usd += (row.inputTokens * price.input + row.outputTokens * price.output) / 1e6;
    else if (!row.model.startsWith('ollama:')) unpriced.push(row.model);
  }
  return { usd, unpriced };
}
