import { createRequire } from 'node:module';

/** Counts tokens of a text; the engine's estimate for budgets when the model's own tokenizer is unknown. */
export type TokenCounter = (text: string) => number;

/**
 * Tokens a chat template adds around each message (role markers, separators): about 4 for OpenAI's models, 5 to 8
 * for ChatML. Budgets charge it for every message, so many short ones cannot overflow; a local model's own counter
 * adds what its template takes beyond it.
 */
export const MESSAGE_FRAMING_TOKENS = 8;

type Tokenizer = { countTokens: (text: string) => number };
let tokenizer: Tokenizer | undefined;

/**
 * o200k_base token count (GPT-4o family), a close-enough estimate for most current chat models. The tokenizer and
 * its ranks (~180 ms to load) are loaded on the first count, so commands that count nothing do not pay for them.
 */
export const countTokens: TokenCounter = (text) => {
  if (text.length === 0) return 0;
  tokenizer ??= createRequire(import.meta.url)('gpt-tokenizer') as Tokenizer;
  return tokenizer.countTokens(text);
};

/**
 * A counter that remembers the counts of long texts (character sheets, card descriptions) so that many episodes
 * of one scene count them once. Bounded: it forgets everything when it holds `limit` texts.
 */
export function memoizedCounter(count: TokenCounter = countTokens, options: { minLength?: number; limit?: number } = {}): TokenCounter {
  const minLength = options.minLength ?? 256;
  const limit = options.limit ?? 2048;
  const memo = new Map<string, number>();
  return (text) => {
    if (text.length < minLength) return count(text);
    const hit = memo.get(text);
    if (hit !== undefined) return hit;
    const n = count(text);
    if (memo.size >= limit) memo.clear();
    memo.set(text, n);
    return n;
  };
}
