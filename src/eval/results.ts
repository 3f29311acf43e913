import type { ChatTurn, CategoryValue } from './item.ts';

/** One metric over a set of items, with its bootstrap 95% interval. */
export interface MetricSummary {
  value: number | null;
  /** Bootstrap percentile interval (null when fewer than two items have a value). */
  low: number | null;
  high: number | null;
  /** Items with a value for this metric. */
  n: number;
}

export interface MetricInfo {
  name: string;
  description: string;
  higherIsBetter: boolean;
  range: [number, number];
  judged: boolean;
  /** The category the metric is averaged per group of before across groups (`character`); absent: over items. */
  averagedBy?: string;
}

/** One group of a breakdown: e.g. `mental_state = belief`. */
export interface BreakdownGroup {
  /** The group's category values, by category name. */
  key: Record<string, CategoryValue>;
  /** `belief`, or `belief · 2 · true` for a crossed breakdown. */
  label: string;
  items: number;
  metrics: Record<string, MetricSummary>;
}

export interface Breakdown {
  /** The categories it groups by (one, or several crossed). */
  by: string[];
  groups: BreakdownGroup[];
}

/** One model's results in a run. */
export interface ModelSummary {
  model: string;
  /** Items scored (their jobs finished). */
  items: number;
  /** Items in the run for this model. */
  planned: number;
  /** Items whose job failed (model errors after retries): missing from the scores; `--resume` retries them. */
  failed: number;
  /** Answers the extractor could not read. */
  invalid: number;
  /** Items the judge could not judge. */
  unjudged: number;
  metrics: Record<string, MetricSummary>;
  breakdowns: Breakdown[];
  /** How often each shown option position was chosen (position bias), when the benchmark is multiple choice. */
  positions?: number[];
  usage: { calls: number; cachedCalls: number; inputTokens: number; outputTokens: number; costUsd?: number };
}

/** What `bench run --json` prints and every report is made from. */
export interface BenchSummary {
  runId: string;
  benchmark: { name: string; title: string; loader: string; data?: string; source?: string };
  status: string;
  createdAt: string;
  seed: number;
  judge?: string;
  /** The metric leaderboards sort by. */
  primaryMetric: string;
  metrics: MetricInfo[];
  models: ModelSummary[];
  /**
   * How the items were asked: the benchmark's prompt templates (as released), or played by the character agent
   * (`card`: the card that played every item).
   */
  mode?: { kind: 'template' } | { kind: 'agent'; card?: string };
  /** How each model (and the judge) answered structured requests: JSON schema in its dialect, or text after a refusal. */
  structuredOutput?: { model: string; dialect: string; mode: 'schema' | 'text' }[];
}

/** One attempt at one item: what was asked, answered, read and judged. */
export interface AttemptRecord {
  /** Option order shown (released indices), when the item has options. */
  order?: number[];
  prompt: ChatTurn[];
  answer: string;
  extraction?: string;
  invalid?: boolean;
  unjudged?: boolean;
  verdict?: unknown;
  values: Record<string, number | null>;
  /** Played by the character agent: the character's turn (its private thought included) the answer was read from. */
  turn?: { character: string; thought: Record<string, string>; action: string; speech: string; repaired: boolean };
}

/** One item × model of a run, for drill-downs and per-item exports. */
export interface ItemRecord {
  itemId: string;
  model: string;
  status: 'done' | 'failed' | 'pending' | 'running';
  error?: string;
  categories: Record<string, CategoryValue>;
  /** The correct option's text, or the reference answer. */
  expected?: string;
  /** Values combined over attempts (mean), null when no attempt had one. */
  values: Record<string, number | null>;
  invalid: boolean;
  unjudged: boolean;
  /** The judge's verdict of a single-attempt item (what judged metrics' aggregates read). */
  verdict?: unknown;
  attempts: AttemptRecord[];
}
