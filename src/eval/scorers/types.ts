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
   * The value an invalid answer gets when this metric counts such answers (`invalid_rate` 1, `strict_accuracy` 0);
   * without it, null: an answer that could not be read is never right or wrong.
   */
  whenInvalid?: number;
  /**
   * From the scores of a set of items to one number (bootstrap resamples call it too).
   * Default: the mean of the non-null values of `name`.
   */
  aggregate?: (scores: readonly ItemScore[]) => number | null;
  /**
   * A category (`character`): the metric is averaged per group of it first, then across the groups, each group
   * weighing the same (a macro-average; the bootstrap resamples groups). Default: the mean over items.
   */
  averageBy?: string;
}

/** A per-item value that is not a metric: kept with the item and shown in drill-downs, never summarised. */
export interface ItemValueDefinition {
  name: string;
  description: string;
}

/**
 * Turns a model's answer to an item into metric values: each score holds a value (a number, or null where it does not
 * apply) for every metric without its own `aggregate`, and nothing but `metrics` and `itemValues`.
 */
export interface Scorer {
  name: string;
  /** The scorer asks a judge model: a run without one is refused before any model call. */
  requiresJudge?: boolean;
  /** The scorer embeds texts: a run without an embedding model is refused before any model call. */
  requiresEmbedding?: boolean;
  metrics: MetricDefinition[];
  /** Per-item values besides the metrics (`position`: the shown option chosen, for the position-bias chart). */
  itemValues?: ItemValueDefinition[];
  score(input: ScoreInput): ItemScore | Promise<ItemScore>;
}
