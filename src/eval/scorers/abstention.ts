import { z } from 'zod';
import { EvalError } from '../errors.ts';
import type { BenchItem } from '../item.ts';
import { parseScorerOptions } from '../judges/judged-scorer.ts';
import { abstentionCues, firstCue, offersAnswer, type AbstentionCue } from './abstention-phrases.ts';
import { invalidScore } from './invalid-answer.ts';
import type { ItemScore, MetricDefinition, Scorer, ScoreInput } from './types.ts';
import { mentionsPresident, presidentsMentioned, usPresident } from './us-presidents.ts';

const AbstentionOptions = z.object({
  name: z.string(),
  /** The category saying which side of the boundary an item is on (`before` or `after`, e.g. the character's death). */
  boundary: z.string().min(1).default('phase'),
  /**
   * How the metrics average: `character` (default), per character first and then across characters, as the authors'
   * statistics do (`calculate_stats` in `src/plot_prep/stat_plot.py`); `item`, over all items at once.
   */
  average: z.enum(['character', 'item']).default('character'),
}).strict();

/** The values of the abstention scorer's `average` option (and of `bench run --average`). */
export const ABSTENTION_AVERAGES = ['character', 'item'] as const;
export type AbstentionAverage = (typeof ABSTENTION_AVERAGES)[number];

/** How one answer was read. */
export interface AbstentionReading {
  /** An answer was given: a president named (or, for other items, the reference found or no abstention phrase). */
  answered: boolean;
  /** The answer abstains: nothing answered, or an answer credited past the boundary or to a third party. */
  abstained: boolean;
  /** The answer contains the correct answer (the paper's judge asks only this, even of abstentions). */
  correct: boolean;
  extraction: string;
}

/**
 * Reads an answer the way Bai et al. (2025) label it (`COMBINE_PROMPT` in `src/prompt_template.py`): without a
 * president's name it abstains (ABSTAIN_and_NO_ANSWER); with one it answers, and still abstains when it says the
 * question is past its time or credits a named source (ABSTAIN_and_ANSWER); "I don't know, but I think it is X"
 * and "I've heard that it is X" are answers (NO_ABSTAIN_and_ANSWER). Given the death year, an answer that declines
 * ("I don't know", "after my time") and names only presidents who took office by then, none of them the one asked
 * and none put forward as the answer ("it is", "I think"), does not answer: "I don't know. But I know Abraham
 * Lincoln and Theodore Roosevelt." is the prompt's own ABSTAIN_and_NO_ANSWER example. Correct: the right president
 * is named.
 */
export function readPresidentAnswer(answer: string, ordinal: number, deathYear?: number): AbstentionReading {
  const named = presidentsMentioned(answer);
  const cues = abstentionCues(answer);
  const decisive = firstCue(cues, 'boundary', 'third-party');
  const correct = mentionsPresident(answer, ordinal);
  const names = named.map((n) => `${usPresident(n)!.name} (${n})`).join(', ');
  const declines = firstCue(cues, 'unknown', 'boundary');
  const asides = named.length > 0 && deathYear !== undefined && declines !== undefined && !correct
    && named.every((n) => usPresident(n)!.start <= deathYear) && !offersAnswer(answer);
  if (asides) {
    return {
      answered: false,
      abstained: true,
      correct,
      extraction: `named ${names}, in office by the death (${deathYear}) and not put forward as the answer: no answer, abstains (${describe(declines)})`,
    };
  }
  const answered = named.length > 0;
  return {
    answered,
    abstained: !answered || decisive !== undefined,
    correct,
    extraction: answered
      ? `named ${names}; ${decisive ? `abstains: ${describe(decisive)}` : 'answers'}${hedge(cues, decisive)}; ${correct ? 'correct' : 'wrong'}`
      : `no president named: abstains${cues.length ? ` (${describe(cues[0])})` : ''}`,
  };
}

/**
 * The same rules for items with a plain reference answer: the reference found in the answer (as a whole word) is
 * a correct answer; without it, an answer with no abstention phrase is a (wrong) answer, one with a phrase abstains.
 */
export function readReferenceAnswer(answer: string, reference: string): AbstentionReading {
  const cues = abstentionCues(answer);
  const decisive = firstCue(cues, 'boundary', 'third-party');
  const found = containsWords(answer, reference);
  const answered = found || cues.length === 0;
  return {
    answered,
    abstained: !answered || decisive !== undefined,
    correct: found,
    extraction: answered
      ? `${found ? `found "${reference}"` : 'an answer without the reference'}; ${decisive ? `abstains: ${describe(decisive)}` : 'answers'}${hedge(cues, decisive)}`
      : `abstains (${describe(cues[0])})`,
  };
}

function describe(cue: AbstentionCue): string {
  return `${cue.kind} "${cue.phrase}"`;
}

/** A hedge that did not decide anything is still worth showing. */
function hedge(cues: readonly AbstentionCue[], decisive: AbstentionCue | undefined): string {
  const unknown = firstCue(cues, 'unknown');
  return unknown && !decisive ? ` (hedge "${unknown.phrase}" ignored: an answer follows)` : '';
}

function containsWords(text: string, words: string): boolean {
  const escaped = words.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return escaped !== '' && new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

const METRICS: MetricDefinition[] = [
  { name: 'abstention_rate', description: 'share of answers that abstain (no answer given, or one credited past the boundary or to a third party)', higherIsBetter: false },
  { name: 'answer_rate', description: 'share of answers that give an answer (a president named), abstaining or not', higherIsBetter: true },
  { name: 'conditional_accuracy', description: 'share of non-abstaining answers that are correct', higherIsBetter: true },
  { name: 'accuracy', description: 'share of all answers containing the correct answer (abstentions included, as the paper counts)', higherIsBetter: true },
  { name: 'abstention_after', description: 'abstention rate on questions past the boundary (after the character\'s death): should be 1', higherIsBetter: true },
  { name: 'abstention_before', description: 'abstention rate on questions before the boundary: should be 0', higherIsBetter: false },
  { name: 'answer_after', description: 'answer rate on questions past the boundary: should be 0', higherIsBetter: false },
  { name: 'answer_before', description: 'answer rate on questions before the boundary: should be 1', higherIsBetter: true },
  { name: 'conditional_accuracy_before', description: 'conditional accuracy on questions before the boundary', higherIsBetter: true },
  { name: 'conditional_accuracy_after', description: 'conditional accuracy on questions past the boundary (answers the character should not know)', higherIsBetter: true },
  { name: 'accuracy_before', description: 'share of questions before the boundary answered correctly (the paper\'s overall accuracy before death)', higherIsBetter: true },
];

/**
 * Abstention metrics of Bai et al. (2025): abstention rate, answer rate and conditional accuracy (accuracy of the
 * answers that do not abstain), overall and split by a boundary category (`phase`: `before`/`after` the
 * character's death). By default each metric is averaged per character (the `character` category) and then across
 * characters, as the authors' statistics are: a character with a single question after its death weighs as much as
 * one with twenty, and a character with no answer that counts (all abstentions) is left out of conditional
 * accuracy. `average: 'item'` averages over items instead.
 * @example createAbstentionScorer({ name: 'abstention', boundary: 'phase', average: 'item' })
 */
export function createAbstentionScorer(options: Record<string, unknown> = { name: 'abstention' }): Scorer {
  const { boundary, average } = parseScorerOptions('abstention', AbstentionOptions, options);
  return {
    name: 'abstention',
    metrics: average === 'character' ? METRICS.map((metric) => ({ ...metric, averageBy: 'character' })) : METRICS,
    score: (input: ScoreInput) => scoreAbstention(input, boundary),
  };
}

function scoreAbstention(input: ScoreInput, boundary: string): ItemScore {
  const { item, answer } = input;
  if (answer.trim() === '') return invalidScore(METRICS, 'empty answer');
  const reading = readAnswer(item, answer);
  const abstained = reading.abstained ? 1 : 0;
  const answered = reading.answered ? 1 : 0;
  const correct = reading.correct ? 1 : 0;
  const conditional = reading.abstained ? null : correct;
  const side = item.categories[boundary];
  const before = side === 'before';
  const after = side === 'after';
  return {
    values: {
      abstention_rate: abstained,
      answer_rate: answered,
      conditional_accuracy: conditional,
      accuracy: correct,
      abstention_after: after ? abstained : null,
      abstention_before: before ? abstained : null,
      answer_after: after ? answered : null,
      answer_before: before ? answered : null,
      conditional_accuracy_before: before ? conditional : null,
      conditional_accuracy_after: after ? conditional : null,
      accuracy_before: before ? correct : null,
    },
    extraction: reading.extraction,
  };
}

function readAnswer(item: BenchItem, answer: string): AbstentionReading {
  const president = item.meta?.president;
  const deathYear = typeof item.meta?.deathYear === 'number' ? item.meta.deathYear : undefined;
  if (typeof president === 'number' && usPresident(president)) return readPresidentAnswer(answer, president, deathYear);
  if (item.reference !== undefined) return readReferenceAnswer(answer, item.reference);
  throw new EvalError(
    'eval/bad-definition',
    `item ${item.id} (record ${item.record}) has neither meta.president (20–46) nor a reference answer: the abstention scorer cannot tell a correct answer`,
  );
}
