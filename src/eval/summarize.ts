import type { BenchmarkDefinition } from './definition.ts';
import type { CategoryValue } from './item.ts';
import type { Breakdown, BreakdownGroup, ItemRecord, MetricInfo, MetricSummary, ModelSummary } from './results.ts';
import type { ItemScore, MetricDefinition } from './scorers/types.ts';
import { bootstrapMean, bootstrapStatistic, type BootstrapOptions } from './stats.ts';

/** The metrics of a definition's scorers, as reports describe them. */
export function metricInfos(metrics: readonly MetricDefinition[]): MetricInfo[] {
  return metrics.map((m) => ({ name: m.name, description: m.description, higherIsBetter: m.higherIsBetter, range: m.range ?? [0, 1], judged: m.judged ?? false }));
}

/** One metric over items: its aggregate (default the mean of non-null values) with a bootstrap interval. */
export function summarizeMetric(metric: MetricDefinition, items: readonly ItemScore[], options: BootstrapOptions = {}): MetricSummary {
  if (metric.aggregate) {
    const result = bootstrapStatistic(items, metric.aggregate, options);
    return { value: result.value, low: result.low, high: result.high, n: items.length };
  }
  const values: number[] = [];
  for (const item of items) {
    const value = item.values[metric.name];
    if (typeof value === 'number' && Number.isFinite(value)) values.push(value);
  }
  return bootstrapMean(values, options);
}

/** Every metric over a set of items. */
export function summarizeMetrics(metrics: readonly MetricDefinition[], items: readonly ItemScore[], options: BootstrapOptions = {}): Record<string, MetricSummary> {
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
