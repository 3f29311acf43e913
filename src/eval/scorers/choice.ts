import { z } from 'zod';
import { EvalError } from '../errors.ts';
import { optionLetter } from '../template.ts';
import { extractChoice } from './extract-choice.ts';
import type { ItemScore, Scorer, ScoreInput } from './types.ts';

const ChoiceOptions = z.object({ name: z.string() }).strict();

/**
 * Multiple choice: reads the chosen option (`extractChoice`) and maps it back through the shown order.
 * `accuracy` is over readable answers; `strict_accuracy` counts an unreadable one as wrong; `invalid_rate` says how many.
 */
export function createChoiceScorer(options: Record<string, unknown> = { name: 'choice' }): Scorer {
  const parsed = ChoiceOptions.safeParse({ name: 'choice', ...options });
  if (!parsed.success) throw new EvalError('eval/bad-definition', `scorer choice takes no options (${parsed.error.issues.map((i) => i.message).join('; ')})`);
  return {
    name: 'choice',
    metrics: [
      { name: 'accuracy', description: 'share of readable answers that chose the right option', higherIsBetter: true },
      { name: 'strict_accuracy', description: 'share of all answers that chose the right option (unreadable ones count as wrong)', higherIsBetter: true },
      { name: 'invalid_rate', description: 'share of answers from which no option could be read', higherIsBetter: false },
    ],
    score: scoreChoice,
  };
}

function scoreChoice(input: ScoreInput): ItemScore {
  const { item } = input;
  if (!item.options?.length || item.answer === undefined) {
    throw new EvalError('eval/bad-definition', `item ${item.id} has no options or no answer: the choice scorer needs multiple-choice data`);
  }
  const order = input.order ?? item.options.map((_, i) => i);
  const shown = order.map((i) => item.options![i]);
  const extraction = extractChoice(input.answer, shown);
  if (!extraction.ok) {
    return { values: { accuracy: null, strict_accuracy: 0, invalid_rate: 1 }, invalid: true, extraction: `unreadable: ${extraction.reason}` };
  }
  const chosen = order[extraction.index];
  const correct = chosen === item.answer ? 1 : 0;
  return {
    values: { accuracy: correct, strict_accuracy: correct, invalid_rate: 0, position: extraction.index },
    extraction: `${optionLetter(extraction.index)} (released option ${chosen + 1}), read from ${extraction.how}`,
  };
}
