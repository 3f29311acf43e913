import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { CompactedBlock } from '../agent/index.ts';
import {
  characterItems, createJudge, createScorer, EvalError, replyText, resolveSceneRubric, sceneJudgeDefinition, utteranceItems, type BenchItem,
  type JudgedEpisode, type SceneJudgeSource, type SceneRubric,
} from '../eval/index.ts';
import type { SceneEvent } from '../events/index.ts';
import { createLanguageModel, createModelRuntime, formatModelSpec, parseModelSpec, resolveEndpoint, type Env, type ModelRuntime } from '../llm/index.ts';
import { createSceneAgent, sceneCharacterSheet, sceneRules, seededInt, type Scene } from '../scene/index.ts';
import type { Job, Run, Store } from '../store/index.ts';
import { readableId } from '../text/index.ts';
import type { BenchConnectionSettings, BenchRunExecutionOptions, BenchRunOutcome } from './bench-run-operations.ts';
import { benchItemRecords, benchMeta, summarizeBenchRun, type BenchJobInput, type BenchRunMeta } from './bench-run.ts';
import { runLocal, type LocalRunResult } from './local-runner.ts';
import { applySettings, assertPlanUnchanged, assertRunIdFree, findRunOfKind } from './run-plan.ts';
import { activeEpisodesFor, loadRunScene } from './scene-run.ts';
import { RunOutputModes } from './structured-output.ts';

// Judging characters inside scenes: a benchmark run (kind `bench`) whose items come from a scene run's log and whose
// answers are the characters' own logged lines, read from the items instead of asked of a model.

/** What a judge run records beyond a benchmark run's fields. */
export interface SceneJudgeMeta {
  /** The scene run judged. */
  sceneRun: string;
  rubric: SceneRubric;
  /** The model whose reply to the same prompt each line is compared with (pairwise rubrics). */
  baseline?: string;
}

export type SceneJudgeRunMeta = BenchRunMeta & { sceneJudge: SceneJudgeMeta };

/** Items in flight when a caller gives no concurrency. */
export const DEFAULT_JUDGE_CONCURRENCY = 8;

/** What a judge run plans: fixed when it starts, refused on a resume. */
export interface SceneJudgePlan {
  /** `characterbox`, `furina`, or a rubric file (YAML or JSON). */
  rubric?: string;
  judge?: string;
  baseline?: string;
  seed?: number;
  runId?: string;
}

export const SCENE_JUDGE_PLAN_FIELDS = ['rubric', 'judge', 'baseline', 'seed', 'runId'] as const satisfies readonly (keyof SceneJudgePlan)[];

export interface StartSceneJudgeOptions extends BenchRunExecutionOptions {
  /** The scene run whose finished episodes are judged. */
  sceneRun: string;
  rubric: string;
  judge: string;
  baseline?: string;
  seed?: number;
  runId?: string;
  settings?: BenchConnectionSettings;
  /** Relative rubric files are relative to it (default: the process's folder). */
  cwd?: string;
  maxBytes?: number;
}

export interface ResumeSceneJudgeOptions extends BenchRunExecutionOptions {
  runId: string;
  settings?: BenchConnectionSettings;
  plan?: SceneJudgePlan;
  maxBytes?: number;
}

/** Whether a stored benchmark run is a judge run of a scene (its answers come from the log). */
export function isSceneJudgeRun(run: Run): boolean {
  return run.kind === 'bench' && typeof run.meta.sceneJudge === 'object' && run.meta.sceneJudge !== null;
}

/**
 * Judges the characters of a stored scene run with a rubric: each character of each finished episode (`rubric`
 * kinds) or each of its played turns (`pairwise` kinds, against `baseline`'s reply to the same prompt). Stored as a
 * benchmark run, so `benchRunReport` and `compareBenchRuns` read it like any other.
 * @example const { summary } = await startSceneJudge({ store, env: process.env, sceneRun: 'lighthouse-3f2a', rubric: 'characterbox', judge: 'openai:gpt-4o' })
 */
export async function startSceneJudge(options: StartSceneJudgeOptions): Promise<BenchRunOutcome> {
  const { store, env } = options;
  await assertRunIdFree(store, options.runId);
  const rubric = await resolveSceneRubric(options.rubric, { cwd: options.cwd ?? process.cwd(), maxBytes: options.maxBytes });
  if (rubric.kind === 'pairwise' && !options.baseline) {
    throw new EvalError('eval/bad-definition', `the rubric ${rubric.name} compares each line with a baseline model's reply: pass --baseline MODEL`);
  }
  const sceneRun = await findRunOfKind(store, options.sceneRun, 'scene');
  const scene = await loadRunScene(sceneRun, { maxBytes: options.maxBytes });
  const judge = formatModelSpec(parseModelSpec(options.judge));
  const baseline = options.baseline ? formatModelSpec(parseModelSpec(options.baseline)) : undefined;
  // A missing API key or base URL fails now, before a run is stored that could never make a call.
  for (const spec of [judge, baseline]) if (spec) resolveEndpoint(parseModelSpec(spec), { env, baseURL: options.settings?.baseURL });

  const seed = options.seed ?? 1;
  const jobs: { id: string; input: Record<string, unknown> }[] = [];
  const models: string[] = [];
  for (const job of await store.listJobs(sceneRun.id)) {
    if (job.status !== 'done') continue;
    const episode = await store.getEpisode(String(job.input.episodeId));
    if (!episode) continue;
    const roles = (episode.meta.models ?? {}) as Record<string, string>;
    const episodeSeed = typeof episode.meta.seed === 'number' ? episode.meta.seed : Number(job.input.seed ?? 0);
    const judged: JudgedEpisode = {
      key: job.id, episodeId: episode.id, events: await store.listEvents(episode.id), cast: scene.cast.map((c) => c.name),
      sheets: Object.fromEntries(scene.cast.map((c) => [c.name, sceneCharacterSheet(scene, c.name, episodeSeed)])),
    };
    const items = rubric.kind === 'rubric' ? characterItems(judged, { thoughts: rubric.thoughts }) : utteranceItems(judged);
    for (const item of items) {
      const model = roles[String(item.categories.character)] ?? String(job.input.model);
      if (!models.includes(model)) models.push(model);
      const input: BenchJobInput = { item: { ...item, meta: { ...item.meta, seed: episodeSeed } }, model, seed: seededInt(seed, item.id) };
      jobs.push({ id: item.id, input: { ...input } });
    }
  }
  if (jobs.length === 0) {
    throw new EvalError('eval/no-items', `scene run ${sceneRun.id} has no finished episode with a line played by a character; finish it first (dramatis scene run --resume ${sceneRun.id})`);
  }
  const definition = sceneJudgeDefinition(rubric, sceneRun.id);
  const meta: SceneJudgeRunMeta = {
    benchmark: rubric.name, origin: rubric.origin, definition, dataPath: `scene run ${sceneRun.id}`, items: jobs.length, available: jobs.length,
    models, judge, seed, settings: options.settings ?? {}, sceneJudge: { sceneRun: sceneRun.id, rubric, ...(baseline ? { baseline } : {}) },
  };
  const run = await store.createRun({ id: options.runId ?? readableId(`${rubric.name}-${sceneRun.id}`, 'run'), kind: 'bench', title: definition.title ?? rubric.name, meta: { ...meta } }, jobs);
  return executeAndSummarize(run, options);
}

/** Resumes a judge run: its failed and unfinished items are judged again (`run/fixed-on-resume` for a changed plan). */
export async function resumeSceneJudge(options: ResumeSceneJudgeOptions): Promise<BenchRunOutcome> {
  const found = await findRunOfKind(options.store, options.runId, 'bench');
  if (!isSceneJudgeRun(found)) throw new EvalError('eval/not-found', `run ${found.id} is a benchmark run, not a judge run of a scene: resume it with dramatis bench run --resume ${found.id}`);
  assertPlanUnchanged(found, options.plan as Record<string, unknown> | undefined, SCENE_JUDGE_PLAN_FIELDS);
  const run = await applySettings<BenchConnectionSettings>(options.store, found, options.settings);
  return executeAndSummarize(run, options);
}

async function executeAndSummarize(run: Run, options: BenchRunExecutionOptions & { maxBytes?: number }): Promise<BenchRunOutcome> {
  const { store, env } = options;
  const concurrency = options.concurrency ?? DEFAULT_JUDGE_CONCURRENCY;
  options.onStart?.(run);
  const result = await executeSceneJudgeRun({
    store, run, env, concurrency, signal: options.signal, maxBytes: options.maxBytes,
    runtime: options.runtime ?? createModelRuntime({ concurrency }), onProgress: options.onProgress, onJobError: options.onItemError,
  });
  const stored = (await store.getRun(run.id)) ?? run;
  const items = await benchItemRecords(store, stored);
  return { run: stored, result, summary: await summarizeBenchRun(store, stored, env, items), items };
}

export interface ExecuteSceneJudgeRunOptions {
  store: Store;
  run: Run;
  env: Env;
  runtime: ModelRuntime;
  concurrency: number;
  signal?: AbortSignal;
  maxBytes?: number;
  onProgress?: BenchRunExecutionOptions['onProgress'];
  onJobError?: (job: Job, error: unknown) => void;
}

/**
 * Executes (or resumes) a judge run: each job's answer is its item's logged line; a pairwise rubric first asks the
 * baseline model for its reply, played by the character's agent on the prompt the character had at that turn.
 */
export async function executeSceneJudgeRun(options: ExecuteSceneJudgeRunOptions): Promise<LocalRunResult> {
  const { store, run } = options;
  const meta = benchMeta(run) as SceneJudgeRunMeta;
  const { settings, definition } = meta;
  const outputModes = new RunOutputModes(store, run);
  const makeModel = (spec: string) => createLanguageModel(spec, {
    env: options.env, runtime: options.runtime, baseURL: settings.baseURL, store, cache: settings.cache, runId: run.id,
    structuredOutput: outputModes.modeOf(spec), onStructuredOutputRefused: () => outputModes.refused(spec),
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.retries === undefined ? {} : { retry: { maxRetries: settings.retries } }),
  });
  const judge = createJudge(makeModel(meta.judge!), { name: meta.judge!, temperature: 0 });
  const scorers = definition.scorers.map(createScorer);
  const baseline = meta.sceneJudge.baseline ? makeBaseline(meta.sceneJudge, makeModel(meta.sceneJudge.baseline), outputModes, store, options.maxBytes) : undefined;
  const result = await runLocal({
    store, runId: run.id, concurrency: activeEpisodesFor(options.concurrency), onProgress: options.onProgress, onJobError: options.onJobError, signal: options.signal,
    execute: async (job: Job, signal: AbortSignal) => {
      const { item: stored, seed } = job.input as unknown as BenchJobInput;
      const source = stored.meta as unknown as SceneJudgeSource;
      const item: BenchItem = baseline ? { ...stored, reference: await baseline(stored, signal) } : stored;
      const scores = await Promise.all(scorers.map((scorer) => scorer.score({ item, answer: source.answer, judge, signal, seed })));
      const values = Object.assign({}, ...scores.map((score) => score.values)) as Record<string, number | null>;
      const attempt = {
        answer: source.answer, values, ...(scores.some((s) => s.invalid) ? { invalid: true } : {}), ...(scores.some((s) => s.unjudged) ? { unjudged: true } : {}),
        ...(scores[0]?.extraction ? { extraction: scores[0].extraction } : {}), ...(scores[0]?.verdict !== undefined ? { verdict: scores[0].verdict } : {}),
      };
      return { values, invalid: attempt.invalid ?? false, unjudged: attempt.unjudged ?? false, attempts: [attempt] };
    },
  });
  await outputModes.flush();
  return result;
}

/**
 * The baseline's reply to an utterance's prompt: the character's agent (its sheet, the scene's rules, the episode's
 * seed) played by the baseline model on the log as it stood before the turn's step, with the compacted history blocks
 * the episode had by then.
 */
function makeBaseline(judged: SceneJudgeMeta, model: LanguageModelV3, outputModes: RunOutputModes, store: Store, maxBytes: number | undefined): (item: BenchItem, signal: AbortSignal) => Promise<string> {
  let scene: Promise<Scene> | undefined;
  const sceneOf = async () => (scene ??= store.getRun(judged.sceneRun).then((run) => {
    if (!run) throw new EvalError('eval/not-found', `the scene run ${judged.sceneRun} of this judge run is gone; its baseline replies cannot be asked`);
    return loadRunScene(run, { maxBytes });
  }));
  const logs = new Map<string, Promise<{ events: SceneEvent[]; compaction: Record<string, CompactedBlock[]> }>>();
  const logOf = (episodeId: string) => {
    let log = logs.get(episodeId);
    if (!log) {
      log = Promise.all([store.listEvents(episodeId), store.getEpisode(episodeId)]).then(([events, episode]) => ({
        events, compaction: (episode?.meta.compaction ?? {}) as Record<string, CompactedBlock[]>,
      }));
      logs.set(episodeId, log);
    }
    return log;
  };
  return async (item, signal) => {
    const source = item.meta as unknown as SceneJudgeSource & { seed: number };
    const [resolved, log] = await Promise.all([sceneOf(), logOf(source.episodeId)]);
    const agent = createSceneAgent(resolved, source.character, {
      model, mode: outputModes.modeOf(judged.baseline!) === 'text' ? 'tagged' : 'json', seed: source.seed, rules: sceneRules(resolved),
    });
    const before = log.events.filter((event) => event.seq < source.beforeSeq!);
    const blocks = (log.compaction[source.character] ?? []).filter((block) => block.throughSeq < source.beforeSeq!);
    const act = await agent.act(before, blocks, { abortSignal: signal, seed: source.seed });
    if (agent.mode === 'tagged') outputModes.refused(judged.baseline!);
    return replyText(act.generated.output.action, act.generated.output.speech);
  };
}
