import { dirname, resolve } from 'node:path';
import { costOf, createModelRuntime, formatModelSpec, priceTable, resolveModelSpec, type CostSummary, type Env, type ModelRuntime } from '../llm/index.ts';
import { readSceneSource, type Scene } from '../scene/index.ts';
import type { Run, Store, UsageTotals } from '../store/index.ts';
import { RunError } from './errors.ts';
import type { LocalRunResult, RunProgress } from './local-runner.ts';
import { prepareModelSpecs, type DownloadModel } from './model-preparation.ts';
import { applySettings, assertPlanUnchanged, assertRunIdFree, findRunOfKind } from './run-plan.ts';
import {
  createSceneRun, executeSceneRun, loadRunScene, roleModels, sceneRunRetries, type SceneRunMeta, type SceneRunSettings,
} from './scene-run.ts';
import { runOutputModes, type ModelOutputMode } from './structured-output.ts';

/** Model requests in flight when a caller gives no concurrency. */
export const DEFAULT_SCENE_CONCURRENCY = 4;

/** What a scene run plans: fixed when it starts, refused on a resume. */
export interface ScenePlan {
  /** Model assignments: each episode runs once with each, as the scene's default model (default: the scene's `models.default`, then DRAMATIS_MODEL). */
  models?: string[];
  /** Episodes to run (default 1). */
  episodes?: number;
  /** Run seed (default: the scene's); each episode gets its own seed from it. */
  seed?: number;
  /** The new run's id (default: from the scene's title). */
  runId?: string;
}

/** The plan fields, in the order a refusal names them. */
export const SCENE_PLAN_FIELDS = ['models', 'episodes', 'seed', 'runId'] as const satisfies readonly (keyof ScenePlan)[];

/** How a scene run is executed, and what its caller hears while it runs. */
export interface SceneRunExecutionOptions {
  store: Store;
  env: Env;
  /** Model requests in flight at once (default 4); a quarter more episodes run at once, to keep them busy. */
  concurrency?: number;
  /** The model runtime to share (default: a new one with `concurrency` request slots). */
  runtime?: ModelRuntime;
  /** Stops the run: running episodes stay unfinished, and a resume continues them. */
  signal?: AbortSignal;
  /** Largest scene file read on a resume, in bytes. */
  maxBytes?: number;
  /** The run is stored (a new one) or found (a resume) and about to execute. */
  onStart?: (run: Run) => void;
  onProgress?: (progress: RunProgress) => void;
  /** An episode failed; the run goes on. */
  onEpisodeError?: (episodeId: string, error: unknown) => void;
  /** A warning of an episode (a turn tried again, a lorebook key skipped). */
  onWarning?: (episodeId: string, warning: string) => void;
  /** A note about the run as a whole (a budget lowered to what a model can take). */
  onNote?: (note: string) => void;
}

export interface StartSceneRunOptions extends SceneRunExecutionOptions, ScenePlan {
  /** The scene to run (see {@link readRunScene}). */
  scene: Scene;
  /** Where the scene came from (an absolute path, maybe with `#ID`): a resume reads it again, and the scene's own `local:` paths are relative to it. */
  source: string;
  settings?: SceneRunSettings;
  /** The folder that relative `local:` paths in `models` are relative to (default: the process's). */
  cwd?: string;
  /** Downloads a Hub model the run needs before the run is stored (default: without progress). */
  download?: DownloadModel;
}

export interface ResumeSceneRunOptions extends SceneRunExecutionOptions {
  /** The run to continue: only its failed and unfinished episodes run. */
  runId: string;
  /** Settings for this attempt, stored over the run's (a server on a new port, a longer timeout); undefined ones keep theirs. */
  settings?: SceneRunSettings;
  /** What the caller was asked to plan: refused (`run/fixed-on-resume`), since a resume continues its run as planned. */
  plan?: ScenePlan;
}

/** A run's outcome as its front ends report it. */
export interface SceneRunSummary {
  run: string;
  title: string;
  status: 'done' | 'failed' | 'interrupted';
  episodes: { done: number; failed: number; unfinished: number; total: number };
  /** How often a turn was tried again after a transient failure, and in how many episodes. */
  turnRetries: { total: number; episodes: number };
  models: string[];
  /** Each role model's schema dialect, and whether its server took JSON schemas. */
  structuredOutput: ModelOutputMode[];
  seed: number;
  usage: UsageTotals;
  cost: { usd: number; unpriced: string[] };
}

export interface SceneRunOutcome {
  /** The run as stored when it stopped. */
  run: Run;
  scene: Scene;
  result: LocalRunResult;
  summary: SceneRunSummary;
  /** The cost before rounding (the summary's is rounded to six decimals). */
  cost: CostSummary;
  /** The run's episodes, in job order. */
  episodeIds: string[];
}

/**
 * Reads the scene of a new run: a YAML scene, or one scene of a CharacterBox file (`FILE.json#ID`); a source
 * holding several is refused (`run/several-scenes`). Its warnings (lorebook keys that are skipped) go to `onWarning`.
 * @example const { scene, source } = await readRunScene('examples/scenes/lighthouse.yaml')
 */
export async function readRunScene(file: string, options: { cwd?: string; maxBytes?: number; onWarning?: (warning: string) => void } = {}): Promise<{ scene: Scene; source: string }> {
  const source = resolve(options.cwd ?? process.cwd(), file);
  const scenes = await readSceneSource(source, { maxBytes: options.maxBytes });
  if (scenes.length !== 1) throw new RunError('run/several-scenes', `${file} holds ${scenes.length} scenes; pick one with ${file}#ID`);
  for (const warning of new Set(scenes[0]!.warnings ?? [])) options.onWarning?.(warning);
  return { scene: scenes[0]!, source };
}

/**
 * Starts a scene run: plans its episodes × model assignments, readies its local models (paths made absolute,
 * downloads), stores it, and executes it. An interrupted or partly failed run is resumed with {@link resumeSceneRun}.
 * @example const { summary } = await startSceneRun({ store, env: process.env, ...(await readRunScene('scene.yaml')), models: ['openai:gpt-4o-mini'] })
 */
export async function startSceneRun(options: StartSceneRunOptions): Promise<SceneRunOutcome> {
  const { store, scene, env } = options;
  await assertRunIdFree(store, options.runId);
  // Paths of --model are relative to the caller's folder, the scene file's own models to the scene file.
  const cwd = options.cwd ?? process.cwd();
  const sceneFolder = { env, cwd: dirname(options.source.replace(/#[^/\\]*$/, '')), download: options.download };
  const models = options.models?.length
    ? await prepareModelSpecs(options.models, { env, cwd, download: options.download })
    : await prepareModelSpecs([formatModelSpec(resolveModelSpec({ model: scene.models.default, env }))], sceneFolder);
  await prepareModelSpecs([...new Set(models.flatMap((model) => Object.values(roleModels(scene, model))))], sceneFolder);
  const run = await createSceneRun({
    store, scene, source: options.source, episodes: options.episodes ?? 1, seed: options.seed, models, env, settings: options.settings, runId: options.runId,
  });
  return executeAndSummarize(run, scene, options);
}

/**
 * Resumes a scene run: its failed and unfinished episodes run again, with the settings given for this attempt
 * stored over the run's. Refuses a run of another kind or none (`run/not-found`), a change to its plan
 * (`run/fixed-on-resume`), and a scene file that changed since it started (`scene/invalid`).
 */
export async function resumeSceneRun(options: ResumeSceneRunOptions): Promise<SceneRunOutcome> {
  const found = await findRunOfKind(options.store, options.runId, 'scene');
  assertPlanUnchanged(found, options.plan as Record<string, unknown> | undefined, SCENE_PLAN_FIELDS);
  const run = await applySettings<SceneRunSettings>(options.store, found, options.settings);
  const scene = await loadRunScene(run, { maxBytes: options.maxBytes });
  return executeAndSummarize(run, scene, options);
}

async function executeAndSummarize(run: Run, scene: Scene, options: SceneRunExecutionOptions): Promise<SceneRunOutcome> {
  const { store, env } = options;
  const concurrency = options.concurrency ?? DEFAULT_SCENE_CONCURRENCY;
  options.onStart?.(run);
  const result = await executeSceneRun({
    store, run, scene, env, concurrency, signal: options.signal,
    runtime: options.runtime ?? createModelRuntime({ concurrency }),
    onProgress: options.onProgress,
    onJobError: (job, error) => options.onEpisodeError?.(String(job.input.episodeId), error),
    onWarning: options.onWarning,
    onNote: options.onNote,
  });
  const stored = (await store.getRun(run.id)) ?? run;
  const { summary, cost } = await summarizeSceneRun({ store, run: stored, scene, env, result });
  const episodeIds = (await store.listJobs(run.id)).map((job) => String(job.input.episodeId));
  return { run: stored, scene, result, summary, cost, episodeIds };
}

/** A scene run's summary after an execution: episodes by outcome, turn retries, structured output, usage and cost. */
export async function summarizeSceneRun(options: { store: Store; run: Run; scene: Scene; env: Env; result: LocalRunResult }): Promise<{ summary: SceneRunSummary; cost: CostSummary }> {
  const { store, run, scene, env, result } = options;
  const meta = run.meta as unknown as SceneRunMeta;
  const { counts } = result;
  const usage = await store.usageTotals({ runId: run.id });
  const cost = costOf(await store.usageByModel({ runId: run.id }), priceTable(env));
  const turnRetries = await sceneRunRetries(store, run.id);
  const roleModelSpecs = meta.models.flatMap((model) => Object.values(roleModels(scene, model)));
  const structuredOutput = runOutputModes(run, roleModelSpecs, { env, baseURL: meta.settings?.baseURL });
  const summary: SceneRunSummary = {
    run: run.id, title: run.title, status: result.interrupted ? 'interrupted' : counts.failed > 0 ? 'failed' : 'done',
    episodes: { done: counts.done, failed: counts.failed, unfinished: counts.pending + counts.running, total: counts.total },
    turnRetries, models: meta.models, structuredOutput, seed: meta.seed, usage, cost: { usd: Number(cost.usd.toFixed(6)), unpriced: cost.unpriced },
  };
  return { summary, cost };
}
