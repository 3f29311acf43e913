import { z } from 'zod';
import { EvalError } from '../errors.ts';
import { optionLetter } from '../template.ts';
import { extractChoice } from './extract-choice.ts';
import { invalidScore } from './invalid-answer.ts';
import type { ItemScore, ItemValueDefinition, MetricDefinition, Scorer, ScoreInput } from './types.ts';

const ChoiceOptions = z.object({ name: z.string() }).strict();

const METRICS: MetricDefinition[] = [
  { name: 'accuracy', description: 'share of readable answers that chose the right option', higherIsBetter: true },
  { name: 'strict_accuracy', description: 'share of all answers that chose the right option (unreadable ones count as wrong)', higherIsBetter: true, whenInvalid: 0 },
  { name: 'invalid_rate', description: 'share of answers from which no option could be read', higherIsBetter: false, whenInvalid: 1 },
];

/** Which shown option the answer chose (0 for the first shown), for the position-bias chart. */
export const POSITION: ItemValueDefinition = { name: 'position', description: 'the position of the chosen option as shown (0 = first), for position bias' };

/**
 * Multiple choice: reads the chosen option (`extractChoice`) and maps it back through the shown order.
 * `accuracy` is over readable answers; `strict_accuracy` counts an unreadable one as wrong; `invalid_rate` says how many.
 */
export function createChoiceScorer(options: Record<string, unknown> = { name: 'choice' }): Scorer {
  const parsed = ChoiceOptions.safeParse({ name: 'choice', ...options });
  if (!parsed.success) throw new EvalError('eval/bad-definition', `scorer choice takes no options (${parsed.error.issues.map((i) => i.message).join('; ')})`);
  return {
    name: 'choice',
    metrics: METRICS,
    itemValues: [POSITION],
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
  if (!extraction.ok) return invalidScore(METRICS, `unreadable: ${extraction.reason}`);
  const chosen = order[extraction.index];
  const correct = chosen === item.answer ? 1 : 0;
  return {
    values: { accuracy: correct, strict_accuracy: correct, invalid_rate: 0, position: extraction.index },
    extraction: `${optionLetter(extraction.index)} (released option ${chosen + 1}), read from ${extraction.how}`,
  };
}
