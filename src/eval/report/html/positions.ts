import type { ModelSummary } from '../../results.ts';
import { positionChartSpec, type PositionDatum } from '../charts/positions.ts';
import { vegaLiteToSvg } from '../charts/render-svg.ts';

/** `A`…`Z`, then `27`, `28`… for very long candidate lists. */
export function positionName(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : String(index + 1);
}

/** Which shown option position the answers picked, per model, against a uniform pick: position bias at a glance. */
export async function renderPositions(models: readonly ModelSummary[]): Promise<string> {
  const withPositions = models.filter((model) => model.positions && model.positions.some((count) => count > 0));
  if (!withPositions.length) return '';
  const width = Math.max(...withPositions.map((model) => model.positions?.length ?? 0));
  const positions = Array.from({ length: width }, (_, index) => positionName(index));
  const bars: PositionDatum[] = withPositions.flatMap((model) => {
    const counts = model.positions ?? [];
    const total = counts.reduce((sum, count) => sum + count, 0);
    return positions.map((position, index) => ({ model: model.model, position, count: counts[index] ?? 0, share: total ? (counts[index] ?? 0) / total : 0 }));
  });
  const svg = await vegaLiteToSvg(
    positionChartSpec({ models: withPositions.map((model) => model.model), positions, bars, description: 'Share of answers per shown option position, per model' }),
  );
  return `<section id="positions">
<h2>Position bias</h2>
<p class="note">Share of read answers that picked each option position as shown. When correct answers are spread evenly over positions (or options are shuffled with <code>--shuffle-options</code>), a model without position bias stays near the dashed uniform line.</p>
<figure class="chart">${svg}</figure>
</section>`;
}
