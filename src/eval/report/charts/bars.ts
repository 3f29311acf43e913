import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, ink, modelColors, modelLegend } from './theme.ts';

/** One bar: a model's value in a group, with its 95% interval. */
export interface BarDatum {
  group: string;
  model: string;
  value: number | null;
  low: number | null;
  high: number | null;
  /** The value as the tables print it. */
  label: string;
}

export interface BarChartInput {
  /** Models best first: bar order and colours. */
  models: string[];
  bars: BarDatum[];
  /** The value axis: the metric's range. */
  domain: [number, number];
  axisTitle: string;
  description: string;
  width?: number;
}

/** Horizontal bars, one per model, with interval whiskers and printed values: the leaderboard at a glance. */
export function leaderboardChartSpec(input: BarChartInput): TopLevelSpec {
  const x = { field: 'value', type: 'quantitative' as const, scale: { domain: input.domain, nice: false }, title: input.axisTitle, axis: { format: '~g', tickCount: 10 } };
  const y = { field: 'model', type: 'nominal' as const, sort: input.models, title: null, axis: { labelFontSize: 12 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: input.description,
    config: chartConfig,
    width: input.width ?? 720,
    height: { step: 30 },
    data: { values: input.bars.filter((bar) => bar.value !== null) },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2, height: { band: 0.62 } },
        encoding: { x, color: { field: 'model', type: 'nominal', scale: { domain: input.models, range: modelColors(input.models) }, legend: null } },
      },
      {
        transform: [{ filter: 'datum.low !== null && datum.high !== null' }],
        mark: { type: 'errorbar', ticks: { size: 9 }, color: ink.interval, thickness: 1.3 },
        encoding: { x: { field: 'low', type: 'quantitative', title: input.axisTitle }, x2: { field: 'high' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 11, color: ink.text },
        encoding: { x: { field: 'labelAt', type: 'quantitative' }, text: { field: 'label' } },
        transform: [{ calculate: 'datum.high === null ? datum.value : max(datum.value, datum.high)', as: 'labelAt' }],
      },
    ],
  };
}

/**
 * Grouped horizontal bars (group × model) with interval whiskers. Groups come sorted as given,
 * so long crossed breakdowns stay readable: one labelled row per group, models side by side within it.
 */
export function groupedBarsChartSpec(input: BarChartInput & { groups: string[]; showValues?: boolean }): TopLevelSpec {
  const step = Math.max(1, input.models.length) * 10 + 10;
  const x = { field: 'value', type: 'quantitative' as const, scale: { domain: input.domain, nice: false }, title: input.axisTitle, axis: { format: '~g', tickCount: 10 } };
  const y = { field: 'group', type: 'nominal' as const, sort: input.groups, title: null, scale: { paddingInner: 0.22, paddingOuter: 0.12 }, axis: { labelPadding: 6 } };
  const yOffset = { field: 'model', type: 'nominal' as const, sort: input.models, scale: { paddingInner: 0.08 } };
  const color = {
    field: 'model',
    type: 'nominal' as const,
    title: 'Model',
    scale: { domain: input.models, range: modelColors(input.models) },
    legend: input.models.length > 1 ? modelLegend(input.models.length) : null,
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: input.description,
    config: chartConfig,
    width: input.width ?? 720,
    height: { step, for: 'position' },
    data: { values: input.bars.filter((bar) => bar.value !== null) },
    encoding: { y, yOffset },
    layer: [
      { mark: { type: 'bar', cornerRadiusEnd: 1 }, encoding: { x, color } },
      {
        transform: [{ filter: 'datum.low !== null && datum.high !== null' }],
        mark: { type: 'rule', color: ink.interval, strokeWidth: 1.1 },
        encoding: { x: { field: 'low', type: 'quantitative', title: input.axisTitle }, x2: { field: 'high' } },
      },
      ...(input.showValues
        ? [
            {
              mark: { type: 'text' as const, align: 'left' as const, dx: 4, fontSize: 10, color: ink.muted },
              encoding: { x: { field: 'labelAt', type: 'quantitative' as const }, text: { field: 'label' } },
              transform: [{ calculate: 'datum.high === null ? datum.value : max(datum.value, datum.high)', as: 'labelAt' }],
            },
          ]
        : []),
    ],
  };
}
