/** What `dramatis bench` commands do (loaded only when one runs: see bench-commands.ts). */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { renderItemsCsv, renderMarkdownReport, reportFormatFor, type BenchSummary, type ItemRecord, type ScorerAverage } from '../eval/index.ts';
import {
  benchCatalogue, benchDataStats, buildPersonaEvalFromScenes, buildTomatoFromScenes, benchRunReport, compareBenchRuns, deleteBenchRun, describeError, listBenchRuns, renderBenchReport,
  resumeBenchRun, RunError, startBenchRun, storeWhere, type BenchConnectionSettings, type BenchRunExecutionOptions, type BenchRunOutcome,
  type OptionOrder,
} from '../run/index.ts';
import { formatPersonaEvalBuild, formatTomatoBuild } from './bench-build-format.ts';
import { benchRunsTable, formatCatalogue, formatComparison, formatLeaderboard, formatStats } from './bench-format.ts';
import { maxFileBytes } from './file-limit-option.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { downloadWithProgress } from './local-models.ts';
import { nonNegativeInt, positiveInt, positiveNumber } from './option-values.ts';
import { followRun } from './progress.ts';
import { printRemoval } from './removal.ts';
import { inCliTerms } from './run-errors.ts';
import { readStore, withStore } from './store-option.ts';

// A benchmark run may load local models: main releases them when the command ends.
export { disposeLocalModels as afterCommand } from '../llm/index.ts';

export interface BenchRunFlags {
  data?: string;
  model?: string[];
  judge?: string;
  embeddingModel?: string;
  limit?: string;
  concurrency?: string;
  seed?: string;
  shuffleOptions?: boolean;
  rotateOptions?: boolean;
  average?: string;
  resume?: string;
  runId?: string;
  baseUrl?: string;
  cache: boolean;
  timeout?: string;
  retries?: string;
  report?: string;
  json?: boolean;
  agent?: boolean;
  character?: string;
}

/** The option behind each run setting (to tell which ones a resume was given explicitly). */
const SETTING_OPTIONS: Record<keyof BenchConnectionSettings, string> = { baseURL: 'baseUrl', cache: 'cache', timeoutMs: 'timeout', retries: 'retries' };

function averageOf(value: string | undefined): ScorerAverage | undefined {
  if (value === undefined || value === 'character' || value === 'item') return value;
  throw new UsageError(`--average must be character or item, not '${value}'`);
}

/** `bench run`: a new run of a benchmark, or `--resume` of a stored one. */
export async function benchRun(io: CliIo, name: string | undefined, options: BenchRunFlags, command: Command): Promise<void> {
  if (!name && !options.resume) throw new UsageError('name a benchmark (dramatis bench list) or a YAML file, or --resume RUN_ID');
  if (name && options.resume) throw new UsageError('give either a benchmark or --resume RUN_ID, not both');
  if (options.shuffleOptions && options.rotateOptions) throw new UsageError('--shuffle-options and --rotate-options exclude each other');
  if (options.report) usageFormat(options.report);
  const concurrency = positiveInt(options.concurrency, '--concurrency');
  const limit = positiveInt(options.limit, '--limit');
  const seed = options.seed === undefined ? undefined : nonNegativeInt(options.seed, '--seed');
  const timeoutSeconds = positiveNumber(options.timeout, '--timeout');
  const retries = options.retries === undefined ? undefined : nonNegativeInt(options.retries, '--retries');
  const average = averageOf(options.average);
  const optionOrder: OptionOrder = options.shuffleOptions ? 'shuffled' : options.rotateOptions ? 'rotated' : 'released';
  const settings: BenchConnectionSettings = { baseURL: options.baseUrl, cache: options.cache, ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}), retries };
  const given = (option: string) => command.getOptionValueSource(option) === 'cli';
  await withStore(command, io, async (store) => {
    const follow = followRun(io);
    let shownErrors = 0;
    const execution: BenchRunExecutionOptions = {
      store, env: io.env, concurrency, signal: follow.signal, onStart: follow.onStart, onProgress: follow.onProgress,
      onItemError: (job, error) => {
        // A dead server fails every item the same way: show the first few, count the rest.
        if (shownErrors++ < 5) follow.log(`item ${job.id} failed: ${describeError(error)}`);
      },
    };
    let outcome: BenchRunOutcome;
    try {
      outcome = await inCliTerms(() => (options.resume
        ? resumeBenchRun({
          ...execution, runId: options.resume,
          settings: Object.fromEntries(Object.entries(settings).filter(([key]) => given(SETTING_OPTIONS[key as keyof BenchConnectionSettings]))),
          plan: {
            data: given('data') ? options.data : undefined, models: given('model') ? options.model : undefined, judge: given('judge') ? options.judge : undefined,
            embedding: given('embeddingModel') ? options.embeddingModel : undefined, limit: given('limit') ? limit : undefined, seed: given('seed') ? seed : undefined,
            optionOrder: given('shuffleOptions') || given('rotateOptions') ? optionOrder : undefined, runId: given('runId') ? options.runId : undefined,
            agent: given('agent') ? options.agent : undefined, character: given('character') ? options.character : undefined,
            average,
          },
        })
        : startBenchRun({
          ...execution, benchmark: name!, data: options.data, models: options.model, judge: options.judge, embedding: options.embeddingModel,
          limit, seed, optionOrder, average, settings, runId: options.runId, cwd: io.cwd, maxBytes: maxFileBytes(command, io),
          agent: options.agent, character: options.character,
          download: (modelId) => downloadWithProgress(modelId, io),
        })), {
        resuming: Boolean(options.resume),
        flags: {
          data: '--data', models: '--model', judge: '--judge', embedding: '--embedding-model', limit: '--limit', seed: '--seed', runId: '--run-id', average: '--average',
          optionOrder: options.shuffleOptions ? '--shuffle-options' : '--rotate-options', agent: '--agent', character: '--character',
        },
      });
    } finally {
      follow.stop();
    }
    const { summary, items, result: { counts } } = outcome;
    if (options.report) {
      await writeReport(io, options.report, summary, items);
      writeLine(io.stderr, `wrote ${options.report}`);
    }
    if (options.json) printJson(io, summary);
    else writeLine(io.stdout, formatLeaderboard(summary));
    if (shownErrors > 5) writeLine(io.stderr, `… and ${shownErrors - 5} more failed items`);
    if (outcome.result.interrupted || counts.failed > 0) {
      writeLine(io.stderr, `${outcome.result.interrupted ? 'interrupted' : `${counts.failed} item(s) failed`}; finish the missing items with: dramatis bench run --resume ${outcome.run.id}`);
      throw new RunError('run/incomplete', `run ${outcome.run.id} is not complete (${counts.failed} failed, ${counts.pending + counts.running} unfinished)`, { id: outcome.run.id });
    }
  });
}

/** `bench runs`: the stored benchmark runs with their status. */
export async function benchRuns(io: CliIo, options: { json?: boolean }, command: Command): Promise<void> {
  await readStore(command, io, async (store) => {
    const rows = await listBenchRuns(store);
    if (options.json) return printJson(io, rows);
    if (rows.length === 0) return writeLine(io.stdout, `No benchmark runs yet ${storeWhere(store)}. Start one with: dramatis bench run NAME --data FILE --model SPEC`);
    for (const line of benchRunsTable(rows)) writeLine(io.stdout, line);
  });
}

/** `bench runs delete`: a benchmark run and everything stored for it. */
export async function benchRunsDelete(io: CliIo, runId: string, options: { json?: boolean }, command: Command): Promise<void> {
  await withStore(command, io, async (store) => {
    const removed = await inCliTerms(() => deleteBenchRun(store, runId));
    printRemoval(io, options.json, runId, `deleted benchmark run ${runId}: ${removed.jobs} items, ${removed.usageRows} usage rows`, removed);
  });
}

/** `bench report`: a run's report as a file (by extension) or Markdown on stdout. */
export async function benchReport(io: CliIo, runId: string, options: { out?: string; itemsCsv?: string }, command: Command): Promise<void> {
  await readStore(command, io, async (store) => {
    if (options.out) usageFormat(options.out);
    const { summary, items } = await inCliTerms(() => benchRunReport({ store, runId, env: io.env }));
    if (options.itemsCsv) await writeFile(resolve(io.cwd, options.itemsCsv), renderItemsCsv(items));
    if (!options.out) return void io.stdout.write(renderMarkdownReport(summary));
    await writeReport(io, options.out, summary, items);
    writeLine(io.stderr, `wrote ${options.out}`);
  });
}

/** `bench compare`: the paired difference of two runs. */
export async function benchCompare(io: CliIo, runA: string, runB: string, options: { metric?: string; json?: boolean }, command: Command): Promise<void> {
  await readStore(command, io, async (store) => {
    const comparison = await inCliTerms(() => compareBenchRuns({ store, runA, runB, metric: options.metric }));
    if (options.json) return printJson(io, comparison);
    writeLine(io.stdout, formatComparison(comparison));
  });
}

/** `bench list`: the built-in benchmarks, or with `--stats` what a data file holds. */
export async function benchList(io: CliIo, name: string | undefined, options: { data?: string; stats?: boolean; json?: boolean }, command: Command): Promise<void> {
  if (!options.stats) {
    const catalogue = benchCatalogue(name);
    const text = formatCatalogue(catalogue, name);
    return options.json ? printJson(io, { benchmarks: catalogue.benchmarks, scorers: catalogue.scorers, text }) : writeLine(io.stdout, text);
  }
  if (!name) throw new UsageError('--stats needs a benchmark: dramatis bench list NAME --stats --data FILE');
  const { definition, dataPath, stats } = await benchDataStats({ benchmark: name, data: options.data, cwd: io.cwd, maxBytes: maxFileBytes(command, io) });
  return options.json ? printJson(io, { data: options.data ?? dataPath, ...stats }) : writeLine(io.stdout, formatStats(definition, options.data ?? dataPath, stats));
}

export interface BenchBuildFlags {
  from: string;
  out: string;
  judge?: string;
  seed?: string;
  baseUrl?: string;
  cache: boolean;
  timeout?: string;
  retries?: string;
  json?: boolean;
}

/** `bench build`: a ToMATO or PersonaEval set written from stored scene episodes. */
export async function benchBuild(io: CliIo, name: string, options: BenchBuildFlags, command: Command): Promise<void> {
  if (name !== 'tomato' && name !== 'persona-eval') throw new UsageError(`bench build makes tomato or persona-eval sets, not '${name}'`);
  if (name === 'persona-eval' && options.judge) throw new UsageError('--judge is for tomato (the false-belief flags); a persona-eval set needs no judge');
  const seed = options.seed === undefined ? undefined : nonNegativeInt(options.seed, '--seed');
  const timeoutSeconds = positiveNumber(options.timeout, '--timeout');
  const retries = options.retries === undefined ? undefined : nonNegativeInt(options.retries, '--retries');
  // Reading is enough, unless a judge's calls are cached and counted in the store.
  const open = options.judge ? withStore : readStore;
  await open(command, io, async (store) => {
    if (name === 'tomato') {
      const built = await inCliTerms(() => buildTomatoFromScenes({
        store, from: options.from, out: options.out, cwd: io.cwd, seed, judge: options.judge, env: io.env,
        settings: { baseURL: options.baseUrl, cache: options.cache, ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}), retries },
      }));
      return options.json ? printJson(io, { ...built, out: options.out }) : writeLine(io.stdout, formatTomatoBuild(built, options.out));
    }
    const built = await inCliTerms(() => buildPersonaEvalFromScenes({ store, from: options.from, out: options.out, cwd: io.cwd, seed }));
    return options.json ? printJson(io, { ...built, out: options.out }) : writeLine(io.stdout, formatPersonaEvalBuild(built, options.out));
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

async function writeReport(io: CliIo, file: string, summary: BenchSummary, items: readonly ItemRecord[]): Promise<void> {
  await writeFile(resolve(io.cwd, file), await renderBenchReport(file, summary, items));
}
