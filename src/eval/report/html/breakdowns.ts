import type { BenchSummary, MetricInfo, ModelSummary } from '../../results.ts';
import { groupedBarsChartSpec, type BarDatum } from '../charts/bars.ts';
import { vegaLiteToSvg } from '../charts/render-svg.ts';
import { decimalsFor, formatCount, formatInterval, formatValue } from '../numbers.ts';
import { collectBreakdowns, metricInfo, plural, type BreakdownRow, type BreakdownView } from '../summary-view.ts';
import { escapeHtml } from './escape.ts';

/** Per breakdown: grouped bars of the primary metric (group × model) with intervals, and the numbers in a folded table. */
export async function renderBreakdowns(summary: BenchSummary, models: readonly ModelSummary[]): Promise<string> {
  const breakdowns = collectBreakdowns(summary);
  if (!breakdowns.length) return '';
  const primary = metricInfo(summary, summary.primaryMetric);
  const sections: string[] = [];
  for (const breakdown of breakdowns) sections.push(await renderBreakdown(breakdown, models, primary));
  return `<section id="breakdowns">
<h2>Breakdowns</h2>
<p class="note">${escapeHtml(primary.name)} per group of the dataset's categories; whiskers are 95% intervals, n is the items in the group. Small groups have wide intervals.</p>
${sections.join('\n')}
</section>`;
}

/** A crossed breakdown reads best sorted by score; a single category keeps the dataset's order. */
function orderedRows(breakdown: BreakdownView, primary: MetricInfo): BreakdownRow[] {
  if (breakdown.by.length < 2) return breakdown.rows;
  const mean = (row: BreakdownRow) => {
    const values = [...row.byModel.values()].map((group) => group.metrics[primary.name]?.value).filter((value): value is number => typeof value === 'number');
    return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null;
  };
  const sign = primary.higherIsBetter ? -1 : 1;
  return [...breakdown.rows]
    .map((row) => ({ row, mean: mean(row) }))
    .sort((a, b) => (a.mean === null ? 1 : 0) - (b.mean === null ? 1 : 0) || sign * ((a.mean ?? 0) - (b.mean ?? 0)))
    .map((entry) => entry.row);
}

async function renderBreakdown(breakdown: BreakdownView, models: readonly ModelSummary[], primary: MetricInfo): Promise<string> {
  const decimals = decimalsFor(primary);
  const rows = orderedRows(breakdown, primary);
  const names = models.map((model) => model.model);
  const groupLabel = (row: BreakdownRow) => `${row.display}  (n=${formatCount(row.items)})`;
  const bars: BarDatum[] = rows.flatMap((row) =>
    names.map((model) => {
      const metric = row.byModel.get(model)?.metrics[primary.name];
      return { group: groupLabel(row), model, value: metric?.value ?? null, low: metric?.low ?? null, high: metric?.high ?? null, label: formatValue(metric?.value, decimals) };
    }),
  );
  const svg = await vegaLiteToSvg(
    groupedBarsChartSpec({
      models: names,
      groups: rows.map(groupLabel),
      bars,
      domain: primary.range,
      axisTitle: `${primary.name} (95% interval)`,
      description: `${primary.name} by ${breakdown.title}, per model, with 95% intervals`,
      showValues: rows.length * names.length <= 24,
    }),
  );
  const head = `<tr><th class="text">${escapeHtml(breakdown.title)}</th><th>n</th>${names.map((name) => `<th>${escapeHtml(name)}</th>`).join('')}</tr>`;
  const body = rows
    .map((row) => {
      const cells = names.map((model) => {
        const metric = row.byModel.get(model)?.metrics[primary.name];
        const interval = formatInterval(metric, decimals);
        return `<td><span class="value">${formatValue(metric?.value, decimals)}</span>${interval ? `<span class="interval">${interval}</span>` : ''}</td>`;
      });
      return `<tr><td class="text">${escapeHtml(row.display)}</td><td>${formatCount(row.items)}</td>${cells.join('')}</tr>`;
    })
    .join('');
  return `<article class="breakdown">
<h3>${escapeHtml(primary.name)} by ${escapeHtml(breakdown.title)} <span class="muted">· ${plural(rows.length, 'group')}</span></h3>
<figure class="chart">${svg}</figure>
<details class="table-fold"><summary>Numbers</summary><div class="table-wrap"><table class="numbers"><thead>${head}</thead><tbody>${body}</tbody></table></div></details>
</article>`;
}
