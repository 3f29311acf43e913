import type { ItemScore, MetricDefinition, Scorer } from './types.ts';

/** The values of an answer that could not be read: each metric's `whenInvalid`, else null (never right or wrong). */
export function invalidValues(metrics: readonly MetricDefinition[]): Record<string, number | null> {
  return Object.fromEntries(metrics.filter((metric) => !metric.aggregate).map((metric) => [metric.name, metric.whenInvalid ?? null]));
}

/** The score of an answer that could not be read, and why. */
export function invalidScore(metrics: readonly MetricDefinition[], extraction: string): ItemScore {
  return { values: invalidValues(metrics), invalid: true, extraction };
}

/**
 * The scorer with an empty answer (nothing but white space) counted as invalid before it scores: there is nothing to
 * read, to compare with a reference or to put before a judge, whatever the scorer.
 */
export function withEmptyAnswersInvalid(scorer: Scorer): Scorer {
  return {
    ...scorer,
    score: (input) => (input.answer.trim() === '' ? invalidScore(scorer.metrics, 'empty answer') : scorer.score(input)),
  };
}
