import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, ink, modelColors, modelLegend } from './theme.ts';

export interface PositionDatum {
  model: string;
  /** `A`, `B`... the option's place as shown. */
  position: string;
  share: number;
  count: number;
}

/** Share of answers per shown option position, per model, against the uniform share (1 / options). */
export function positionChartSpec(input: { models: string[]; positions: string[]; bars: PositionDatum[]; description: string }): TopLevelSpec {
  const uniform = 1 / Math.max(1, input.positions.length);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: input.description,
    config: chartConfig,
    width: Math.min(720, input.positions.length * (Math.max(1, input.models.length) * 34 + 40)),
    height: 200,
    layer: [
      {
        data: { values: input.bars },
        mark: { type: 'bar', cornerRadiusEnd: 1 },
        encoding: {
          x: { field: 'position', type: 'nominal', sort: input.positions, title: 'Option position as shown', axis: { labelAngle: 0, labelFontSize: 12 } },
          xOffset: { field: 'model', type: 'nominal', sort: input.models },
          y: { field: 'share', type: 'quantitative', title: 'Share of read answers', axis: { format: '.0%' }, scale: { domainMin: 0 } },
          color: {
            field: 'model',
            type: 'nominal',
            scale: { domain: input.models, range: modelColors(input.models) },
            legend: input.models.length > 1 ? modelLegend(input.models.length) : null,
          },
        },
      },
      {
        data: { values: [{ uniform, label: `uniform ${Math.round(uniform * 100)}%` }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: ink.muted },
        encoding: { y: { field: 'uniform', type: 'quantitative' } },
      },
      {
        data: { values: [{ uniform, label: `uniform ${Math.round(uniform * 100)}%` }] },
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, x: 'width', fontSize: 10, color: ink.muted },
        encoding: { y: { field: 'uniform', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}
