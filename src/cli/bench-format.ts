import { askedBy, averagingNote, type BenchmarkDefinition, type BenchSummary, type MetricSummary, type RunComparison } from '../eval/index.ts';
import { describeOutputModes, type BenchCatalogue, type BenchRunRow, type DatasetStats } from '../run/index.ts';

// How the bench commands print what the operations return.

/** `0.625 [0.550, 0.700]`. */
export function formatInterval(metric: MetricSummary | undefined): string {
  if (!metric || metric.value === null) return '—';
  const value = metric.value.toFixed(3);
  return metric.low === null || metric.high === null ? value : `${value} [${metric.low.toFixed(3)}, ${metric.high.toFixed(3)}]`;
}

/** The run's leaderboard as plain text: one line per model, the primary metric first. */
export function formatLeaderboard(summary: BenchSummary): string {
  const names = [summary.primaryMetric, ...summary.metrics.map((m) => m.name).filter((n) => n !== summary.primaryMetric)].slice(0, 4);
  const rows = [...summary.models].sort((x, y) => (y.metrics[summary.primaryMetric]?.value ?? -Infinity) - (x.metrics[summary.primaryMetric]?.value ?? -Infinity));
  const header = ['MODEL', ...names, 'ITEMS', 'INVALID', 'FAILED'];
  const table = rows.map((m) => [m.model, ...names.map((n) => formatInterval(m.metrics[n])), `${m.items}/${m.planned}`, String(m.invalid), String(m.failed)]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  const averaging = averagingNote(summary);
  const usage = summary.models.reduce((s, m) => ({ calls: s.calls + m.usage.calls, cached: s.cached + m.usage.cachedCalls }), { calls: 0, cached: 0 });
  return [
    `${summary.benchmark.title} — run ${summary.runId} (${summary.status})${summary.mode?.kind === 'agent' ? `, asked by ${askedBy(summary)}` : ''}, 95% bootstrap intervals`,
    line(header), ...table.map(line),
    ...(averaging ? [`metrics ${averaging}`] : []),
    `model calls: ${usage.calls} (${usage.cached} from the cache)${summary.judge ? `; judge ${summary.judge}` : ''}`,
    ...(summary.structuredOutput?.length ? [`structured output: ${describeOutputModes(summary.structuredOutput)}`] : []),
    `report: dramatis bench report ${summary.runId} --out report.html`,
  ].join('\n');
}

/** `bench compare`: one line per model pair with the paired difference. */
export function formatComparison(c: RunComparison): string {
  const side = (id: string, letter: string, askedBy?: string) => `${id} (${letter}${askedBy ? `, ${askedBy}` : ''})`;
  const lines = [`${c.metric}: ${side(c.runA, 'A', c.askedByA)} vs ${side(c.runB, 'B', c.askedByB)}, paired on the items both scored`];
  const sign = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
  for (const pair of c.pairs) {
    const d = pair.difference;
    lines.push(`  ${pair.modelA === pair.modelB ? pair.modelA : `${pair.modelA} vs ${pair.modelB}`}: A ${d.meanA.toFixed(3)}, B ${d.meanB.toFixed(3)}, B − A ${sign(d.difference)} [${sign(d.low)}, ${sign(d.high)}], p = ${d.pValue.toFixed(4)}; n = ${d.n} (B better on ${d.better}, worse on ${d.worse}, same on ${d.ties})${pair.onlyA + pair.onlyB ? `; unpaired: ${pair.onlyA} only in A, ${pair.onlyB} only in B` : ''}`);
    for (const [category, rows] of groupRows(pair.byCategory)) {
      if (rows.length > MAX_CATEGORY_ROWS) {
        lines.push(`    by ${category}: ${rows.length} values (all of them with --json)`);
        continue;
      }
      const width = Math.max(category.length + 3, ...rows.map((row) => String(row.value).length));
      lines.push(`    ${`by ${category}`.padEnd(width)}  ${'n'.padStart(5)}  ${'A'.padStart(6)}  ${'B'.padStart(6)}  B − A [95% interval]`);
      for (const { value, difference: r } of rows) {
        lines.push(`    ${String(value).padEnd(width)}  ${String(r.n).padStart(5)}  ${r.meanA.toFixed(3).padStart(6)}  ${r.meanB.toFixed(3).padStart(6)}  ${sign(r.difference)} [${sign(r.low)}, ${sign(r.high)}]`);
      }
    }
  }
  return lines.join('\n');
}

/** A category with more values than this is summarised in one line (a per-character category of a large set). */
const MAX_CATEGORY_ROWS = 24;

function groupRows(rows: RunComparison['pairs'][number]['byCategory']): [string, typeof rows][] {
  const groups = new Map<string, typeof rows>();
  for (const row of rows) groups.set(row.category, [...(groups.get(row.category) ?? []), row]);
  return [...groups];
}

/** The `bench runs` table. */
export function benchRunsTable(rows: readonly BenchRunRow[]): string[] {
  const width = Math.max(2, ...rows.map((r) => r.id.length));
  return [
    `${'ID'.padEnd(width)}  ${'STATUS'.padEnd(8)}  DONE/FAILED/TOTAL  MODELS`,
    ...rows.map((r) => `${r.id.padEnd(width)}  ${r.status.padEnd(8)}  ${`${r.jobs.done}/${r.jobs.failed}/${r.jobs.total}`.padStart(17)}  ${r.models.join(', ')}`),
  ];
}

/** `bench list`: each benchmark with its data format and source, the other loaders, and the scorers. */
export function formatCatalogue(catalogue: BenchCatalogue, name?: string): string {
  const lines: string[] = [];
  for (const b of catalogue.benchmarks) {
    lines.push(`${b.name} — ${b.title}`);
    if (b.description) lines.push(`  ${b.description}`);
    lines.push(`  data: ${b.format}`, `  from: ${b.source}`, `  scorers: ${b.scorers.join(', ')}`, '');
  }
  if (catalogue.otherLoaders.length) {
    lines.push('Loaders for benchmark YAML files (dataset.loader):');
    for (const l of catalogue.otherLoaders) lines.push(`  ${l.name}: ${l.format}`);
    lines.push('');
  }
  lines.push(`Scorers (scorers: in a benchmark YAML): ${catalogue.scorers.join(', ')}`);
  if (name && catalogue.benchmarks.length === 0) lines.unshift(`no built-in benchmark named '${name}'`);
  return lines.join('\n');
}

/** `bench list NAME --stats`: the items of a data file by each of the benchmark's categories. */
export function formatStats(definition: BenchmarkDefinition, data: string, stats: DatasetStats): string {
  const lines = [`${definition.title ?? definition.name}: ${stats.items} items in ${data}`];
  for (const breakdown of stats.breakdowns) {
    lines.push('', `by ${breakdown.by.join(' × ')}:`);
    const width = Math.max(...Object.keys(breakdown.counts).map((k) => k.length));
    for (const [label, count] of Object.entries(breakdown.counts)) lines.push(`  ${label.padEnd(width)}  ${String(count).padStart(5)}`);
  }
  if (stats.goldLetters) {
    const total = Object.values(stats.goldLetters).reduce((sum, n) => sum + n, 0);
    lines.push('', 'gold answer by option letter:');
    for (const [letter, count] of Object.entries(stats.goldLetters)) lines.push(`  ${letter}  ${String(count).padStart(5)}  ${percent(count, total)}`);
  }
  return lines.join('\n');
}

/** `12.5%` of a total (0% of nothing). */
export function percent(count: number, total: number): string {
  return `${total === 0 ? '0.0' : ((100 * count) / total).toFixed(1)}%`;
}
