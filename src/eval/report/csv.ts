import type { CategoryValue } from '../item.ts';
import type { BenchSummary, ItemRecord, MetricSummary } from '../results.ts';
import { breakdownTitle, thoughtLines } from './summary-view.ts';

type Cell = string | number | boolean | null | undefined;

/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' && !Number.isFinite(value) ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLines(rows: readonly Cell[][]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** Overall rows use this in the breakdown and group columns. */
export const OVERALL = 'all';

/**
 * One row per model × metric × group: `model,breakdown,group,metric,value,low,high,n`.
 * Overall scores have breakdown and group `all`; a crossed breakdown is named `a × b`, its groups `x · y`.
 */
export function renderCsv(summary: BenchSummary): string {
  const rows: Cell[][] = [['model', 'breakdown', 'group', 'metric', 'value', 'low', 'high', 'n']];
  const order = summary.metrics.map((metric) => metric.name);
  const push = (model: string, breakdown: string, group: string, metrics: Record<string, MetricSummary>) => {
    for (const name of orderedKeys(metrics, order)) {
      const metric = metrics[name];
      rows.push([model, breakdown, group, name, metric.value, metric.low, metric.high, metric.n]);
    }
  };
  for (const model of summary.models) {
    push(model.model, OVERALL, OVERALL, model.metrics);
    for (const breakdown of model.breakdowns) {
      for (const group of breakdown.groups) push(model.model, breakdownTitle(breakdown.by), group.label, group.metrics);
    }
  }
  return csvLines(rows);
}

/**
 * One row per item × model: id, model, status, flags, attempts, expected, answers, extractions, error,
 * then one column per category and per metric (names as in the run; a name that clashes with a fixed column gets a `category.`/`metric.` prefix).
 */
export function renderItemsCsv(items: readonly ItemRecord[]): string {
  // Runs played by the character agent add the character's thought beside its answer.
  const played = items.some((item) => item.attempts.some((attempt) => attempt.turn));
  const fixed = ['item_id', 'model', 'status', 'invalid', 'unjudged', 'attempts', 'expected', 'answer', ...(played ? ['thought'] : []), 'extraction', 'error'];
  const categories = firstSeenKeys(items.map((item) => item.categories));
  const metrics = firstSeenKeys(items.map((item) => item.values));
  const taken = new Set(fixed);
  const header = [
    ...fixed,
    ...categories.map((name) => columnName(name, 'category', taken)),
    ...metrics.map((name) => columnName(name, 'metric', taken)),
  ];
  const rows: Cell[][] = [header];
  for (const item of items) {
    rows.push([
      item.itemId,
      item.model,
      item.status,
      item.invalid,
      item.unjudged,
      item.attempts.length,
      item.expected,
      joinAttempts(item.attempts.map((attempt) => attempt.answer)),
      ...(played ? [joinAttempts(item.attempts.map((attempt) => (attempt.turn ? thoughtLines(attempt.turn.thought) : '')))] : []),
      joinAttempts(item.attempts.map((attempt) => attempt.extraction ?? '')),
      item.error,
      ...categories.map((name) => item.categories[name] as CategoryValue | undefined),
      ...metrics.map((name) => item.values[name]),
    ]);
  }
  return csvLines(rows);
}

function columnName(name: string, prefix: string, taken: Set<string>): string {
  const column = taken.has(name) ? `${prefix}.${name}` : name;
  taken.add(column);
  return column;
}

/** Several attempts' texts in one cell, separated by a blank line. */
function joinAttempts(texts: string[]): string {
  return texts.every((text) => text === '') ? '' : texts.join('\n\n');
}

function firstSeenKeys(records: readonly Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  return [...keys];
}

/** The known metrics first in their declared order, then any others as they come. */
function orderedKeys(metrics: Record<string, unknown>, order: readonly string[]): string[] {
  const present = Object.keys(metrics);
  return [...order.filter((name) => name in metrics), ...present.filter((name) => !order.includes(name))];
}
