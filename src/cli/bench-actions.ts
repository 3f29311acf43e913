/** What `dramatis bench` commands do (loaded only when one runs: see bench-commands.ts). */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  resolveBenchmark, compareRuns, type RunComparison, findLoader, renderCsv, renderHtmlReport, renderItemsCsv, renderJsonReport,
  renderMarkdownReport, reportFormatFor, type BenchSummary, type MetricSummary,
} from '../eval/index.ts';
import { createModelRuntime, formatModelSpec, resolveModelSpec } from '../llm/index.ts';
import { prepareModels } from './local-models.ts';
import {
  benchItemRecords, benchMeta, createBenchRun, executeBenchRun, primaryMetricOf, summarizeBenchRun, type BenchRunSettings, type OptionOrder,
  describeError, displayStatus, createProgressReporter, deleteRun, describeOutputModes,
} from '../run/index.ts';
import type { Run, Store } from '../store/index.ts';
import { benchCatalogue, datasetStats, formatStats } from './bench-list.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { nonNegativeInt, positiveInt, positiveNumber } from './option-values.ts';
import { lookedIn, readStore, withStore } from './store-option.ts';
import { printRemoval } from './removal.ts';
import { maxFileBytes } from './file-limit-option.ts';

export interface RunOptions {
  data?: string;
  model?: string[];
  judge?: string;
  embeddingModel?: string;
  limit?: string;
  concurrency?: string;
  seed?: string;
  shuffleOptions?: boolean;
  rotateOptions?: boolean;
  resume?: string;
  runId?: string;
  baseUrl?: string;
  cache: boolean;
  timeout?: string;
  retries?: string;
  report?: string;
  json?: boolean;
}

/** The option behind each run setting (to tell which ones a resume was given explicitly). */
const settingOption: Record<string, string> = { baseURL: 'baseUrl', cache: 'cache', timeoutMs: 'timeout', retries: 'retries' };

/** `bench run`: a new run of a benchmark, or `--resume` of a stored one. */
export async function benchRun(name: string | undefined, options: RunOptions, command: Command, io: CliIo): Promise<void> {
  if (!name && !options.resume) throw new UsageError('name a benchmark (dramatis bench list) or a YAML file, or --resume RUN_ID');
  if (name && options.resume) throw new UsageError('give either a benchmark or --resume RUN_ID, not both');
  if (options.shuffleOptions && options.rotateOptions) throw new UsageError('--shuffle-options and --rotate-options exclude each other');
  if (options.report) usageFormat(options.report);
  const concurrency = positiveInt(options.concurrency, '--concurrency') ?? 8;
  const limit = positiveInt(options.limit, '--limit');
  const seed = options.seed === undefined ? undefined : nonNegativeInt(options.seed, '--seed');
  const timeoutSeconds = positiveNumber(options.timeout, '--timeout');
  const retries = options.retries === undefined ? undefined : nonNegativeInt(options.retries, '--retries');
  const order: OptionOrder = options.shuffleOptions ? 'shuffled' : options.rotateOptions ? 'rotated' : 'released';
  const settings: BenchRunSettings = {
    options: order, baseURL: options.baseUrl, cache: options.cache, ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}), retries,
  };
  await withStore(command, io, async (store) => {
    let run: Run;
    if (options.resume) {
      const found = await store.getRun(options.resume);
      if (!found || found.kind !== 'bench') throw new UsageError(`no benchmark run with id '${options.resume}'; list them with: dramatis bench runs`);
      const fixed = ['data', 'model', 'judge', 'embeddingModel', 'limit', 'seed', 'shuffleOptions', 'rotateOptions', 'runId'].filter((key) => command.getOptionValueSource(key) === 'cli');
      if (fixed.length) {
        throw new UsageError(`--resume continues run ${found.id} as it was planned; ${fixed.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} cannot change it (start a new run instead)`);
      }
      const overrides = Object.fromEntries(Object.entries(settings).filter(([key]) => settingOption[key] && command.getOptionValueSource(settingOption[key]) === 'cli'));
      run = Object.keys(overrides).length
        ? await store.updateRun(found.id, { meta: { settings: { ...(found.meta.settings as object), ...overrides } } })
        : found;
    } else {
      if (options.runId && (await store.getRun(options.runId))) {
        throw new UsageError(`a run with id '${options.runId}' already exists; continue it with --resume ${options.runId}, or pick another --run-id`);
      }
      const maxBytes = maxFileBytes(command, io);
      const benchmark = await resolveBenchmark(name!, { data: options.data, cwd: io.cwd, maxBytes });
      const items = await findLoader(benchmark.definition.dataset.loader).load(benchmark.dataPath, { maxBytes });
      const models = await prepareModels(options.model?.length ? options.model : [formatModelSpec(resolveModelSpec({ env: io.env }))], io);
      const [judge] = options.judge ? await prepareModels([options.judge], io) : [];
      run = await createBenchRun({
        store, benchmark, items, models, judge, embedding: options.embeddingModel, env: io.env, seed, limit, settings, runId: options.runId,
      });
    }
    await executeRun(store, run, options, concurrency, io);
  });
}

/** `bench runs`: the stored benchmark runs with their status. */
export async function benchRuns(options: { json?: boolean }, command: Command, io: CliIo): Promise<void> {
  await readStore(command, io, async (store) => {
    const runs = await store.listRuns({ kind: 'bench' });
    const rows = await Promise.all(runs.map(async (run) => ({
      id: run.id, benchmark: benchMeta(run).benchmark, status: displayStatus(run), models: benchMeta(run).models,
      jobs: await store.jobCounts(run.id), createdAt: run.createdAt,
    })));
    if (options.json) return printJson(io, rows);
    if (rows.length === 0) return writeLine(io.stdout, `No benchmark runs yet ${lookedIn(store)}. Start one with: dramatis bench run NAME --data FILE --model SPEC`);
    const width = Math.max(2, ...rows.map((r) => r.id.length));
    writeLine(io.stdout, `${'ID'.padEnd(width)}  ${'STATUS'.padEnd(8)}  DONE/FAILED/TOTAL  MODELS`);
    for (const r of rows) {
      writeLine(io.stdout, `${r.id.padEnd(width)}  ${r.status.padEnd(8)}  ${`${r.jobs.done}/${r.jobs.failed}/${r.jobs.total}`.padStart(17)}  ${r.models.join(', ')}`);
    }
  });
}

/** `bench runs delete`: a benchmark run and everything stored for it. */
export async function benchRunsDelete(runId: string, options: { json?: boolean }, command: Command, io: CliIo): Promise<void> {
  await withStore(command, io, async (store) => {
    await findBenchRun(store, runId);
    const removed = await deleteRun(store, runId, 'bench');
    printRemoval(io, options.json, runId, `deleted benchmark run ${runId}: ${removed.jobs} items, ${removed.usageRows} usage rows`, removed);
  });
}

/** `bench report`: a run's report as a file (by extension) or Markdown on stdout. */
export async function benchReport(runId: string, options: { out?: string; itemsCsv?: string }, command: Command, io: CliIo): Promise<void> {
  await readStore(command, io, async (store) => {
    if (options.out) usageFormat(options.out);
    const run = await findBenchRun(store, runId);
    const items = await benchItemRecords(store, run);
    const summary = await summarizeBenchRun(store, run, io.env, items);
    if (options.itemsCsv) await writeFile(resolve(io.cwd, options.itemsCsv), renderItemsCsv(items));
    if (!options.out) return void io.stdout.write(renderMarkdownReport(summary));
    await writeReport(resolve(io.cwd, options.out), summary, items);
    writeLine(io.stderr, `wrote ${options.out}`);
  });
}

/** `bench compare`: the paired difference of two runs. */
export async function benchCompare(runA: string, runB: string, options: { metric?: string; json?: boolean }, command: Command, io: CliIo): Promise<void> {
  await readStore(command, io, async (store) => {
    const [a, b] = [await findBenchRun(store, runA), await findBenchRun(store, runB)];
    const side = async (run: Run) => {
      const meta = benchMeta(run);
      return { id: run.id, models: meta.models, primaryMetric: primaryMetricOf(meta.definition), items: await benchItemRecords(store, run) };
    };
    const comparison = compareRuns({ a: await side(a), b: await side(b), metric: options.metric });
    if (options.json) return printJson(io, comparison);
    writeLine(io.stdout, formatComparison(comparison));
  });
}

/** `bench list`: the built-in benchmarks, or with `--stats` what a data file holds. */
export async function benchList(name: string | undefined, options: { data?: string; stats?: boolean; json?: boolean }, command: Command, io: CliIo): Promise<void> {
  if (!options.stats) {
    const catalogue = benchCatalogue(name);
    return options.json ? printJson(io, catalogue) : writeLine(io.stdout, catalogue.text);
  }
  if (!name) throw new UsageError('--stats needs a benchmark: dramatis bench list NAME --stats --data FILE');
  const maxBytes = maxFileBytes(command, io);
  const benchmark = await resolveBenchmark(name, { data: options.data, cwd: io.cwd, maxBytes });
  const items = await findLoader(benchmark.definition.dataset.loader).load(benchmark.dataPath, { maxBytes });
  const stats = datasetStats(benchmark.definition, items);
  return options.json ? printJson(io, { data: options.data ?? benchmark.dataPath, ...stats }) : writeLine(io.stdout, formatStats(benchmark.definition, options.data ?? benchmark.dataPath, stats));
}

/** The report format of a file name, or a usage error listing the formats. */
function usageFormat(path: string): void {
  try {
reportFormatFor(path);
  } catch (error) {
throw new UsageError((error as Error).message);
  }
}

async function findBenchRun(store: Store, id: string): Promise<Run> {
  const run = await store.getRun(id);
  if (!run || run.kind !== 'bench') throw Object.assign(new Error(`no benchmark run with id '${id}' ${lookedIn(store)}; list them with: dramatis bench runs`), { code: 'cli/not-found' });
  return run;
}

async function executeRun(store: Store, run: Run, options: RunOptions, concurrency: number, io: CliIo): Promise<void> {
  const controller = new AbortController();
  const removeInterrupt = io.onInterrupt(() => controller.abort());
  const progress = createProgressReporter({ stream: io.stderr, label: `run ${run.id}` });
  let shownErrors = 0;
  let result;
  try {
    result = await executeBenchRun({
      store, run, env: io.env, concurrency, signal: controller.signal,
      runtime: createModelRuntime({ concurrency }),
      onProgress: (p) => progress.update(p),
      onJobError: (job, error) => {
        // A dead server fails every item the same way: show the first few, count the rest.
        if (shownErrors++ < 5) progress.log(`item ${job.id} failed: ${describeError(error)}`);
      },
    });
  } finally {
    progress.stop();
    removeInterrupt();
  }
  const current = (await store.getRun(run.id))!;
  const items = await benchItemRecords(store, current);
  const summary = await summarizeBenchRun(store, current, io.env, items);
  if (options.report) {
    await writeReport(resolve(io.cwd, options.report), summary, items);
    writeLine(io.stderr, `wrote ${options.report}`);
  }
  if (options.json) printJson(io, summary);
  else writeLine(io.stdout, formatLeaderboard(summary));
  const { counts } = result;
  if (shownErrors > 5) writeLine(io.stderr, `… and ${shownErrors - 5} more failed items`);
  if (result.interrupted || counts.failed > 0) {
    writeLine(io.stderr, `${result.interrupted ? 'interrupted' : `${counts.failed} item(s) failed`}; finish the missing items with: dramatis bench run --resume ${run.id}`);
    throw Object.assign(new Error(`run ${run.id} is not complete (${counts.failed} failed, ${counts.pending + counts.running} unfinished)`), { code: 'run/incomplete' });
  }
}

async function writeReport(path: string, summary: BenchSummary, items: Parameters<typeof renderHtmlReport>[1]): Promise<void> {
  const format = reportFormatFor(path);
  const text = format === 'html' ? await renderHtmlReport(summary, items)
    : format === 'md' ? renderMarkdownReport(summary)
    : format === 'csv' ? renderCsv(summary)
    : renderJsonReport(summary, items);
  await writeFile(path, text);
}

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
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  const usage = summary.models.reduce((s, m) => ({ calls: s.calls + m.usage.calls, cached: s.cached + m.usage.cachedCalls }), { calls: 0, cached: 0 });
  return [
    `${summary.benchmark.title} — run ${summary.runId} (${summary.status}), 95% bootstrap intervals`,
    line(header), ...table.map(line),
    `model calls: ${usage.calls} (${usage.cached} from the cache)${summary.judge ? `; judge ${summary.judge}` : ''}`,
    ...(summary.structuredOutput?.length ? [`structured output: ${describeOutputModes(summary.structuredOutput)}`] : []),
    `report: dramatis bench report ${summary.runId} --out report.html`,
  ].join('\n');
}

function formatComparison(c: RunComparison): string {
  const lines = [`${c.metric}: ${c.runA} (A) vs ${c.runB} (B), paired on the items both scored`];
  for (const pair of c.pairs) {
    const d = pair.difference;
    const sign = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
    lines.push(`  ${pair.modelA === pair.modelB ? pair.modelA : `${pair.modelA} vs ${pair.modelB}`}: A ${d.meanA.toFixed(3)}, B ${d.meanB.toFixed(3)}, B − A ${sign(d.difference)} [${sign(d.low)}, ${sign(d.high)}], p = ${d.pValue.toFixed(4)}; n = ${d.n} (B better on ${d.better}, worse on ${d.worse}, same on ${d.ties})${pair.onlyA + pair.onlyB ? `; unpaired: ${pair.onlyA} only in A, ${pair.onlyB} only in B` : ''}`);
  }
  return lines.join('\n');
}
