import type { BenchSummary, MetricInfo, ModelSummary } from '../../results.ts';
import { groupedBarsChartSpec } from '../charts/bars.ts';
import { radarChartSpec, type RadarDatum } from '../charts/radar.ts';
import { vegaLiteToSvg, vegaToSvg } from '../charts/render-svg.ts';
import { decimalsFor, formatValue } from '../numbers.ts';
import { escapeHtml } from './escape.ts';

/** The judged dimensions of every model on one radar (three or more dimensions), or grouped bars (one or two). */
export async function renderJudged(summary: BenchSummary, models: readonly ModelSummary[]): Promise<string> {
  const judged = summary.metrics.filter((metric) => metric.judged);
  if (!judged.length) return '';
  const names = models.map((model) => model.model);
  const chart = judged.length >= 3 ? await radar(judged, models, names) : await bars(judged, models, names);
  const caption =
    judged.length >= 3
      ? 'Each axis runs from the low end of its range (centre) to the high end (rim); lower-is-better dimensions are reversed so that outward is always better. Values with intervals are in the leaderboard.'
      : 'Judged dimensions per model with 95% intervals.';
  return `<section id="judged">
<h2>Judged dimensions</h2>
<p class="note">Scored by ${summary.judge ? `the judge <span class="model">${escapeHtml(summary.judge)}</span>` : 'an LLM judge'}; unjudged items are left out of these means.</p>
<figure class="chart radar">${chart}<figcaption>${caption}</figcaption></figure>
</section>`;
}

function share(value: number, metric: MetricInfo): number {
  const [low, high] = metric.range;
  const raw = high === low ? 0 : (value - low) / (high - low);
  const clamped = Math.min(1, Math.max(0, raw));
  return metric.higherIsBetter ? clamped : 1 - clamped;
}

function axisName(metric: MetricInfo): string {
  return metric.higherIsBetter ? metric.name : `${metric.name} (reversed)`;
}

async function radar(judged: readonly MetricInfo[], models: readonly ModelSummary[], names: string[]): Promise<string> {
  const points: RadarDatum[] = [];
  for (const model of models) {
    for (const metric of judged) {
      const value = model.metrics[metric.name]?.value;
      // A missing dimension sits at the centre so the polygon stays closed over every axis.
      points.push({ model: model.model, dimension: axisName(metric), share: typeof value === 'number' ? share(value, metric) : 0 });
    }
  }
  const sameRange = judged.every((metric) => metric.range[0] === judged[0].range[0] && metric.range[1] === judged[0].range[1] && metric.higherIsBetter);
  const [low, high] = judged[0].range;
  const ringLabels = [0.25, 0.5, 0.75, 1].map((ring) => (sameRange ? trim(low + ring * (high - low)) : `${ring * 100}%`));
  return vegaToSvg(
    radarChartSpec({
      models: names,
      dimensions: judged.map(axisName),
      points,
      ringLabels,
      description: `Radar chart of the judged dimensions ${judged.map((metric) => metric.name).join(', ')} per model`,
    }),
  );
}

function trim(value: number): string {
  return String(Number(value.toFixed(2)));
}

async function bars(judged: readonly MetricInfo[], models: readonly ModelSummary[], names: string[]): Promise<string> {
  const low = Math.min(...judged.map((metric) => metric.range[0]));
  const high = Math.max(...judged.map((metric) => metric.range[1]));
  const decimals = Math.max(...judged.map(decimalsFor));
  return vegaLiteToSvg(
    groupedBarsChartSpec({
      models: names,
      groups: judged.map((metric) => metric.name),
      bars: judged.flatMap((metric) =>
        models.map((model) => {
          const summary = model.metrics[metric.name];
          return { group: metric.name, model: model.model, value: summary?.value ?? null, low: summary?.low ?? null, high: summary?.high ?? null, label: formatValue(summary?.value, decimals) };
        }),
      ),
      domain: [low, high],
      axisTitle: 'score (95% interval)',
      description: `Judged dimensions ${judged.map((metric) => metric.name).join(', ')} per model`,
      showValues: true,
    }),
  );
}
