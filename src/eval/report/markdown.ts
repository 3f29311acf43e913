import type { BenchSummary, MetricInfo, ModelSummary } from '../results.ts';
import { decimalsFor, formatInterval, formatValue } from './numbers.ts';
import { askedBy, averagingNote, collectBreakdowns, metricInfo, plural, problemCounts, rankModels, type BreakdownView } from './summary-view.ts';

/** Text that Markdown shows as written inside a table cell. */
export function markdownText(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|#]/g, (char) => `\\${char}`);
}

/** A model spec as code; a pipe must still be escaped inside a table. */
function modelCell(model: string): string {
  return `\`${model.replaceAll('`', "'").replaceAll('|', '\\|')}\``;
}

function valueCell(summary: ModelSummary['metrics'][string] | undefined, metric: MetricInfo, bold = false): string {
  const decimals = decimalsFor(metric);
  const value = formatValue(summary?.value, decimals);
  const interval = formatInterval(summary, decimals);
  const shown = bold && value !== '—' ? `**${value}**` : value;
  return interval ? `${shown} ${interval}` : shown;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A short Markdown summary for a pull-request comment: leaderboard, warnings, primary-metric breakdowns (folded). */
export function renderMarkdownReport(summary: BenchSummary): string {
  const primary = metricInfo(summary, summary.primaryMetric);
  const metrics = [primary, ...summary.metrics.filter((metric) => metric.name !== primary.name)];
  const models = rankModels(summary);
  const lines: string[] = [];

  lines.push(`### ${markdownText(summary.benchmark.title)} · run \`${summary.runId}\``, '');
  const facts = [`status **${markdownText(summary.status)}**`, summary.createdAt.slice(0, 10), `seed ${summary.seed}`];
  if (summary.mode?.kind === 'agent') facts.push(`asked by ${markdownText(askedBy(summary))}`);
  if (summary.judge) facts.push(`judge ${modelCell(summary.judge)}`);
  facts.push(`sorted by **${markdownText(primary.name)}** (${primary.higherIsBetter ? 'higher' : 'lower'} is better), 95% bootstrap intervals`);
  lines.push(facts.join(' · '), '');
  const averaging = averagingNote(summary);
  if (averaging) lines.push(`Metrics ${markdownText(averaging)}.`, '');

  lines.push(row(['#', 'Model', ...metrics.map((metric) => markdownText(metric.name)), 'Items', 'Invalid', 'Unjudged', 'Failed']));
  lines.push(row(['--:', ':--', ...metrics.map(() => '--:'), '--:', '--:', '--:', '--:']));
  models.forEach((model, index) => {
    lines.push(
      row([
        String(index + 1),
        modelCell(model.model),
        ...metrics.map((metric) => valueCell(model.metrics[metric.name], metric, metric === primary)),
        model.items === model.planned ? String(model.items) : `${model.items} / ${model.planned}`,
        String(model.invalid),
        String(model.unjudged),
        String(model.failed),
      ]),
    );
  });

  const warning = problemWarning(models);
  if (warning) lines.push('', '> [!WARNING]', `> ${warning}`);

  for (const breakdown of collectBreakdowns(summary)) lines.push('', ...breakdownTable(breakdown, models, primary));
  return `${lines.join('\n')}\n`;
}

function problemWarning(models: readonly ModelSummary[]): string {
  const counts = problemCounts(models);
  const parts: string[] = [];
  if (counts.failed) parts.push(`${plural(counts.failed, 'item')} failed (model errors; \`--resume\` retries them)`);
  if (counts.invalid) parts.push(`${plural(counts.invalid, 'answer')} could not be read (invalid, not counted as right or wrong)`);
  if (counts.unjudged) parts.push(`${plural(counts.unjudged, 'item')} could not be judged`);
  return parts.join(' · ');
}

function breakdownTable(breakdown: BreakdownView, models: readonly ModelSummary[], primary: MetricInfo): string[] {
  const lines = [
    `<details><summary>${escapeSummary(primary.name)} by ${escapeSummary(breakdown.title)} (${plural(breakdown.rows.length, 'group')})</summary>`,
    '',
    row([markdownText(breakdown.title), 'n', ...models.map((model) => modelCell(model.model))]),
    row([':--', '--:', ...models.map(() => '--:')]),
  ];
  for (const group of breakdown.rows) {
    lines.push(
      row([
        markdownText(group.display),
        String(group.items),
        ...models.map((model) => valueCell(group.byModel.get(model.model)?.metrics[primary.name], primary)),
      ]),
    );
  }
  lines.push('', '</details>');
  return lines;
}

/** Text inside the raw-HTML `<summary>` line. */
function escapeSummary(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
