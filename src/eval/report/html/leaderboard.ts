import type { BenchSummary, MetricInfo, MetricSummary, ModelSummary } from '../../results.ts';
import { leaderboardChartSpec } from '../charts/bars.ts';
import { vegaLiteToSvg } from '../charts/render-svg.ts';
import { modelColors } from '../charts/theme.ts';
import { decimalsFor, formatCompact, formatCost, formatCount, formatInterval, formatValue } from '../numbers.ts';
import { metricInfo } from '../summary-view.ts';
import { escapeHtml } from './escape.ts';

/** The leaderboard: one row per model, best first, every metric with its interval; then a bar chart of the primary metric. */
export async function renderLeaderboard(summary: BenchSummary, models: readonly ModelSummary[]): Promise<string> {
  const primary = metricInfo(summary, summary.primaryMetric);
  const metrics = [primary, ...summary.metrics.filter((metric) => metric.name !== primary.name)];
  const colors = modelColors(models.map((model) => model.model));
  const withCost = models.some((model) => model.usage.costUsd !== undefined);
  const head = [
    '<th class="rank">#</th>',
    '<th class="text">Model</th>',
    ...metrics.map((metric) => `<th${metric === primary ? ' class="primary"' : ''} title="${escapeHtml(metric.description)}">${breakable(metric.name)}${metric.higherIsBetter ? ' ↑' : ' ↓'}</th>`),
    '<th>Items</th><th>Invalid</th><th>Unjudged</th><th>Failed</th><th>Tokens in / out</th>',
    withCost ? '<th>Cost</th>' : '',
  ].join('');
  const rows = models.map((model, index) => {
    const cells = [
      `<td class="rank">${index + 1}</td>`,
      `<td class="text model-cell"><span class="swatch" style="background:${colors[index]}"></span><span class="model">${escapeHtml(model.model).replaceAll(':', ':<wbr>')}</span></td>`,
      ...metrics.map((metric) => metricCell(model.metrics[metric.name], metric, metric === primary)),
      `<td>${model.items === model.planned ? formatCount(model.items) : `${formatCount(model.items)} / ${formatCount(model.planned)}`}</td>`,
      countCell(model.invalid),
      countCell(model.unjudged),
      countCell(model.failed),
      usageCell(model.usage),
      withCost ? `<td>${formatCost(model.usage.costUsd)}</td>` : '',
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  const chart = await leaderboardChart(models, primary);
  return `<section id="leaderboard">
<h2>Leaderboard</h2>
<p class="note">Sorted by <strong>${escapeHtml(primary.name)}</strong> (${primary.higherIsBetter ? 'higher' : 'lower'} is better). Brackets are bootstrap 95% intervals; n is the items with a value.</p>
<div class="table-wrap"><table class="numbers leaderboard"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>
<figure class="chart">${chart}<figcaption>${escapeHtml(primary.name)} per model with its 95% interval.</figcaption></figure>
${renderMetricList(metrics)}
</section>`;
}

function metricCell(summary: MetricSummary | undefined, metric: MetricInfo, primary: boolean): string {
  const decimals = decimalsFor(metric);
  const interval = formatInterval(summary, decimals);
  const n = summary ? `<span class="n">n=${formatCount(summary.n)}</span>` : '';
  return `<td${primary ? ' class="primary"' : ''}><span class="value">${formatValue(summary?.value, decimals)}</span>${interval ? `<span class="interval">${interval}</span>` : ''}${n}</td>`;
}

/** Long snake_case names may wrap after an underscore. */
function breakable(name: string): string {
  return escapeHtml(name).replaceAll('_', '_<wbr>');
}

function usageCell(usage: ModelSummary['usage']): string {
  const title = `${formatCount(usage.inputTokens)} input and ${formatCount(usage.outputTokens)} output tokens over ${formatCount(usage.calls)} calls, ${formatCount(usage.cachedCalls)} from the cache`;
  return `<td title="${escapeHtml(title)}">${formatCompact(usage.inputTokens)} / ${formatCompact(usage.outputTokens)}<span class="n">${formatCompact(usage.calls)} calls</span></td>`;
}

function countCell(count: number): string {
  return `<td${count ? ' class="flag"' : ' class="muted"'}>${formatCount(count)}</td>`;
}

async function leaderboardChart(models: readonly ModelSummary[], primary: MetricInfo): Promise<string> {
  const decimals = decimalsFor(primary);
  const bars = models.map((model) => {
    const summary = model.metrics[primary.name];
    return {
      group: model.model,
      model: model.model,
      value: summary?.value ?? null,
      low: summary?.low ?? null,
      high: summary?.high ?? null,
      label: formatValue(summary?.value, decimals),
    };
  });
  return vegaLiteToSvg(
    leaderboardChartSpec({
      models: models.map((model) => model.model),
      bars,
      domain: primary.range,
      axisTitle: `${primary.name} (95% interval)`,
      description: `Bar chart of ${primary.name} per model with 95% intervals`,
    }),
  );
}

function renderMetricList(metrics: readonly MetricInfo[]): string {
  const items = metrics.map(
    (metric) =>
      `<div><dt>${escapeHtml(metric.name)}${metric.judged ? ' <span class="tag">judged</span>' : ''}</dt><dd>${escapeHtml(metric.description || '—')} <span class="muted">Range ${metric.range[0]}–${metric.range[1]}, ${metric.higherIsBetter ? 'higher' : 'lower'} is better.</span></dd></div>`,
  );
  return `<details class="metrics"><summary>What the metrics mean</summary><dl>${items.join('')}</dl></details>`;
}
