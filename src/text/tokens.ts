import { countTokens as countO200k } from 'gpt-tokenizer';

/** Counts tokens of a text; the engine's estimate for budgets when the model's own tokenizer is unknown. */
export type TokenCounter = (text: string) => number;

/** o200k_base token count (GPT-4o family), a close-enough estimate for most current chat models. */
export const countTokens: TokenCounter = (text) => (text.length === 0 ? 0 : countO200k(text));
