import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { AgentMemory, type AgentMemoryOptions, type OutputMode } from '../agent/index.ts';
import { scoreEmotion, type Strategy } from '../memory/index.ts';
import {
  type Sleep, cachedEmbedder, createLanguageModel, formatModelSpec, parseModelSpec, resolveEndpoint, resolveModelSpec,
  type Env, type ModelRuntime,
} from '../llm/index.ts';
import { readSceneSource, SceneError, NARRATOR, findScenarioKind, openSceneEpisode, type RoleLimits, type Scene, seededInt } from '../scene/index.ts';
import type { Job, Run, Store } from '../store/index.ts';
import { readableId, memoizedCounter } from '../text/index.ts';
import { modelLimits } from './model-limits.ts';
import { runLocal, type LocalRunOptions, type LocalRunResult } from './local-runner.ts';
import { RunOutputModes } from './structured-output.ts';

/** How a scene run talks to its models; kept in the run so a resume uses the same settings. */
export interface SceneRunSettings {
  mode?: OutputMode;
  contextTokens?: number;
  baseURL?: string;
  cache?: boolean;
  timeoutMs?: number;
  /** Retries of one model call (rate limits, server errors, timeouts, network errors). */
  retries?: number;
  /** Retries of a whole turn whose model call failed transiently after its own retries (default 3). */
  turnRetries?: number;
  /** First wait before a turn retry, doubling each time (default 1 000). */
  turnRetryDelayMs?: number;
  /** Characters' long-term memory in this run's episodes (see {@link SceneMemorySettings}). */
  memory?: SceneMemorySettings;
}

/**
 * Memory in a scene run. Each character recalls from its stored memories (by name). Writing is off by default:
 * episodes of a run may run at once, and with writing on they share what their characters live.
 */
export interface SceneMemorySettings {
  strategy?: Strategy;
  k?: number;
  pool?: number;
  embeddingModel?: string;
  emotionModel?: string;
  /** Store what each character perceives after each step (default false). */
  write?: boolean;
  /** The emotional cue: what was said (default) or the character's own last thought. */
  cue?: 'query' | 'mood';
}

export interface SceneRunMeta {
  /** The scene source as given to `readSceneSource` (absolute path, maybe with `#id`). */
  source: string;
  /** Fingerprint of the resolved scene: a resume refuses a scene that changed. */
  sceneHash: string;
  title: string;
  episodes: number;
  seed: number;
  /** Model assignments: each episode runs once with each (as the default model of the scene). */
  models: string[];
  settings: SceneRunSettings;
}

export interface JobInput {
  episode: number;
  /** The default model of this job's episode. */
  model: string;
  /** The episode's seed (the same for every model assignment, so runs compare on equal terms). */
  seed: number;
  episodeId: string;
}

export interface CreateSceneRunOptions {
  store: Store;
  scene: Scene;
  /** The scene source to reload on resume. */
  source: string;
  episodes: number;
  seed?: number;
  /** `--model` values; empty: the scene's `models.default`, then DRAMATIS_MODEL. */
  models: string[];
  env: Env;
  settings?: SceneRunSettings;
  runId?: string;
}

/** Plans a run: episodes × model assignments, each a job with its own episode id and seed. */
export async function createSceneRun(options: CreateSceneRunOptions): Promise<Run> {
  const { scene } = options;
  const models = options.models.length
    ? options.models.map((m) => formatModelSpec(parseModelSpec(m)))
    : [formatModelSpec(resolveModelSpec({ model: scene.models.default, env: options.env }))];
  // A missing API key or base URL fails now, before a run is stored that could never make a call.
  const specs = new Set(models.flatMap((model) => Object.values(roleModels(scene, model))));
  for (const spec of specs) resolveEndpoint(parseModelSpec(spec), { env: options.env, baseURL: options.settings?.baseURL });
  const seed = options.seed ?? scene.seed;
  const runId = options.runId ?? readableId(scene.title, 'run');
  const jobs: { id: string; input: Record<string, unknown> }[] = [];
  for (let episode = 0; episode < options.episodes; episode++) {
    models.forEach((model, m) => {
      const id = models.length > 1 ? `e${episode}-m${m}` : `e${episode}`;
      const input: JobInput = { episode, model, seed: seededInt(seed, episode), episodeId: `${runId}-${id}` };
      jobs.push({ id, input: { ...input } });
    });
  }
  const meta: SceneRunMeta = {
    source: options.source, sceneHash: sceneHash(scene), title: scene.title, episodes: options.episodes, seed, models, settings: options.settings ?? {},
  };
  return options.store.createRun({ id: runId, kind: 'scene', title: scene.title, meta: { ...meta } }, jobs);
}

/** Loads the scene of a stored run, refusing one whose file changed since the run started. */
export async function loadRunScene(run: Run, options: { maxBytes?: number } = {}): Promise<Scene> {
  const meta = run.meta as unknown as SceneRunMeta;
  const scenes = await readSceneSource(meta.source, options);
  const scene = scenes.find((s) => s.title === meta.title) ?? scenes[0];
  if (!scene || sceneHash(scene) !== meta.sceneHash) {
    throw new SceneError('scene/invalid', `the scene ${meta.source} changed since run ${run.id} started; restore it, or start a new run`);
  }
  return scene;
}

export interface ExecuteSceneRunOptions extends Pick<LocalRunOptions, 'onProgress' | 'onJobError' | 'signal'> {
  /** Model requests in flight at most (give `runtime` the same limit); a few more episodes than this run at once. */
  concurrency: number;
  /** Episodes in flight (default: `concurrency` plus a quarter, so that no request slot waits for an episode's own work). */
  activeEpisodes?: number;
  store: Store;
  run: Run;
  scene: Scene;
  env: Env;
  runtime: ModelRuntime;
  /** Called with each warning of an episode. */
  onWarning?: (episodeId: string, warning: string) => void;
  /** Called with each note about the run as a whole (a budget lowered to what a model can take). */
  onNote?: (note: string) => void;
  /** Replaces how models are made (tests); by default `createLanguageModel` with the run's settings. */
  createModel?: (spec: string, episodeId: string) => LanguageModelV3;
  /** Called before each retry of one model call (not of a whole turn: those are warnings). */
  onModelRetry?: (episodeId: string, event: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Replaces the waiting between turn retries (tests). */
  turnRetrySleep?: Sleep;
}

/** Executes (or resumes) a scene run: each job is one episode, stepped and committed turn by turn. */
export async function executeSceneRun(options: ExecuteSceneRunOptions): Promise<LocalRunResult> {
  const { store, run, scene } = options;
  const meta = run.meta as unknown as SceneRunMeta;
  const settings = meta.settings ?? {};
  // Model specs found to refuse JSON-schema output (in this run, or before a resume): their roles start in the
  // text formats, and the run keeps the record for its summary and resumes.
  const outputModes = new RunOutputModes(store, run);
  const makeModel = options.createModel ?? ((spec: string, episodeId: string) => createLanguageModel(spec, {
    env: options.env, runtime: options.runtime, baseURL: settings.baseURL, store, cache: settings.cache, episodeId, runId: run.id,
    structuredOutput: outputModes.modeOf(spec),
    onWarning: (warning) => options.onWarning?.(episodeId, warning),
    // A scene file's `local:` paths are relative to the scene file (the CLI makes --model paths absolute).
    local: { cwd: dirname(meta.source.replace(/#[^/\\]*$/, '')) },
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.retries === undefined ? {} : { retry: { maxRetries: settings.retries } }),
    ...(options.onModelRetry ? { onRetry: (event: { attempt: number; delayMs: number; error: unknown }) => options.onModelRetry!(episodeId, event) } : {}),
  }));
  const turnRetry = {
    retries: settings.turnRetries, baseDelayMs: settings.turnRetryDelayMs, sleep: options.turnRetrySleep,
  };
  const countTokens = memoizedCounter();
  // Each model's budget (its context, counted with its own tokenizer) and turn time limit, found once per run.
  const limits = await roleLimitsFor(run, scene, settings, options.env, options.onNote);
  // The run's embedder and emotion scorer, made once and shared by every episode's memories.
  let sharedMemoryModels: Pick<AgentMemoryOptions, 'embed' | 'embeddingModel' | 'scoreEmotion'> | undefined;
  const memoryModels = () => (sharedMemoryModels ??= runMemoryModels(settings, options, store));
  const result = await runLocal({
    store, runId: run.id, concurrency: options.activeEpisodes ?? activeEpisodesFor(options.concurrency), onProgress: options.onProgress, onJobError: options.onJobError, signal: options.signal,
    execute: async (job: Job, signal: AbortSignal) => {
      const input = job.input as unknown as JobInput;
      const models = new Map<string, LanguageModelV3>();
      const model = (spec: string) => {
        let made = models.get(spec);
        if (!made) models.set(spec, (made = makeModel(spec, input.episodeId)));
        return made;
      };
      const roles = roleModels(scene, input.model);
      const memories = new Map<string, AgentMemory>();
      const memoryOf = (name: string) => {
        if (!settings.memory) return undefined;
        let memory = memories.get(name);
        if (!memory) memories.set(name, (memory = new AgentMemory(name, { store: store.memories, ...settings.memory, ...memoryModels() })));
        return memory;
      };
      const episode = await openSceneEpisode({
        store, scene, episodeId: input.episodeId, seed: input.seed, mode: settings.mode, contextTokens: settings.contextTokens, countTokens, memory: memoryOf,
        limitsFor: (role) => limits.get(roles[role]),
        modeFor: (role) => (outputModes.modeOf(roles[role]) === 'text' ? 'tagged' : undefined),
        models: { character: (name) => model(roles[name]), ...(scene.narrator ? { narrator: model(roles[NARRATOR]) } : {}) },
        meta: { runId: run.id, job: job.id, episode: input.episode, models: roles, profiles: profilesOf(scene) },
        turnRetry,
      });
      const learnModes = () => {
        for (const [role, mode] of Object.entries(episode.roleModes)) if (mode === 'tagged') outputModes.refused(roles[role]);
      };
      try {
        const outcome = await episode.run({ abortSignal: signal, onWarning: (w) => options.onWarning?.(input.episodeId, w), onEvents: learnModes });
        const metrics = findScenarioKind(scene.kind)?.metrics(scene, episode.log) ?? {};
        return { episodeId: outcome.episodeId, ended: outcome.ended, speechTurns: outcome.speechTurns, steps: outcome.steps, turnRetries: outcome.turnRetries, metrics };
      } catch (error) {
        // The retries of the step that failed were never committed with a step: keep them with the failure.
        if (!signal.aborted) await store.updateEpisode(input.episodeId, { status: 'failed', meta: { error: (error as Error).message, turnRetries: episode.turnRetries } });
        throw error;
      }
    },
  });
  await outputModes.flush();
  return result;
}

/** The turn retries of one job's episode: a finished one's from its result, another's from its episode. */
export async function jobTurnRetries(store: Store, job: Job): Promise<number> {
  const counted = job.status === 'done' ? job.result?.turnRetries : job.status === 'pending' ? 0 : (await store.getEpisode(String(job.input.episodeId)))?.meta.turnRetries;
  return typeof counted === 'number' ? counted : 0;
}

/** A run's turn retries: in total, and how many episodes needed any. */
export async function sceneRunRetries(store: Store, runId: string): Promise<{ total: number; episodes: number }> {
  const counts = await Promise.all((await store.listJobs(runId)).map((job) => jobTurnRetries(store, job)));
  return { total: counts.reduce((sum, n) => sum + n, 0), episodes: counts.filter((n) => n > 0).length };
}

/**
 * Episodes to keep in flight for `slots` concurrent requests. Between two requests an episode does its own work
 * (commit, prompt building); with exactly one episode per slot the slot idles meanwhile. A quarter more keeps the
 * slots busy (`bench/scene-throughput.ts`: 0.84 → 0.93–0.98 of a bare fetch pool's throughput).
 */
export function activeEpisodesFor(slots: number): number {
  return slots + Math.ceil(slots / 4);
}

/** The model spec of every role: a cast member's own, else the job's default; the narrator's own, else the default. */
export function roleModels(scene: Scene, defaultModel: string): Record<string, string> {
  const roles: Record<string, string> = {};
  for (const member of scene.cast) roles[member.name] = member.model ?? scene.models.characters[member.name] ?? defaultModel;
  if (scene.narrator) roles[NARRATOR] = scene.narrator.model ?? scene.models.narrator ?? defaultModel;
  return roles;
}

/** What each character privately holds (for exports next to the transcript). */
function profilesOf(scene: Scene): Record<string, { secrets: string[]; goals: string[] }> {
  return Object.fromEntries(scene.cast.map((m) => [m.name, {
    secrets: [...(m.character.secrets ?? []), ...m.privateSetup.secrets],
    goals: [...(m.character.goals ?? []), ...m.privateSetup.goals],
  }]));
}

function sceneHash(scene: Scene): string {
  const { file: _file, warnings: _warnings, ...rest } = scene;
  const cast = rest.cast.map(({ source: _source, ...member }) => member);
  return createHash('sha256').update(JSON.stringify({ ...rest, cast })).digest('hex').slice(0, 16);
}

function runMemoryModels(settings: SceneRunSettings, options: ExecuteSceneRunOptions, store: Store): Pick<AgentMemoryOptions, 'embed' | 'embeddingModel' | 'scoreEmotion'> {
  const memory = settings.memory ?? {};
  const common = { env: options.env, runtime: options.runtime, baseURL: settings.baseURL, ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}) };
  const embed = memory.embeddingModel ? cachedEmbedder(memory.embeddingModel, { ...common, store, cache: settings.cache }) : undefined;
  const emotionModel = memory.emotionModel ? createLanguageModel(memory.emotionModel, { ...common, store, cache: settings.cache }) : undefined;
  return {
    embed, embeddingModel: memory.embeddingModel,
    scoreEmotion: emotionModel && ((input, signal) => scoreEmotion(emotionModel, input, { abortSignal: signal })),
  };
}

/** The limits of every model spec a run's roles use (see `modelLimits`); relative `local:` paths from the scene's folder. */
function roleLimitsFor(run: Run, scene: Scene, settings: SceneRunSettings, env: Env, onNote?: (note: string) => void): Promise<Map<string, RoleLimits>> {
  const meta = run.meta as unknown as SceneRunMeta;
  const specs = meta.models.flatMap((model) => Object.values(roleModels(scene, model)));
  return modelLimits(specs, { env, cwd: dirname(meta.source.replace(/#[^/\\]*$/, '')), requested: settings.contextTokens, onNote });
}
