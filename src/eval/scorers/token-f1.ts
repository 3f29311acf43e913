import { f1 } from './rouge.ts';

/**
 * Answer tokens as SQuAD's `normalize_answer` makes them, Unicode-aware: lower-cased, punctuation and symbols
 * removed (`don't` → `dont`), the articles a, an, the dropped, split on whitespace. No stemming.
 */
export function answerTokens(text: string): string[] {
  return text.toLowerCase().replace(/[\p{P}\p{S}]/gu, '').replace(/\b(a|an|the)\b/g, ' ').split(/\s+/).filter(Boolean);
}

/** Token-level F1 (SQuAD): bag-of-words overlap between candidate and reference tokens. */
export function tokenF1(candidate: readonly string[], reference: readonly string[]): number {
  const remaining = new Map<string, number>();
  for (const token of reference) remaining.set(token, (remaining.get(token) ?? 0) + 1);
  let matches = 0;
  for (const token of candidate) {
    const left = remaining.get(token) ?? 0;
    if (left > 0) {
      matches++;
      remaining.set(token, left - 1);
    }
  }
  return f1(matches, candidate.length, reference.length);
}
