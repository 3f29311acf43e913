// The first things a library user tries, with defaults: a store in memory, models by spec (or DRAMATIS_MODEL),
// `process.env`, the process's model runtime. Each wraps the operation of its folder, which takes everything
// explicitly (what the CLI, a server and workers call).
import { randomUUID } from 'node:crypto';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { createLanguageModel, formatModelSpec, resolveModelSpec, type Env, type ModelOptions } from './llm/index.ts';
import {
  startBenchRun, startSceneRun, readRunScene, type BenchRunOutcome, type SceneRunOutcome, type StartBenchRunOptions, type StartSceneRunOptions,
} from './run/index.ts';
import {
  openChatSession as openStoredChatSession, openSceneEpisode as openStoredSceneEpisode, readSceneFile,
  type ChatSession, type ChatSessionOptions, type Scene, type SceneEpisode, type SceneEpisodeOptions,
} from './scene/index.ts';
import { openStore, type Store } from './store/index.ts';

/** A model, or its `provider:model` spec (default: DRAMATIS_MODEL, else `local:default`). */
export type ModelChoice = LanguageModelV3 | string;

/** Options every convenience takes: where to keep the log, whose environment, how to make models from specs. */
export interface Defaults {
  /** Where sessions, runs and the response cache live (default: a store in memory, gone with the process). */
  store?: Store;
  /** Environment variables: API keys, DRAMATIS_MODEL, DRAMATIS_BASE_URL (default: `process.env`). */
  env?: Env;
  /** How models are made from specs: a base URL, timeouts, retries (the store is added). */
  modelOptions?: Omit<ModelOptions, 'store' | 'env'>;
}

function storeOf(options: Defaults): Store {
  return options.store ?? openStore(':memory:');
}

function modelOf(choice: ModelChoice | undefined, options: Defaults, store: Store, extra: Partial<ModelOptions> = {}): LanguageModelV3 {
  if (choice !== undefined && typeof choice !== 'string') return choice;
  const env = options.env ?? process.env;
  return createLanguageModel(resolveModelSpec({ model: choice, env }), { ...options.modelOptions, ...extra, env, store });
}

export type OpenChatSessionOptions = Omit<ChatSessionOptions, 'store' | 'model'> & Defaults & { model?: ModelChoice };

/**
 * Opens a chat with a character: a new session, or the stored one with `sessionId`. Defaults: a store in memory and
 * the model named by DRAMATIS_MODEL (else `local:default`).
 * @example
 * const chat = await openChatSession({ character: defineCharacter({ name: 'Mirela', description: 'Keeper of the lighthouse.' }), model: 'openai:gpt-4o-mini' });
 * const turn = await chat.send('Who keeps this light?');   // turn.output.thought, turn.output.speech
 */
export async function openChatSession(options: OpenChatSessionOptions): Promise<ChatSession> {
  const { store: _store, env: _env, modelOptions: _modelOptions, model, ...rest } = options;
  const store = storeOf(options);
  return openStoredChatSession({ ...rest, store, model: modelOf(model, options, store, { episodeId: options.sessionId }) });
}

export type OpenSceneEpisodeOptions = Omit<SceneEpisodeOptions, 'store' | 'scene' | 'models' | 'episodeId' | 'seed'> & Defaults & {
  /** The scene, or its file (YAML, or a CharacterBox JSON file with `#ID`). */
  scene: Scene | string;
  /** One model for every role; or `models` to give each its own. */
  model?: ModelChoice;
  models?: SceneEpisodeOptions['models'];
  /** Default: a new id. */
  episodeId?: string;
  /** Default: the scene's seed. */
  seed?: number;
};

/**
 * Opens a scene episode to step through (`episode.step()`) or run to its end (`episode.run()`). Defaults: a store in
 * memory, a new episode id, the scene's seed, and one model (DRAMATIS_MODEL, else `local:default`) for every role.
 * @example
 * const episode = await openSceneEpisode({ scene: 'examples/scenes/lighthouse.yaml', model: 'openai:gpt-4o-mini' });
 * const outcome = await episode.run();
 */
export async function openSceneEpisode(options: OpenSceneEpisodeOptions): Promise<SceneEpisode> {
  const { store: _store, env: _env, modelOptions: _modelOptions, model, models, scene: given, ...rest } = options;
  const store = storeOf(options);
  const scene = typeof given === 'string' ? await readSceneFile(given) : given;
  const episodeId = options.episodeId ?? `episode-${randomUUID().slice(0, 8)}`;
  const shared = models ? undefined : modelOf(model ?? scene.models.default, options, store, { episodeId });
  return openStoredSceneEpisode({
    ...rest, store, scene, episodeId, seed: options.seed ?? scene.seed,
    models: models ?? { character: () => shared!, narrator: shared },
  });
}

export type RunSceneOptions = Omit<StartSceneRunOptions, 'store' | 'env' | 'scene' | 'source' | 'models'> & Omit<Defaults, 'modelOptions'> & {
  /** Model specs: each episode runs once with each (default: the scene's, then DRAMATIS_MODEL, else local:default). */
  models?: string[];
};

/**
 * Runs a scene file's episodes as a resumable run (bounded concurrency, every turn committed, the same summary
 * `dramatis scene run` prints). Defaults: a store in memory, one episode, `process.env`.
 * @example const { summary } = await runScene('examples/scenes/heist.yaml', { models: ['openai:gpt-4o-mini'], episodes: 5 })
 */
export async function runScene(file: string, options: RunSceneOptions = {}): Promise<SceneRunOutcome & { store: Store }> {
  const store = options.store ?? openStore(':memory:');
  const env = options.env ?? process.env;
  const { scene, source } = await readRunScene(file, { cwd: options.cwd });
  const models = options.models?.map((model) => formatModelSpec(resolveModelSpec({ model, env })));
  return { ...(await startSceneRun({ ...options, store, env, scene, source, models })), store };
}

export type RunBenchmarkOptions = Omit<StartBenchRunOptions, 'store' | 'env' | 'benchmark'> & Omit<Defaults, 'modelOptions'>;

/**
 * Runs a benchmark (a built-in name or a YAML file) against models and scores it, as `dramatis bench run` does.
 * Defaults: a store in memory, `process.env`, the models DRAMATIS_MODEL names (else local:default).
 * @example const { summary } = await runBenchmark('tomato', { data: 'tomato_fb.json', models: ['openai:gpt-4o-mini'], limit: 100 })
 */
export async function runBenchmark(benchmark: string, options: RunBenchmarkOptions = {}): Promise<BenchRunOutcome & { store: Store }> {
  const store = options.store ?? openStore(':memory:');
  return { ...(await startBenchRun({ ...options, store, env: options.env ?? process.env, benchmark })), store };
}
