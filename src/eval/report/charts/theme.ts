import type { Config } from 'vega-lite';

/** System fonts only: the report must open offline. */
export const chartFont = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif';

/** Tableau 10: distinct, print-safe colours; a model keeps its colour in every chart. */
const palette = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

export const ink = { text: '#1f2937', muted: '#6b7280', grid: '#e5e7eb', axis: '#9ca3af', interval: '#111827' };

/** The colour of each model, in leaderboard order. */
export function modelColors(models: readonly string[]): string[] {
  return models.map((_, index) => palette[index % palette.length]);
}

/** Shared look of the vega-lite charts. */
export const chartConfig: Config = {
  font: chartFont,
  background: 'white',
  padding: 8,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 600,
    labelColor: ink.text,
    titleColor: ink.text,
    gridColor: ink.grid,
    domainColor: ink.axis,
    tickColor: ink.axis,
    labelLimit: 320,
  },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 600, labelColor: ink.text, titleColor: ink.text, labelLimit: 320 },
  title: { fontSize: 13, fontWeight: 600, color: ink.text, anchor: 'start' },
};

/** The model legend above a chart: one row for up to three models, then three columns, so long names never run off. */
export function modelLegend(models: number) {
  return { orient: 'top' as const, direction: 'horizontal' as const, columns: Math.min(models, 3), title: null };
}
