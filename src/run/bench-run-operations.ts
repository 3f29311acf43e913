import { resolve } from 'node:path';
import { readCharacterFile } from '../character/index.ts';
import { findLoader, resolveBenchmark, withAverage, type BenchSummary, type ItemRecord, type ScorerAverage } from '../eval/index.ts';
import { createModelRuntime, formatModelSpec, resolveModelSpec, type Env, type ModelRuntime } from '../llm/index.ts';
import type { Job, Run, Store } from '../store/index.ts';
import {
  benchItemRecords, createBenchRun, executeBenchRun, summarizeBenchRun, type BenchRunSettings, type OptionOrder,
} from './bench-run.ts';
import type { LocalRunResult, RunProgress } from './local-runner.ts';
import { prepareModelSpecs, type DownloadModel } from './model-preparation.ts';
import { isSceneJudgeRun, resumeSceneJudge } from './scene-judge.ts';
import { applySettings, assertPlanUnchanged, assertRunIdFree, findRunOfKind } from './run-plan.ts';

/** Items in flight when a caller gives no concurrency. */
export const DEFAULT_BENCH_CONCURRENCY = 8;

/** What a benchmark run plans: fixed when it starts, refused on a resume. */
export interface BenchPlan {
  /** A built-in benchmark's name or a benchmark YAML file. */
  benchmark?: string;
  /** The released data file (overrides the definition's `dataset.path`). */
  data?: string;
  /** Models under test (default: DRAMATIS_MODEL, then local:default). */
  models?: string[];
  /** Judge model for judged scorers (overrides `judge.model`). */
  judge?: string;
  /** Embedding model for scorers that embed (overrides `embedding.model`). */
  embedding?: string;
  /** Only the first N items, in released order. */
  limit?: number;
  /** Run seed (default 1): sampling seeds per item, option shuffles, bootstrap. */
  seed?: number;
  /** How options are shown (default as released). */
  optionOrder?: OptionOrder;
  /** The new run's id (default: from the benchmark's name). */
  runId?: string;
  /** Play every item through the character agent (its sheet and thought structure) instead of the released prompt. */
  agent?: boolean;
  /** A card file (JSON, PNG, CHARX) that plays every item through the agent, where the benchmark allows it. */
  character?: string;
  /**
   * How scorers with an `average` option average (Concept Incongruence's abstention): `character` first, then across
   * characters, as the authors do (their default), or over `item`s. Default: the definition's own.
   */
  average?: ScorerAverage;
}

/** The plan fields, in the order a refusal names them. */
export const BENCH_PLAN_FIELDS = [
  'benchmark', 'data', 'models', 'judge', 'embedding', 'limit', 'seed', 'optionOrder', 'runId', 'agent', 'character', 'average',
] as const satisfies readonly (keyof BenchPlan)[];

/** How a benchmark run talks to its models; may change between attempts. */
export type BenchConnectionSettings = Omit<BenchRunSettings, 'options'>;

export interface BenchRunExecutionOptions {
  store: Store;
  env: Env;
  /** Model requests in flight at once (default 8). */
  concurrency?: number;
  /** The model runtime to share (default: a new one with `concurrency` request slots). */
  runtime?: ModelRuntime;
  /** Stops the run: running items stay unfinished, and a resume asks them again. */
  signal?: AbortSignal;
  /** The run is stored (a new one) or found (a resume) and about to execute. */
  onStart?: (run: Run) => void;
  onProgress?: (progress: RunProgress) => void;
  /** An item failed; the run goes on. */
  onItemError?: (job: Job, error: unknown) => void;
}

export interface StartBenchRunOptions extends BenchRunExecutionOptions, BenchPlan {
  benchmark: string;
  settings?: BenchConnectionSettings;
  /** The folder relative paths (the YAML file, `data`, `local:` models) are relative to (default: the process's). */
  cwd?: string;
  /** Largest benchmark and data file read, in bytes. */
  maxBytes?: number;
  /** Downloads a Hub model the run needs before the run is stored (default: without progress). */
  download?: DownloadModel;
}

export interface ResumeBenchRunOptions extends BenchRunExecutionOptions {
  /** The run to continue: only its failed and unfinished items are asked. */
  runId: string;
  /** Settings for this attempt, stored over the run's; undefined ones keep theirs. */
  settings?: BenchConnectionSettings;
  /** What the caller was asked to plan: refused (`run/fixed-on-resume`), since a resume continues its run as planned. */
  plan?: BenchPlan;
}

export interface BenchRunOutcome {
  /** The run as stored when it stopped. */
  run: Run;
  result: LocalRunResult;
  summary: BenchSummary;
  /** Every item × model, for reports. */
  items: ItemRecord[];
}

/**
 * Starts a benchmark run: resolves the benchmark and loads its data, readies the local models, plans items ×
 * models, stores the run and executes it. An interrupted or partly failed run is resumed with {@link resumeBenchRun}.
 * @example const { summary } = await startBenchRun({ store, env: process.env, benchmark: 'tomato', data: 'tomato_fb.json', models: ['openai:gpt-4o-mini'] })
 */
export async function startBenchRun(options: StartBenchRunOptions): Promise<BenchRunOutcome> {
  const { store, env } = options;
  const cwd = options.cwd ?? process.cwd();
  await assertRunIdFree(store, options.runId);
  const resolved = await resolveBenchmark(options.benchmark, { data: options.data, cwd, maxBytes: options.maxBytes });
  const benchmark = options.average ? { ...resolved, definition: withAverage(resolved.definition, options.average) } : resolved;
  const character = options.character ? { path: options.character, character: (await readCharacterFile(resolve(cwd, options.character), { maxBytes: options.maxBytes })).character } : undefined;
  const items = await findLoader(benchmark.definition.dataset.loader).load(benchmark.dataPath, { maxBytes: options.maxBytes });
  const preparing = { env, cwd, download: options.download };
  const models = await prepareModelSpecs(options.models?.length ? options.models : [formatModelSpec(resolveModelSpec({ env }))], preparing);
  const [judge] = options.judge ? await prepareModelSpecs([options.judge], preparing) : [];
  const run = await createBenchRun({
    store, benchmark, items, models, judge, embedding: options.embedding, env, seed: options.seed, limit: options.limit,
    settings: { options: options.optionOrder ?? 'released', ...options.settings }, runId: options.runId,
    agent: options.agent, character,
  });
  return executeAndSummarize(run, options);
}

/**
 * Resumes a benchmark run: its failed and unfinished items are asked again, with the settings given for this
 * attempt stored over the run's. Refuses a run of another kind or none (`run/not-found`) and a change to its plan
 * (`run/fixed-on-resume`).
 */
export async function resumeBenchRun(options: ResumeBenchRunOptions): Promise<BenchRunOutcome> {
  const found = await findRunOfKind(options.store, options.runId, 'bench');
  // A judge run of a scene answers from its items (the logged lines): it has its own executor.
  if (isSceneJudgeRun(found)) return resumeSceneJudge({ ...options, plan: undefined });
  assertPlanUnchanged(found, options.plan as Record<string, unknown> | undefined, BENCH_PLAN_FIELDS);
  const run = await applySettings<BenchConnectionSettings>(options.store, found, options.settings);
  return executeAndSummarize(run, options);
}

async function executeAndSummarize(run: Run, options: BenchRunExecutionOptions): Promise<BenchRunOutcome> {
  const { store, env } = options;
  const concurrency = options.concurrency ?? DEFAULT_BENCH_CONCURRENCY;
  options.onStart?.(run);
  const result = await executeBenchRun({
    store, run, env, concurrency, signal: options.signal,
    runtime: options.runtime ?? createModelRuntime({ concurrency }),
    onProgress: options.onProgress, onJobError: options.onItemError,
  });
  const stored = (await store.getRun(run.id)) ?? run;
  const items = await benchItemRecords(store, stored);
  return { run: stored, result, summary: await summarizeBenchRun(store, stored, env, items), items };
}
