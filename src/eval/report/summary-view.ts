import type { CategoryValue } from '../item.ts';
import type { BenchSummary, BreakdownGroup, MetricInfo, ModelSummary } from '../results.ts';

/** The info of a metric by name; a metric the summary does not describe reads as a [0, 1] score. */
export function metricInfo(summary: BenchSummary, name: string): MetricInfo {
  return (
    summary.metrics.find((metric) => metric.name === name) ?? {
      name,
      description: '',
      higherIsBetter: true,
      range: [0, 1],
      judged: false,
    }
  );
}

/** Models best first by the primary metric; models without a value go last, ties keep run order. */
export function rankModels(summary: BenchSummary): ModelSummary[] {
  const primary = metricInfo(summary, summary.primaryMetric);
  const sign = primary.higherIsBetter ? -1 : 1;
  return summary.models
    .map((model, index) => ({ model, index, value: model.metrics[summary.primaryMetric]?.value ?? null }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) return (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) || a.index - b.index;
      return sign * (a.value - b.value) || a.index - b.index;
    })
    .map((entry) => entry.model);
}

/** One group of a breakdown across all models. */
export interface BreakdownRow {
  label: string;
  /** The label for people: a crossed group names its non-text values (`belief · order=2 · false_belief=true`). */
  display: string;
  key: Record<string, CategoryValue>;
  /** The most items any model had in this group. */
  items: number;
  byModel: Map<string, BreakdownGroup>;
}

/** One breakdown across all models, groups in first-seen order. */
export interface BreakdownView {
  by: string[];
  title: string;
  rows: BreakdownRow[];
}

/** `mental_state × order × false_belief`. */
export function breakdownTitle(by: readonly string[]): string {
  return by.join(' × ');
}

/** Every breakdown of the run, with each group's result for every model that has it. */
export function collectBreakdowns(summary: BenchSummary): BreakdownView[] {
  const views = new Map<string, BreakdownView & { rowsByLabel: Map<string, BreakdownRow> }>();
  for (const model of summary.models) {
    for (const breakdown of model.breakdowns) {
      const id = JSON.stringify(breakdown.by);
      let view = views.get(id);
      if (!view) {
        view = { by: breakdown.by, title: breakdownTitle(breakdown.by), rows: [], rowsByLabel: new Map() };
        views.set(id, view);
      }
      for (const group of breakdown.groups) {
        let row = view.rowsByLabel.get(group.label);
        if (!row) {
          row = { label: group.label, display: displayLabel(breakdown.by, group.key, group.label), key: group.key, items: 0, byModel: new Map() };
          view.rowsByLabel.set(group.label, row);
          view.rows.push(row);
        }
        row.items = Math.max(row.items, group.items);
        row.byModel.set(model.model, group);
      }
    }
  }
  return [...views.values()].map(({ by, title, rows }) => ({ by, title, rows }));
}

/** In a crossed group `2` and `true` say nothing alone; text values (`belief`) do. */
function displayLabel(by: readonly string[], key: Record<string, CategoryValue>, label: string): string {
  if (by.length < 2 || !by.every((name) => name in key)) return label;
  return by.map((name) => (typeof key[name] === 'string' ? String(key[name]) : `${name}=${String(key[name])}`)).join(' · ');
}

/** Run-wide counts of what went wrong, for warnings. */
export interface ProblemCounts {
  failed: number;
  invalid: number;
  unjudged: number;
}

export function problemCounts(models: readonly ModelSummary[]): ProblemCounts {
  return models.reduce(
    (total, model) => ({
      failed: total.failed + model.failed,
      invalid: total.invalid + model.invalid,
      unjudged: total.unjudged + model.unjudged,
    }),
    { failed: 0, invalid: 0, unjudged: 0 },
  );
}

/** `1 item` / `3 items`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** How a run asked its items, for reports: `the released prompt`, `the character agent`, `the character agent, as Tamsin`. */
export function askedBy(summary: Pick<BenchSummary, 'mode'>): string {
  const mode = summary.mode;
  if (mode?.kind !== 'agent') return 'the released prompt';
  return mode.card ? `the character agent, as ${mode.card}` : 'the character agent';
}

/**
 * Which metrics are averaged per group of a category first, in words (`undefined` when all average over items):
 * `averaged per character, then across characters: every metric (intervals resample characters; n counts characters)`.
 */
export function averagingNote(summary: BenchSummary): string | undefined {
  const byCategory = new Map<string, string[]>();
  for (const metric of summary.metrics) {
    if (!metric.averagedBy) continue;
    const names = byCategory.get(metric.averagedBy) ?? [];
    byCategory.set(metric.averagedBy, [...names, metric.name]);
  }
  if (byCategory.size === 0) return undefined;
  return [...byCategory].map(([category, names]) => {
    const which = names.length === summary.metrics.length ? 'every metric' : names.join(', ');
    return `averaged per ${category}, then across ${category}s: ${which} (intervals resample ${category}s; n counts ${category}s)`;
  }).join('; ');
}

/** A stored turn's private thought as `key: value` lines (an agent-played attempt's drill-down and CSV cell). */
export function thoughtLines(thought: Readonly<Record<string, string>>): string {
  return Object.entries(thought).map(([key, value]) => `${key}: ${value}`).join('\n');
}
