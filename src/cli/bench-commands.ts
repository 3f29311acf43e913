import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveBenchmark } from '../eval/benchmark-file.ts';
import { compareRuns, type RunComparison } from '../eval/compare.ts';
import { findLoader } from '../eval/loaders/index.ts';
import { renderCsv, renderHtmlReport, renderItemsCsv, renderJsonReport, renderMarkdownReport, reportFormatFor } from '../eval/report/index.ts';
import type { BenchSummary, MetricSummary } from '../eval/results.ts';
import { createModelRuntime } from '../llm/index.ts';
import { benchItemRecords, benchMeta, createBenchRun, definitionMetrics, executeBenchRun, summarizeBenchRun, type BenchRunSettings, type OptionOrder } from '../run/bench-run.ts';
import { describeError, displayStatus } from '../run/local-runner.ts';
import { createProgressReporter } from '../run/progress.ts';
import type { Run, Store } from '../store/types.ts';
import { benchCatalogue, datasetStats, formatStats } from './bench-list.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { collect, nonNegativeInt, positiveInt, positiveNumber } from './option-values.ts';
import { withStore } from './store-option.ts';

interface RunOptions {
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

/** Commands under `dramatis bench`: run (and resume), runs, report, compare, list. */
export function registerBenchCommands(program: Command, io: CliIo): void {
  const bench = program.command('bench').description('Benchmarks: run published role-play benchmarks against models, score, report, compare');

  bench.command('run')
    .description('Run a benchmark (built-in name or YAML file) against one or more models, or resume a run')
    .argument('[benchmark]', 'built-in name (see: dramatis bench list) or benchmark YAML file')
    .option('--data <path>', "the benchmark's released data file (overrides the YAML's dataset.path)")
    .option('-m, --model <spec>', 'model under test (repeat to compare several)', collect)
    .option('--judge <spec>', 'judge model for judged scorers (overrides judge.model)')
    .option('--embedding-model <spec>', 'embedding model for scorers that embed, e.g. think-act by embedding (overrides embedding.model)')
    .option('--limit <n>', 'only the first N items, in released order')
    .option('--concurrency <n>', 'items in flight at once (default 8)')
    .option('--seed <n>', 'run seed: sampling seeds per item, option shuffles, bootstrap (default 1)')
    .option('--shuffle-options', 'show the options in a seeded random order per item (default: as released)')
    .option('--rotate-options', 'ask every item once per cyclic rotation of its options and average (removes position bias)')
    .option('--resume <run>', 'continue a run: only its failed and unfinished items')
    .option('--run-id <id>', 'id for a new run (default: from the benchmark name)')
    .option('--base-url <url>', 'API base URL for openai-compatible servers (or DRAMATIS_BASE_URL)')
    .option('--no-cache', 'bypass the response cache')
    .option('--timeout <seconds>', 'timeout per model call attempt (default 120)')
    .option('--retries <n>', 'retries after a rate limit, server error, timeout or network error (default 4)')
    .option('--report <file>', 'also write a report (.html, .md, .csv or .json)')
    .option('--json', 'print the run summary as JSON')
    .addHelpText('after', [
      '',
      'Examples:',
      '  $ dramatis bench run tomato --data tomato_fb.json --model openai:gpt-4o-mini --model ollama:llama3.1:8b',
      '  $ dramatis bench run examples/bench/persona-eval.yaml --limit 200 --concurrency 16',
      '  $ dramatis bench run --resume tomato-3f2a1c        # after a crash or Ctrl-C',
    ].join('\n'))
    .action(async (name: string | undefined, options: RunOptions, command: Command) => {
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
          const benchmark = await resolveBenchmark(name!, { data: options.data, cwd: io.cwd });
          const items = await findLoader(benchmark.definition.dataset.loader).load(benchmark.dataPath);
          run = await createBenchRun({
            store, benchmark, items, models: options.model ?? [], judge: options.judge, embedding: options.embeddingModel, env: io.env, seed, limit, settings, runId: options.runId,
          });
        }
        await executeRun(store, run, options, concurrency, io);
      });
    });

  bench.command('runs')
    .description('List benchmark runs with their status (find a killed run to --resume)')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExample:\n  $ dramatis bench runs')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withStore(command, io, async (store) => {
        const runs = await store.listRuns({ kind: 'bench' });
        const rows = await Promise.all(runs.map(async (run) => ({
          id: run.id, benchmark: benchMeta(run).benchmark, status: displayStatus(run), models: benchMeta(run).models,
          jobs: await store.jobCounts(run.id), createdAt: run.createdAt,
        })));
        if (options.json) return printJson(io, rows);
        if (rows.length === 0) return writeLine(io.stdout, 'No benchmark runs yet. Start one with: dramatis bench run NAME --data FILE --model SPEC');
        const width = Math.max(2, ...rows.map((r) => r.id.length));
        writeLine(io.stdout, `${'ID'.padEnd(width)}  ${'STATUS'.padEnd(8)}  DONE/FAILED/TOTAL  MODELS`);
        for (const r of rows) {
          writeLine(io.stdout, `${r.id.padEnd(width)}  ${r.status.padEnd(8)}  ${`${r.jobs.done}/${r.jobs.failed}/${r.jobs.total}`.padStart(17)}  ${r.models.join(', ')}`);
        }
      });
    });

  bench.command('report')
    .description('Write a report of a run: self-contained HTML with charts, Markdown, CSV or JSON (Markdown on stdout without --out)')
    .argument('<run>', 'run id')
    .option('--out <file>', 'report file; the format follows the extension (.html, .md, .csv, .json)')
    .option('--items-csv <file>', 'also write one CSV row per item × model')
    .addHelpText('after', '\nExamples:\n  $ dramatis bench report tomato-3f2a1c --out report.html\n  $ dramatis bench report tomato-3f2a1c > summary.md')
    .action(async (runId: string, options: { out?: string; itemsCsv?: string }, command: Command) => {
      await withStore(command, io, async (store) => {
        if (options.out) usageFormat(options.out);
        const run = await findBenchRun(store, runId);
        const items = await benchItemRecords(store, run);
        const summary = await summarizeBenchRun(store, run, io.env, items);
        if (options.itemsCsv) await writeFile(resolve(io.cwd, options.itemsCsv), renderItemsCsv(items));
        if (!options.out) return void io.stdout.write(renderMarkdownReport(summary));
        await writeReport(resolve(io.cwd, options.out), summary, items);
        writeLine(io.stderr, `wrote ${options.out}`);
      });
    });

  bench.command('compare')
    .description('Paired comparison of two runs on the items both scored: difference (B − A) with a bootstrap 95% interval')
    .argument('<runA>', 'baseline run id')
    .argument('<runB>', 'run id to compare with it')
    .option('--metric <name>', "metric to compare (default: the benchmark's primary metric)")
    .option('--json', 'print the comparison as JSON')
    .addHelpText('after', '\nExample:\n  $ dramatis bench compare tomato-3f2a1c tomato-9b0e4d --metric accuracy')
    .action(async (runA: string, runB: string, options: { metric?: string; json?: boolean }, command: Command) => {
      await withStore(command, io, async (store) => {
        const [a, b] = [await findBenchRun(store, runA), await findBenchRun(store, runB)];
        const side = async (run: Run) => {
          const meta = benchMeta(run);
          const { metrics } = definitionMetrics(meta.definition);
          return { id: run.id, models: meta.models, primaryMetric: meta.definition.primaryMetric ?? metrics[0]?.name ?? '', items: await benchItemRecords(store, run) };
        };
        const comparison = compareRuns({ a: await side(a), b: await side(b), metric: options.metric });
        if (options.json) return printJson(io, comparison);
        writeLine(io.stdout, formatComparison(comparison));
      });
    });

  bench.command('list')
    .description('Built-in benchmarks, their loaders and data formats; with --stats and --data, what a data file holds')
    .argument('[benchmark]', 'one built-in benchmark or YAML file')
    .option('--data <path>', 'a data file to load (with --stats)')
    .option('--stats', "load the data and count its items by the benchmark's categories")
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis bench list\n  $ dramatis bench list tomato --stats --data tomato_fb.json')
    .action(async (name: string | undefined, options: { data?: string; stats?: boolean; json?: boolean }) => {
      if (!options.stats) {
        const catalogue = benchCatalogue(name);
        return options.json ? printJson(io, catalogue) : writeLine(io.stdout, catalogue.text);
      }
      if (!name) throw new UsageError('--stats needs a benchmark: dramatis bench list NAME --stats --data FILE');
      const benchmark = await resolveBenchmark(name, { data: options.data, cwd: io.cwd });
      const items = await findLoader(benchmark.definition.dataset.loader).load(benchmark.dataPath);
      const stats = datasetStats(benchmark.definition, items);
      return options.json ? printJson(io, { data: options.data ?? benchmark.dataPath, ...stats }) : writeLine(io.stdout, formatStats(benchmark.definition, options.data ?? benchmark.dataPath, stats));
    });
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
  if (!run || run.kind !== 'bench') throw Object.assign(new Error(`no benchmark run with id '${id}'; list them with: dramatis bench runs`), { code: 'cli/not-found' });
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
