import { stemmer } from 'stemmer';

/**
 * ROUGE's tokens as rouge_score makes them (the scorer RoleMRC's `evaluation.py` uses, with `use_stemmer=True`):
 * lower-cased, every run of characters other than a–z and 0–9 a separator, words longer than 3 letters stemmed.
 * Non-Latin text yields no tokens, as there.
 */
export function rougeTokens(text: string, stem = true): string[] {
  const tokens = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
  return stem ? tokens.map((token) => (token.length > 3 ? stemmer(token) : token)) : tokens;
}

/** ROUGE-N F1: clipped n-gram overlap; 0 when either side has no n-grams. */
export function rougeN(candidate: readonly string[], reference: readonly string[], n: number): number {
  const ours = ngramCounts(candidate, n);
  const theirs = ngramCounts(reference, n);
  let overlap = 0;
  for (const [gram, count] of ours) overlap += Math.min(count, theirs.get(gram) ?? 0);
  return f1(overlap, Math.max(candidate.length - n + 1, 0), Math.max(reference.length - n + 1, 0));
}

/** ROUGE-L F1: longest common subsequence of the token lists over each list's length. */
export function rougeL(candidate: readonly string[], reference: readonly string[]): number {
  return f1(lcsLength(candidate, reference), candidate.length, reference.length);
}

/** n-gram counts (grams joined by a space, which no token contains). */
export function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    previous = current;
  }
  return previous[b.length];
}

/** F1 of a match count over candidate and reference sizes; 0 when nothing matches. */
export function f1(matches: number, candidateSize: number, referenceSize: number): number {
  if (matches === 0 || candidateSize === 0 || referenceSize === 0) return 0;
  const precision = matches / candidateSize;
  const recall = matches / referenceSize;
  return (2 * precision * recall) / (precision + recall);
}
