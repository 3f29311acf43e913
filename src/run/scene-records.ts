import { perspectiveOf, type SceneEvent } from '../events/index.ts';
import { csvField, toTomatoTranscript } from '../eval/index.ts';
import { opinionReports, toJsonl } from '../scene/index.ts';
import type { Episode, Job, JobCounts, Run, RunRemoval, Store, UsageTotals } from '../store/index.ts';
import { deleteRun } from './delete-run.ts';
import { RunError } from './errors.ts';
import { displayStatus } from './local-runner.ts';
import { findRunOfKind, storeWhere } from './run-plan.ts';
import { jobTurnRetries, sceneRunRetries } from './scene-run.ts';

// Reading, exporting and deleting what scene runs stored: the runs, their episodes and the episodes' events.

export interface SceneRunRow {
  id: string;
  title: string;
  /** `stopped` for a run whose process is gone (resume it). */
  status: string;
  jobs: JobCounts;
  usage: UsageTotals;
  turnRetries: number;
  createdAt: string;
  updatedAt: string;
}

/** The stored scene runs with their status, episode counts, token usage and turn retries. */
export async function listSceneRuns(store: Store): Promise<SceneRunRow[]> {
  const runs = await store.listRuns({ kind: 'scene' });
  return Promise.all(runs.map(async (run) => ({
    id: run.id, title: run.title, status: displayStatus(run), jobs: await store.jobCounts(run.id),
    usage: await store.usageTotals({ runId: run.id }), turnRetries: (await sceneRunRetries(store, run.id)).total,
    createdAt: run.createdAt, updatedAt: run.updatedAt,
  })));
}

/** One episode: its whole log, and what the perspective (`as`) perceived. */
export interface ShownSceneEpisode {
  episode: Episode;
  /** Every event, thoughts and private narration included. */
  events: SceneEvent[];
  /** The events `as` perceived (every event without `as`). */
  perceived: SceneEvent[];
  usage: UsageTotals;
}

/** One run: its jobs (one a episode), and what they add up to. */
export interface ShownSceneRun {
  run: Run;
  /** `stopped` for a run whose process is gone. */
  status: string;
  jobs: Job[];
  /** Turn retries of each job, in job order. */
  jobTurnRetries: number[];
  usage: UsageTotals;
  turnRetries: { total: number; episodes: number };
  /** The mean of each scenario metric over the finished episodes. */
  metrics: { episodes: number; means: Record<string, number> };
}

/**
 * An episode (seen by everyone, or `as` one cast member) or, when `id` names a run, the run with its episodes;
 * `run/not-found` when it names neither, `run/not-in-cast` when `as` is nobody of the episode.
 */
export async function showScene(options: { store: Store; id: string; as?: string }): Promise<{ episode: ShownSceneEpisode } | { run: ShownSceneRun }> {
  const { store, id } = options;
  const episode = await store.getEpisode(id);
  if (!episode) {
    const run = await store.getRun(id);
    if (run) return { run: await shownRun(store, run) };
    const where = storeWhere(store);
    throw new RunError('run/not-found', `no scene episode or run with id '${id}' ${where}`, { id, lookedFor: 'scene episode or run', where });
  }
  const events = await store.listEvents(id);
  if (options.as !== undefined) assertCastMember(episode, options.as);
  const perceived = options.as !== undefined ? perspectiveOf(events, options.as) : events;
  return { episode: { episode, events, perceived, usage: await store.usageTotals({ episodeId: id }) } };
}

async function shownRun(store: Store, run: Run): Promise<ShownSceneRun> {
  const jobs = await store.listJobs(run.id);
  const retries = await Promise.all(jobs.map((job) => jobTurnRetries(store, job)));
  const metrics = meanMetrics(jobs.map((job) => job.result?.metrics as Record<string, number> | undefined).filter((m) => m !== undefined));
  return {
    run, status: displayStatus(run), jobs, jobTurnRetries: retries, usage: await store.usageTotals({ runId: run.id }),
    turnRetries: { total: retries.reduce((sum, n) => sum + n, 0), episodes: retries.filter((n) => n > 0).length }, metrics,
  };
}

/**
 * The formats a scene export writes: `jsonl`, one event a line; `tomato`, one ToMATO-like transcript an episode a
 * line; `opinions`, CSV of the private opinion reports of debate episodes (`episode,debater,round,opinion,reason`).
 */
export type SceneExportFormat = 'jsonl' | 'tomato' | 'opinions';

/**
 * Exports a run (every episode) or one episode, seen by everyone or `as` one cast member; the text ends with a
 * newline unless empty.
 */
export async function exportScene(options: { store: Store; id: string; format: SceneExportFormat; as?: string }): Promise<{ episodes: number; text: string }> {
  const { store } = options;
  const episodes = await episodesOf(store, options.id);
  const chunks: string[] = options.format === 'opinions' ? [csvRow(['episode', 'debater', 'round', 'opinion', 'reason'])] : [];
  for (const episode of episodes) {
    const events = await store.listEvents(episode.id);
    if (options.as !== undefined) assertCastMember(episode, options.as);
    if (options.format === 'jsonl') {
      chunks.push(toJsonl(options.as !== undefined ? perspectiveOf(events, options.as) : events));
    } else if (options.format === 'opinions') {
      const cast = (episode.meta.scene as { cast?: string[] } | undefined)?.cast ?? [];
      const seen = options.as !== undefined ? perspectiveOf(events, options.as) : events;
      for (const report of opinionReports(cast, seen)) chunks.push(csvRow([episode.id, report.debater, report.round, report.opinion, report.reason]));
    } else {
      const profiles = episode.meta.profiles as Record<string, { secrets?: string[]; goals?: string[] }> | undefined;
      chunks.push(`${JSON.stringify(toTomatoTranscript(events, { as: options.as, profiles }))}\n`);
    }
  }
  return { episodes: episodes.length, text: chunks.join('') };
}

/**
 * Deletes a scene run: its episodes, their events and its token usage (the characters' memories are kept).
 * Refuses a run that is missing or of another kind, and one that a live process is executing (`run/busy`).
 */
export async function deleteSceneRun(store: Store, runId: string): Promise<RunRemoval> {
  await findRunOfKind(store, runId, 'scene');
  return deleteRun(store, runId, 'scene');
}

/** A perspective must name a cast member of the episode. */
function assertCastMember(episode: Episode, name: string): void {
  const cast = (episode.meta.scene as { cast?: string[] } | undefined)?.cast ?? [];
  if (!cast.includes(name)) {
    throw new RunError('run/not-in-cast', `no character '${name}' in episode ${episode.id}; use one of: ${cast.join(', ')}`, { id: episode.id });
  }
}

function csvRow(cells: readonly (string | number)[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

function meanMetrics(all: Record<string, number>[]): { episodes: number; means: Record<string, number> } {
  const sums: Record<string, number> = {};
  for (const metrics of all) for (const [key, value] of Object.entries(metrics)) sums[key] = (sums[key] ?? 0) + value;
  return { episodes: all.length, means: Object.fromEntries(Object.entries(sums).map(([key, sum]) => [key, sum / all.length])) };
}

/** The episode `id`, or every stored episode of the run `id`. */
async function episodesOf(store: Store, id: string): Promise<Episode[]> {
  const episode = await store.getEpisode(id);
  if (episode) return [episode];
  const run = await store.getRun(id);
  if (!run) {
    const where = storeWhere(store);
    throw new RunError('run/not-found', `no scene run or episode with id '${id}' ${where}`, { id, lookedFor: 'scene run or episode', where });
  }
  const episodes: Episode[] = [];
  for (const job of await store.listJobs(run.id)) {
    const stored = await store.getEpisode(String(job.input.episodeId));
    if (stored) episodes.push(stored);
  }
  return episodes;
}
