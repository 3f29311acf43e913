import type { BenchmarkDefinition } from './definition.ts';
import type { CategoryValue } from './item.ts';
import type { Breakdown, BreakdownGroup, ItemRecord, MetricInfo, MetricSummary, ModelSummary } from './results.ts';
import type { ItemScore, MetricDefinition } from './scorers/types.ts';
import { bootstrapMean, bootstrapStatistic, type BootstrapOptions } from './stats.ts';

/** The metrics of a definition's scorers, as reports describe them. */
export function metricInfos(metrics: readonly MetricDefinition[]): MetricInfo[] {
  return metrics.map((m) => ({
    name: m.name, description: m.description, higherIsBetter: m.higherIsBetter, range: m.range ?? [0, 1], judged: m.judged ?? false,
    ...(m.averageBy ? { averagedBy: m.averageBy } : {}),
  }));
}

/** An item's scores, with its categories when a metric averages per group of one. */
export type SummarizedItem = ItemScore & { categories?: Readonly<Record<string, CategoryValue>> };

/**
 * One metric over items with a bootstrap interval: its aggregate; else, for a metric averaged by a category, the
 * mean of the groups' means (groups without a value left out; `n` counts groups); else the mean of non-null values.
 */
export function summarizeMetric(metric: MetricDefinition, items: readonly SummarizedItem[], options: BootstrapOptions = {}): MetricSummary {
  if (metric.aggregate) {
    const result = bootstrapStatistic(items, metric.aggregate, options);
    return { value: result.value, low: result.low, high: result.high, n: items.length };
  }
  if (metric.averageBy) return bootstrapMean(groupMeans(metric.name, metric.averageBy, items), options);
  return bootstrapMean(valuesOf(metric.name, items), options);
}

function valuesOf(name: string, items: readonly ItemScore[]): number[] {
  const values: number[] = [];
  for (const item of items) {
    const value = item.values[name];
    if (typeof value === 'number' && Number.isFinite(value)) values.push(value);
  }
  return values;
}

/**
 * The mean of a metric per group of a category (`character`), for the groups with a value: how the Concept
 * Incongruence authors' statistics average (`calculate_stats` in `src/plot_prep/stat_plot.py`).
 * Items without the category form one group.
 * @example groupMeans('accuracy', 'character', items) // [0.5, 1] for Ada (1 of 2 right) and Ben (1 of 1)
 */
export function groupMeans(name: string, category: string, items: readonly SummarizedItem[]): number[] {
  const groups = new Map<string, SummarizedItem[]>();
  for (const item of items) {
    const key = String(item.categories?.[category] ?? '');
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const means: number[] = [];
  for (const group of groups.values()) {
    const values = valuesOf(name, group);
    if (values.length) means.push(values.reduce((sum, value) => sum + value, 0) / values.length);
  }
  return means;
}

/** Every metric over a set of items. */
export function summarizeMetrics(metrics: readonly MetricDefinition[], items: readonly SummarizedItem[], options: BootstrapOptions = {}): Record<string, MetricSummary> {
  return Object.fromEntries(metrics.map((metric) => [metric.name, summarizeMetric(metric, items, options)]));
}

/** Groups items by the definition's categories: one breakdown per category, and one per crossed list. */
export function breakdowns(categories: BenchmarkDefinition['categories'], items: readonly ItemRecord[], metrics: readonly MetricDefinition[], options: BootstrapOptions = {}): Breakdown[] {
  return categories.map((spec) => {
    const by = Array.isArray(spec) ? spec : [spec];
    const groups = new Map<string, { key: Record<string, CategoryValue>; items: ItemRecord[] }>();
    for (const item of items) {
      if (!by.every((name) => item.categories[name] !== undefined)) continue;
      const key = Object.fromEntries(by.map((name) => [name, item.categories[name]]));
      const label = by.map((name) => String(item.categories[name])).join(' · ');
      let group = groups.get(label);
      if (!group) groups.set(label, (group = { key, items: [] }));
      group.items.push(item);
    }
    const list: BreakdownGroup[] = [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([label, group]) => ({ key: group.key, label, items: group.items.length, metrics: summarizeMetrics(metrics, group.items, options) }));
    return { by, groups: list };
  });
}

export interface ModelResults {
  model: string;
  planned: number;
  failed: number;
  /** Finished items of this model. */
  items: ItemRecord[];
  usage: ModelSummary['usage'];
}

/** One model's summary: metrics with intervals, breakdowns, invalid and unjudged counts, answer positions. */
export function summarizeModel(definition: BenchmarkDefinition, metrics: readonly MetricDefinition[], results: ModelResults, options: BootstrapOptions = {}): ModelSummary {
  const { items } = results;
  const positions: number[] = [];
  for (const item of items) {
    for (const attempt of item.attempts) {
      const position = attempt.values.position;
      if (typeof position === 'number') positions[position] = (positions[position] ?? 0) + 1;
    }
  }
  return {
    model: results.model,
    items: items.length,
    planned: results.planned,
    failed: results.failed,
    invalid: items.filter((item) => item.invalid).length,
    unjudged: items.filter((item) => item.unjudged).length,
    metrics: summarizeMetrics(metrics, items, options),
    breakdowns: breakdowns(definition.categories, items, metrics, options),
    ...(positions.length ? { positions: Array.from(positions, (count) => count ?? 0) } : {}),
    usage: results.usage,
  };
}
