import type { MetricInfo, MetricSummary } from '../results.ts';

/** Decimals that suit a metric's range: 0.723 on [0, 1], 3.42 on [1, 5], 61.5 on [0, 100]. */
export function decimalsFor(metric: Pick<MetricInfo, 'range'> | undefined): number {
  const span = metric ? Math.abs(metric.range[1] - metric.range[0]) : 1;
  if (span <= 1) return 3;
  if (span <= 10) return 2;
  return 1;
}

/** A value for people: fixed decimals, `—` when missing. */
export function formatValue(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(decimals);
}

/** `[0.650, 0.790]`, or an empty string when there is no interval. */
export function formatInterval(summary: MetricSummary | undefined, decimals: number): string {
  if (!summary || summary.low === null || summary.high === null) return '';
  return `[${summary.low.toFixed(decimals)}, ${summary.high.toFixed(decimals)}]`;
}

/** Thousands separated with a thin-looking comma: 1,234,567. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** `$0.0123` with enough digits to be useful for small runs. */
export function formatCost(costUsd: number | undefined): string {
  if (costUsd === undefined) return '—';
  if (costUsd === 0) return '$0';
  return costUsd >= 1 ? `$${costUsd.toFixed(2)}` : `$${costUsd.toPrecision(3)}`;
}

/** `512k`, `8.0k`, `1.23M`: token counts at a glance. */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toPrecision(3)}k`;
  return String(Math.round(value));
}
