import type { BenchmarkDefinition, ScorerReference } from '../definition.ts';
import { EvalError } from '../errors.ts';
import { createAgreementScorer, createFurinaScorer, createPairwiseScorer, createRubricScorer } from '../judges/index.ts';
import { createAbstentionScorer } from './abstention.ts';
import { createChoiceScorer } from './choice.ts';
import { createDistributionScorer } from './distribution.ts';
import { createReferenceScorer } from './reference.ts';
import { createMoralFidelityScorer } from './moral-fidelity.ts';
import { createThinkActScorer } from './think-act.ts';
import type { Scorer } from './types.ts';

import { withEmptyAnswersInvalid } from './invalid-answer.ts';

export type { Scorer, ScoreInput, ItemScore, MetricDefinition, ItemValueDefinition } from './types.ts';
export { invalidScore, invalidValues } from './invalid-answer.ts';
export { extractChoice, type ChoiceExtraction } from './extract-choice.ts';

type ScorerFactory = (options: Record<string, unknown>) => Scorer;

/** Every scorer Dramatis ships, by the name benchmark definitions use. */
export const SCORERS: Readonly<Record<string, ScorerFactory>> = {
  choice: createChoiceScorer,
  distribution: createDistributionScorer,
  reference: createReferenceScorer,
  rubric: createRubricScorer,
  pairwise: createPairwiseScorer,
  furina: createFurinaScorer,
  agreement: createAgreementScorer,
  'think-act': createThinkActScorer,
  abstention: createAbstentionScorer,
  'moral-fidelity': createMoralFidelityScorer,
};

/** How averaging scorers (with an `average` option) average their metrics: per character first, or over items. */
export type ScorerAverage = 'character' | 'item';

/** The scorers that take an `average` option. */
const AVERAGING_SCORERS: ReadonlySet<string> = new Set(['abstention']);

/**
 * The definition with `average` set on each of its scorers that takes one (`bench run --average`); a benchmark
 * without such a scorer is refused, since the choice would change nothing.
 * @example withAverage(conceptIncongruence, 'item') // scorers: [{ name: 'abstention', boundary: 'phase', average: 'item' }]
 */
export function withAverage(definition: BenchmarkDefinition, average: ScorerAverage): BenchmarkDefinition {
  let applies = false;
  const scorers = definition.scorers.map((reference) => {
    const options = typeof reference === 'string' ? { name: reference } : reference;
    if (!AVERAGING_SCORERS.has(options.name)) return reference;
    applies = true;
    return { ...options, average };
  });
  if (!applies) {
    throw new EvalError('eval/bad-definition', `benchmark ${definition.name} has no scorer that averages per character (${[...AVERAGING_SCORERS].join(', ')} does, as in concept-incongruence): leave out --average`);
  }
  return { ...definition, scorers };
}

/** Builds the scorer a definition names (with its options), or fails listing the known names; an empty answer is invalid for each. */
export function createScorer(reference: ScorerReference): Scorer {
  const options = typeof reference === 'string' ? { name: reference } : reference;
  const factory = Object.hasOwn(SCORERS, options.name) ? SCORERS[options.name] : undefined;
  if (!factory) throw new EvalError('eval/unknown-scorer', `no scorer named '${options.name}'; known scorers: ${Object.keys(SCORERS).join(', ')}`);
  return withEmptyAnswersInvalid(factory(options));
}
