import { ngramCounts } from './rouge.ts';

const MAX_ORDER = 4;

/**
 * Tokens as sacreBLEU's `13a` tokenizer makes them (the default of Hugging Face `evaluate`'s `bleu`, which RoleMRC's
 * `evaluation.py` loads): ASCII punctuation split off except `'` and `-`, a period or comma split off unless between
 * digits, a dash split off after a digit; case kept.
 */
export function bleuTokens(text: string): string[] {
  let line = text.replace(/<skipped>/g, '').replace(/-\n/g, '').replace(/\n/g, ' ');
  if (line.includes('&')) line = line.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  line = ` ${line} `
    .replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ')
    .replace(/([^0-9])([.,])/g, '$1 $2 ')
    .replace(/([.,])([^0-9])/g, ' $1 $2')
    .replace(/([0-9])(-)/g, '$1 $2 ');
  return line.split(/\s+/).filter(Boolean);
}

/**
 * BLEU of one candidate against one reference as `evaluate`'s `bleu` computes it for a single pair: the geometric
 * mean of clipped 1- to 4-gram precisions (0 if any is 0; no smoothing) times the brevity penalty.
 */
export function sentenceBleu(candidate: readonly string[], reference: readonly string[]): number {
  if (candidate.length === 0 || reference.length === 0) return 0;
  let logSum = 0;
  for (let n = 1; n <= MAX_ORDER; n++) {
    const possible = candidate.length - n + 1;
    if (possible <= 0) return 0;
    const ours = ngramCounts(candidate, n);
    const theirs = ngramCounts(reference, n);
    let matches = 0;
    for (const [gram, count] of ours) matches += Math.min(count, theirs.get(gram) ?? 0);
    if (matches === 0) return 0;
    logSum += Math.log(matches / possible);
  }
  const ratio = candidate.length / reference.length;
  const brevity = ratio > 1 ? 1 : Math.exp(1 - 1 / ratio);
  return Math.exp(logSum / MAX_ORDER) * brevity;
}
