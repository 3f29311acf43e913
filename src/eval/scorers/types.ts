import type { BenchItem } from '../item.ts';
import type { Judge } from '../judges/types.ts';

/** What a scorer sees of one attempt at one item. */
export interface ScoreInput {
  item: BenchItem;
  /** The model's reply text. */
  answer: string;
  /**
   * The order the options were shown in: `order[i]` is the released index of the i-th option shown
   * (identity when options were not permuted). Absent when the item has no options.
   */
  order?: number[];
  /** The judge model, when the benchmark names one. */
  judge?: Judge;
  /** Embeds texts (one unit-length vector each), when the benchmark names an embedding model. */
  embed?: (texts: string[], signal?: AbortSignal) => Promise<number[][]>;
  signal?: AbortSignal;
  /** Seed of this attempt (judges sample with it). */
  seed?: number;
}

/** One attempt's scores. */
export interface ItemScore {
  /**
   * Per-item metric values. `null` means not applicable to this item (an invalid answer has no accuracy,
   * an abstention no conditional accuracy); an aggregate skips nulls.
   */
  values: Record<string, number | null>;
  /** The answer could not be read: counted and shown apart, never as right or wrong. */
  invalid?: boolean;
  /** What was read from the answer, for the drill-down (`B, by "the answer is B"`). */
  extraction?: string;
  /** The judge's structured verdict(s) and critique, for the drill-down. */
  verdict?: unknown;
  /** The judge's replies were malformed even after a repair: the judged metrics are null. */
  unjudged?: boolean;
}

/** A metric a scorer reports, and how it aggregates over items. */
export interface MetricDefinition {
  name: string;
  /** One line for reports. */
  description: string;
  higherIsBetter: boolean;
  /** Value range for charts (default [0, 1]). */
  range?: [number, number];
  /** Judged dimensions are drawn on the radar chart. */
  judged?: boolean;
  /**
   * From the scores of a set of items to one number (bootstrap resamples call it too).
   * Default: the mean of the non-null values of `name`.
   */
  aggregate?: (scores: readonly ItemScore[]) => number | null;
}

/** Turns a model's answer to an item into metric values. */
export interface Scorer {
  name: string;
  /** The scorer asks a judge model: a run without one is refused before any model call. */
  requiresJudge?: boolean;
  /** The scorer embeds texts: a run without an embedding model is refused before any model call. */
  requiresEmbedding?: boolean;
  metrics: MetricDefinition[];
  score(input: ScoreInput): ItemScore | Promise<ItemScore>;
}
