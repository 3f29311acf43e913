import { z } from 'zod';
import { EvalError } from '../errors.ts';
import { bleuTokens, sentenceBleu } from './bleu.ts';
import { detectRefusal } from './refusal.ts';
import { rougeL, rougeN, rougeTokens } from './rouge.ts';
import { answerTokens, tokenF1 } from './token-f1.ts';
import type { ItemScore, Scorer, ScoreInput } from './types.ts';

const ReferenceOptions = z.object({
  name: z.string(),
  /** Porter-stem ROUGE tokens, as RoleMRC's evaluation does (`use_stemmer=True`). */
  stem: z.boolean().default(true),
}).strict();

/**
 * Open answers against a reference answer, rule-based (RoleMRC's `evaluation.py` metrics that need no model): ROUGE-1,
 * ROUGE-2 and ROUGE-L F1 on rouge_score tokens, SQuAD token F1, BLEU; and, where the item says whether its reference
 * answers or declines (`meta.expected`), whether the reply does the same, read from refusal phrases.
 * Options: `{ name: reference, stem: false }` turns stemming off.
 */
export function createReferenceScorer(options: Record<string, unknown> = { name: 'reference' }): Scorer {
  const parsed = ReferenceOptions.safeParse({ name: 'reference', ...options });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new EvalError('eval/bad-definition', `scorer reference: ${problems} (it takes stem: true or false, default true)`);
  }
  const { stem } = parsed.data;
  return {
    name: 'reference',
    metrics: [
      { name: 'rougeL', description: `ROUGE-L F1 against the reference (rouge_score tokens${stem ? ', Porter-stemmed' : ''})`, higherIsBetter: true },
      { name: 'rouge1', description: 'ROUGE-1 F1 against the reference (unigram overlap)', higherIsBetter: true },
      { name: 'rouge2', description: 'ROUGE-2 F1 against the reference (bigram overlap)', higherIsBetter: true },
      { name: 'token_f1', description: 'token-level F1 against the reference (SQuAD normalisation: lower case, no punctuation or articles)', higherIsBetter: true },
      { name: 'bleu', description: 'sentence BLEU-4 against the reference (13a tokens, no smoothing)', higherIsBetter: true },
      { name: 'behaviour_accuracy', description: 'share of replies that answer or decline as the task expects (refusal phrases)', higherIsBetter: true },
      { name: 'refusal_rate', description: 'share of replies that decline (refuse, or say the text has no answer); compare by the expected breakdown', higherIsBetter: false },
    ],
    score: (input) => scoreReference(input, stem),
  };
}

function scoreReference(input: ScoreInput, stem: boolean): ItemScore {
  const { item, answer } = input;
  if (item.reference === undefined) {
    throw new EvalError('eval/bad-definition', `item ${item.id} has no reference answer: the reference scorer needs open-ended data with references`);
  }
  const refusal = detectRefusal(answer);
  const expected = item.meta?.expected;
  const behaviour = expected === 'answer' || expected === 'refuse' ? Number(refusal.refused === (expected === 'refuse')) : null;
  const reference = rougeTokens(item.reference, stem);
  const candidate = rougeTokens(answer, stem);
  const empty = item.reference.trim() === '';
  return {
    values: {
      rougeL: empty ? null : rougeL(candidate, reference),
      rouge1: empty ? null : rougeN(candidate, reference, 1),
      rouge2: empty ? null : rougeN(candidate, reference, 2),
      token_f1: empty ? null : tokenF1(answerTokens(answer), answerTokens(item.reference)),
      bleu: empty ? null : sentenceBleu(bleuTokens(answer), bleuTokens(item.reference)),
      behaviour_accuracy: behaviour,
      refusal_rate: Number(refusal.refused),
    },
    extraction: `${refusal.refused ? `declines ("${refusal.cue}")` : 'answers'}${typeof expected === 'string' ? `; the task expects: ${expected}` : ''}`,
  };
}
