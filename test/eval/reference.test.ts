import { describe, expect, it } from 'vitest';
import type { BenchItem } from '../../src/eval/item.ts';
import { bleuTokens, sentenceBleu } from '../../src/eval/scorers/bleu.ts';
import { stemmer } from 'stemmer';
import { createReferenceScorer } from '../../src/eval/scorers/reference.ts';
import { detectRefusal } from '../../src/eval/scorers/refusal.ts';
import { rougeL, rougeN, rougeTokens } from '../../src/eval/scorers/rouge.ts';
import { answerTokens, tokenF1 } from '../../src/eval/scorers/token-f1.ts';

describe('the Porter stemmer ROUGE uses', () => {
  it.each([
    ['caresses', 'caress'], ['ponies', 'poni'], ['cats', 'cat'], ['feed', 'feed'], ['agreed', 'agre'], ['plastered', 'plaster'],
    ['motoring', 'motor'], ['sing', 'sing'], ['hopping', 'hop'], ['falling', 'fall'], ['filing', 'file'], ['happy', 'happi'],
    ['sky', 'sky'], ['relational', 'relat'], ['conditional', 'condit'], ['rational', 'ration'], ['vietnamization', 'vietnam'],
    ['hopefulness', 'hope'], ['sensibiliti', 'sensibl'], ['electrical', 'electr'], ['adjustment', 'adjust'], ['adoption', 'adopt'],
    ['cease', 'ceas'], ['controll', 'control'], ['generalizations', 'gener'], ['oscillators', 'oscil'],
  ])('stems %s to %s (Porter 1980)', (word, stem) => {
    expect(stemmer(word)).toBe(stem);
  });
});

describe('text overlap', () => {
  const candidate = 'The barrier was finished in 1982, mate.';
  const reference = '(taps the wheel) The barrier was finished in 1982, mate, and it has kept the tide off London ever since.';

  it('tokenises as rouge_score does: lower case, non-alphanumerics split, long words stemmed', () => {
    expect(rougeTokens(candidate)).toEqual(['the', 'barrier', 'was', 'finish', 'in', '1982', 'mate']);
    expect(rougeTokens(candidate, false)).toContain('finished');
    expect(rougeTokens('Ça va? 你好')).toEqual(['a', 'va']);
  });

  it('computes ROUGE-1, ROUGE-2 and ROUGE-L F1 by hand', () => {
    const ours = rougeTokens(candidate);
    const theirs = rougeTokens(reference);
    expect(theirs).toHaveLength(20);
    // All 7 candidate tokens match, in order: P 7/7, R 7/20, F = 0.7 / 1.35.
    expect(rougeL(ours, theirs)).toBeCloseTo(0.7 / 1.35, 12);
    expect(rougeN(ours, theirs, 1)).toBeCloseTo(0.7 / 1.35, 12);
    // 6 of 6 candidate bigrams among 19: F = (12/19) / (25/19) = 12/25.
    expect(rougeN(ours, theirs, 2)).toBeCloseTo(12 / 25, 12);
    expect(rougeL([], theirs)).toBe(0);
  });

  it('computes SQuAD token F1: articles and punctuation dropped, no stemming', () => {
    expect(answerTokens(candidate)).toEqual(['barrier', 'was', 'finished', 'in', '1982', 'mate']);
    expect(answerTokens("Don't stop, the end!")).toEqual(['dont', 'stop', 'end']);
    // 6 common of 6 and 17: F = (12/17) / (23/17) = 12/23.
    expect(tokenF1(answerTokens(candidate), answerTokens(reference))).toBeCloseTo(12 / 23, 12);
  });

  it('computes sentence BLEU on 13a tokens by hand', () => {
    expect(bleuTokens(candidate)).toEqual(['The', 'barrier', 'was', 'finished', 'in', '1982', ',', 'mate', '.']);
    expect(bleuTokens('Pay $3.50 (cash) for 1-2 items.')).toEqual(['Pay', '$', '3.50', '(', 'cash', ')', 'for', '1', '-', '2', 'items', '.']);
    expect(bleuTokens(reference)).toHaveLength(25);
    // Precisions 9/9, 7/8, 6/7, 5/6 (geometric mean (5/8)^¼); brevity exp(1 − 25/9).
    expect(sentenceBleu(bleuTokens(candidate), bleuTokens(reference))).toBeCloseTo((5 / 8) ** 0.25 * Math.exp(1 - 25 / 9), 12);
    expect(sentenceBleu(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(0);
    expect(sentenceBleu(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'])).toBe(1);
  });
});

describe('detectRefusal', () => {
  it.each([
    "Oh, I'm afraid that is beyond my knowledge, friend.",
    'I don’t know much about cells, I’m afraid.',
    'The passage does not mention the designer, mate.',
    'Sorry, mate, I must decline to talk about flood defences.',
    "I can't answer that from what's written here.",
    'There is no answer to that in the text.',
    "That's not my area, I'm a baker.",
  ])('reads %j as declining', (reply) => {
    expect(detectRefusal(reply).refused).toBe(true);
  });

  it.each([
    "I can't wait to tell you about the barrier!",
    'The barrier was finished in 1982, mate.',
    "I'm not sure, but I think it was 1982.",
    'They carry their own small circular genome.',
  ])('reads %j as answering', (reply) => {
    expect(detectRefusal(reply).refused).toBe(false);
  });
});

describe('reference scorer', () => {
  const scorer = createReferenceScorer();
  const item = (reference: string, expected?: string): BenchItem => ({
    id: 'r1', record: 1, vars: {}, reference, categories: {}, ...(expected ? { meta: { expected } } : {}),
  });

  it('scores overlap with the reference and whether the reply answers or declines as expected', async () => {
    const refuse = item("I'm afraid that is beyond my knowledge, friend.", 'refuse');
    const declined = await scorer.score({ item: refuse, answer: 'That is beyond my knowledge, friend.' });
    expect(declined.values).toMatchObject({ behaviour_accuracy: 1, refusal_rate: 1 });
    expect(declined.extraction).toBe('declines ("beyond my knowledge"); the task expects: refuse');
    const answered = await scorer.score({ item: refuse, answer: 'Mitochondria produce ATP.' });
    expect(answered.values).toMatchObject({ behaviour_accuracy: 0, refusal_rate: 0, rougeL: 0, token_f1: 0, bleu: 0 });
    const plain = await scorer.score({ item: item('Mitochondria produce ATP.'), answer: 'Mitochondria produce ATP.' });
    expect(plain.values).toMatchObject({ rougeL: 1, rouge1: 1, rouge2: 1, token_f1: 1, behaviour_accuracy: null, refusal_rate: 0 });
    expect(plain.values.bleu).toBe(1);
    expect(plain.invalid).toBeUndefined();
  });

  it('leaves overlap metrics out for an empty reference, and stems only when asked', async () => {
    expect((await scorer.score({ item: item(' '), answer: 'Anything.' })).values).toMatchObject({ rougeL: null, token_f1: null, bleu: null });
    const unstemmed = createReferenceScorer({ name: 'reference', stem: false });
    expect((await unstemmed.score({ item: item('ponies'), answer: 'pony' })).values.rougeL).toBe(0);
    expect((await scorer.score({ item: item('ponies'), answer: 'pony' })).values.rougeL).toBe(1);
  });

  it('refuses bad options and items without a reference', async () => {
    expect(() => createReferenceScorer({ name: 'reference', stem: 'yes' })).toThrow(/scorer reference: stem/);
    expect(() => createReferenceScorer({ name: 'reference', judge: true })).toThrow(/scorer reference/);
    await expect(async () => scorer.score({ item: { id: 'x', record: 1, vars: {}, categories: {} }, answer: 'a' })).rejects.toThrow(/no reference answer/);
  });
});
