import type { Spec } from 'vega';
import { chartConfig, chartFont, ink, modelColors } from './theme.ts';

/** One model's score on one judged dimension, as a share of the dimension's range. */
export interface RadarDatum {
  model: string;
  dimension: string;
  /** 0 at the range's low end, 1 at its high end. */
  share: number;
}

export interface RadarInput {
  models: string[];
  dimensions: string[];
  points: RadarDatum[];
  /** Labels of the 25/50/75/100% rings (e.g. `2`, `3`, `4`, `5` on a 1–5 scale), or none. */
  ringLabels?: string[];
  description: string;
  size?: number;
}

const rings = [0.25, 0.5, 0.75, 1];

/**
 * A radar (polar) chart in plain vega: one closed line per model over the dimensions, first axis at the top, clockwise.
 * Follows vega's radar example; vega-lite has no radar mark.
 */
export function radarChartSpec(input: RadarInput): Spec {
  const size = input.size ?? 380;
  const count = input.dimensions.length;
  // A point scale with padding 0.5 over a full turn spaces n axes evenly; shift so the first sits at the top.
  const start = -Math.PI / 2 - Math.PI / count;
  const grid = rings.flatMap((ring, index) => input.dimensions.map((dimension) => ({ ring, dimension, label: input.ringLabels?.[index] ?? '' })));
  const angle = "scale('angular', datum.dimension)";
  const label = { fontSize: 11, font: chartFont, fill: ink.text };
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    description: input.description,
    width: size,
    height: size,
    padding: 12,
    autosize: { type: 'pad' },
    background: 'white',
    config: { legend: chartConfig.legend as Record<string, unknown> },
    signals: [{ name: 'radius', update: 'width / 2' }],
    data: [
      { name: 'points', values: input.points },
      { name: 'grid', values: grid },
      { name: 'axes', values: input.dimensions.map((dimension) => ({ dimension })) },
      { name: 'ringLabels', values: grid.filter((cell) => cell.dimension === input.dimensions[0] && cell.label) },
    ],
    scales: [
      { name: 'angular', type: 'point', range: [start, start + 2 * Math.PI], padding: 0.5, domain: input.dimensions },
      { name: 'radial', type: 'linear', range: { signal: '[0, radius]' }, zero: true, nice: false, domain: [0, 1] },
      { name: 'color', type: 'ordinal', domain: input.models, range: modelColors(input.models) },
    ],
    legends:
      input.models.length > 1
        ? [{ fill: 'color', stroke: 'color', orient: 'bottom', direction: 'horizontal', columns: Math.min(input.models.length, 3), symbolType: 'circle', labelFont: chartFont }]
        : [],
    marks: [
      {
        type: 'group',
        // The chart's centre: every mark below is placed by angle and radius around it.
        encode: { enter: { x: { signal: 'radius' }, y: { signal: 'radius' } } },
        marks: [
          {
            type: 'group',
            from: { facet: { data: 'grid', name: 'ring', groupby: ['ring'] } },
            marks: [
              {
                type: 'line',
                from: { data: 'ring' },
                encode: {
                  enter: {
                    interpolate: { value: 'linear-closed' },
                    x: { signal: `scale('radial', datum.ring) * cos(${angle})` },
                    y: { signal: `scale('radial', datum.ring) * sin(${angle})` },
                    stroke: { value: ink.grid },
                    strokeWidth: { value: 1 },
                  },
                },
              },
            ],
          },
          {
            type: 'rule',
            from: { data: 'axes' },
            encode: {
              enter: {
                x: { value: 0 },
                y: { value: 0 },
                x2: { signal: `radius * cos(${angle})` },
                y2: { signal: `radius * sin(${angle})` },
                stroke: { value: ink.grid },
                strokeWidth: { value: 1 },
              },
            },
          },
          {
            type: 'text',
            from: { data: 'ringLabels' },
            encode: {
              enter: {
                x: { value: 4 },
                y: { signal: "-scale('radial', datum.ring)" },
                text: { field: 'label' },
                baseline: { value: 'middle' },
                fontSize: { value: 9 },
                font: { value: chartFont },
                fill: { value: ink.muted },
              },
            },
          },
          {
            type: 'group',
            from: { facet: { data: 'points', name: 'model', groupby: ['model'] } },
            marks: [
              {
                type: 'line',
                from: { data: 'model' },
                encode: {
                  enter: {
                    interpolate: { value: 'linear-closed' },
                    x: { signal: `scale('radial', datum.share) * cos(${angle})` },
                    y: { signal: `scale('radial', datum.share) * sin(${angle})` },
                    stroke: { scale: 'color', field: 'model' },
                    strokeWidth: { value: 2 },
                    fill: { scale: 'color', field: 'model' },
                    fillOpacity: { value: 0.12 },
                  },
                },
              },
              {
                type: 'symbol',
                from: { data: 'model' },
                encode: {
                  enter: {
                    x: { signal: `scale('radial', datum.share) * cos(${angle})` },
                    y: { signal: `scale('radial', datum.share) * sin(${angle})` },
                    size: { value: 28 },
                    fill: { scale: 'color', field: 'model' },
                  },
                },
              },
            ],
          },
          {
            type: 'text',
            from: { data: 'axes' },
            encode: {
              enter: {
                x: { signal: `(radius + 8) * cos(${angle})` },
                y: { signal: `(radius + 8) * sin(${angle})` },
                text: { field: 'dimension' },
                align: [
                  { test: `abs(cos(${angle})) < 0.2`, value: 'center' },
                  { test: `cos(${angle}) < 0`, value: 'right' },
                  { value: 'left' },
                ],
                baseline: [
                  { test: `sin(${angle}) < -0.5`, value: 'bottom' },
                  { test: `sin(${angle}) > 0.5`, value: 'top' },
                  { value: 'middle' },
                ],
                fontSize: { value: label.fontSize },
                fontWeight: { value: 600 },
                font: { value: label.font },
                fill: { value: label.fill },
              },
            },
          },
        ],
      },
    ],
  };
}
