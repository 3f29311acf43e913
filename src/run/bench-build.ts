import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  buildPersonaEvalSet, buildTomatoSet, createJudge, renderPersonaEvalCsv, type PersonaEvalSetSummary, type SceneSetEpisode, type TomatoSetSummary,
} from '../eval/index.ts';
import { createLanguageModel, createModelRuntime, type Env, type ModelRuntime } from '../llm/index.ts';
import type { Scene } from '../scene/index.ts';
import type { Episode, Run, Store } from '../store/index.ts';
import { RunError } from './errors.ts';
import { storeWhere } from './run-plan.ts';
import { loadRunScene } from './scene-run.ts';

// `bench build`: test sets written from stored scene episodes, for `bench run NAME --data FILE`.

export interface BuildFromScenesOptions {
  store: Store;
  /** A scene run id (all its episodes) or one scene episode id. */
  from: string;
  /** The file to write (replaced whole, never left half-written). */
  out: string;
  cwd?: string;
  /** Seeds option orders, distractors and wording (default 1). */
  seed?: number;
}

export interface BuildTomatoOptions extends BuildFromScenesOptions {
  /** The judge model that decides the false-belief flags; without it the flags are left out. */
  judge?: string;
  env?: Env;
  runtime?: ModelRuntime;
  settings?: { baseURL?: string; cache?: boolean; timeoutMs?: number; retries?: number };
  signal?: AbortSignal;
}

export interface BuiltSet<S> {
  /** The absolute path written. */
  out: string;
  episodes: string[];
  summary: S;
  /** Milliseconds from reading the store to the file written. */
  durationMs: number;
}

/**
 * Writes a ToMATO-format set (the released JSON array) built from a scene run's or episode's thoughts.
 * @example await buildTomatoFromScenes({ store, from: 'storm', out: 'storm-tomato.json', judge: 'openai:gpt-4o-mini', env: process.env })
 */
export async function buildTomatoFromScenes(options: BuildTomatoOptions): Promise<BuiltSet<TomatoSetSummary>> {
  const started = performance.now();
  const episodes = await sceneSetEpisodes(options.store, options.from);
  const judge = options.judge === undefined ? undefined : createJudge(createLanguageModel(options.judge, {
    env: options.env, runtime: options.runtime ?? createModelRuntime({}), store: options.store, baseURL: options.settings?.baseURL, cache: options.settings?.cache,
    ...(options.settings?.timeoutMs ? { timeoutMs: options.settings.timeoutMs } : {}),
    ...(options.settings?.retries === undefined ? {} : { retry: { maxRetries: options.settings.retries } }),
  }), { name: options.judge, temperature: 0 });
  const { records, summary } = await buildTomatoSet(episodes, { seed: options.seed, judge, signal: options.signal });
  const out = await writeWhole(resolve(options.cwd ?? process.cwd(), options.out), `${JSON.stringify(records, null, 2)}\n`);
  return { out, episodes: episodes.map((e) => e.id), summary, durationMs: performance.now() - started };
}

/**
 * Writes a PersonaEval-style track CSV (who said this line?) built from a scene run's or episode's speech.
 * @example await buildPersonaEvalFromScenes({ store, from: 'storm', out: 'storm.csv' })
 */
export async function buildPersonaEvalFromScenes(options: BuildFromScenesOptions): Promise<BuiltSet<PersonaEvalSetSummary>> {
  const started = performance.now();
  const episodes = await sceneSetEpisodes(options.store, options.from);
  const { rows, summary } = buildPersonaEvalSet(episodes, { seed: options.seed });
  const out = await writeWhole(resolve(options.cwd ?? process.cwd(), options.out), renderPersonaEvalCsv(rows));
  return { out, episodes: episodes.map((e) => e.id), summary, durationMs: performance.now() - started };
}

/** The episodes `id` names (a scene run's, or one scene episode) with their logs and what the scene's cards say. */
export async function sceneSetEpisodes(store: Store, id: string): Promise<SceneSetEpisode[]> {
  const episode = await store.getEpisode(id);
  if (episode) {
    if (episode.kind !== 'scene') throw new RunError('run/other-kind', `'${id}' is a ${episode.kind} episode, not a scene episode; build sets from a scene run or one of its episodes (dramatis scene runs)`, { id });
    const runId = typeof episode.meta.runId === 'string' ? episode.meta.runId : undefined;
    const run = runId === undefined ? undefined : await store.getRun(runId);
    return [await setEpisode(store, episode, await sceneOf(run))];
  }
  const run = await store.getRun(id);
  if (!run) {
    const where = storeWhere(store);
    throw new RunError('run/not-found', `no scene run or episode with id '${id}' ${where}`, { id, lookedFor: 'scene run or episode', where });
  }
  if (run.kind !== 'scene') throw new RunError('run/other-kind', `run ${id} is a ${run.kind === 'bench' ? 'benchmark' : run.kind} run, not a scene run; build sets from a scene run (dramatis scene runs)`, { id });
  const scene = await sceneOf(run);
  const episodes: SceneSetEpisode[] = [];
  for (const job of await store.listJobs(run.id)) {
    const stored = await store.getEpisode(String(job.input.episodeId));
    if (stored) episodes.push(await setEpisode(store, stored, scene));
  }
  if (episodes.length === 0) throw new RunError('run/not-found', `scene run ${id} has no stored episodes yet; run it first (dramatis scene run --resume ${id})`, { id, lookedFor: 'scene episode or run' });
  return episodes;
}

/** The run's scene, for the cards' descriptions and Big Five; undefined when its file is gone or changed. */
async function sceneOf(run: Run | undefined): Promise<Scene | undefined> {
  if (!run) return undefined;
  return loadRunScene(run).catch(() => undefined);
}

async function setEpisode(store: Store, episode: Episode, scene: Scene | undefined): Promise<SceneSetEpisode> {
  const cast = (episode.meta.scene as { cast?: unknown } | undefined)?.cast;
  const members = scene?.cast ?? [];
  return {
    id: episode.id,
    events: await store.listEvents(episode.id),
    title: episode.title,
    cast: Array.isArray(cast) ? cast.filter((name): name is string => typeof name === 'string') : undefined,
    bigFive: Object.fromEntries(members.filter((m) => m.character.bigFive).map((m) => [m.name, { ...m.character.bigFive! }])),
    descriptions: Object.fromEntries(members.map((m) => [m.name, m.character.description])),
  };
}

/** Writes beside the target, then renames: a failure leaves the old file (or none), never half a file. */
async function writeWhole(path: string, text: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return path;
}
