import type { NewEvent, SceneEvent } from '../events/index.ts';
import type { MemoryStore } from './memory-store.ts';

export type EpisodeKind = 'chat' | 'scene';
export type EpisodeStatus = 'active' | 'done' | 'failed';

export interface Episode {
  id: string;
  kind: EpisodeKind;
  title: string;
  status: EpisodeStatus;
  createdAt: string;
  updatedAt: string;
  /** Free-form settings of the episode: card path, user name, model spec, compaction state... */
  meta: Record<string, unknown>;
}

export interface NewEpisode {
  id?: string;
  kind: EpisodeKind;
  title: string;
  meta?: Record<string, unknown>;
}

/** How `appendEvents` writes: the episode's meta to merge, and what the log must still be (checked under the write lock). */
export interface AppendOptions {
  /** Merged into the episode's meta in the same transaction. */
  meta?: Record<string, unknown>;
  /**
   * The seq of the log's last event the caller built these events on (0: an empty log). If another writer
   * appended since, nothing is written and the call fails with `store/conflict`.
   */
  afterSeq?: number;
  /** Creates the episode in the same transaction (fails with `store/conflict` if it exists by then). */
  create?: Omit<NewEpisode, 'id'>;
}

/** Called inside a write transaction with the current row; throws to refuse the write. */
export type WriteCheck<T> = (current: T) => void;

/** A copy of an episode's log up to a point, continuing separately. */
export interface EpisodeFork {
  id: string;
  /** Events with a seq up to this one are copied (with new ids). */
  throughSeq: number;
  title?: string;
  /** The fork's meta (default: the original's). */
  meta?: Record<string, unknown>;
}

/** What deleting an episode removed, and what it kept. */
export interface EpisodeRemoval {
  events: number;
  usageRows: number;
  /** Memories written from the episode's events: they belong to the characters and are kept. */
  memoriesKept: { character: string; count: number }[];
}

/** What deleting a run removed, and what it kept. */
export interface RunRemoval {
  jobs: number;
  episodes: number;
  events: number;
  usageRows: number;
  memoriesKept: { character: string; count: number }[];
}

/** Where a store is and how it was opened. */
export interface StoreInfo {
  path: string;
  /** Opened for reading only: writes fail, cache entries and usage are not kept. */
  readOnly: boolean;
  /** False when nothing was stored there yet (a read-only open then reads an empty store). */
  exists: boolean;
}

/** A cached model response, addressed by a hash of the full request. */
export interface CachedResponse {
  key: string;
  value: unknown;
  createdAt: string;
}

/** Tokens spent by one model call. */
export interface UsageRecord {
  episodeId?: string;
  /** The run the call belonged to, if any (a scene run, a benchmark run). */
  runId?: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cached: boolean;
  at?: string;
}

export interface UsageTotals {
  calls: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
}

export interface ModelUsage extends UsageTotals {
  model: string;
}

export type RunStatus = 'running' | 'done' | 'failed';
export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

/** A run: many jobs (episodes, benchmark items) executed together and resumable (DESIGN.md §3 "Runs"). */
export interface Run {
  id: string;
  /** What the jobs are: `scene`, `bench`... */
  kind: string;
  title: string;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  /** Everything needed to resume: the scene or benchmark definition, models, options. */
  meta: Record<string, unknown>;
}

/** One job of a run. `input` says what to do; `result` what came out. */
export interface Job {
  runId: string;
  id: string;
  /** Position in the run (jobs run in this order). */
  index: number;
  status: JobStatus;
  attempts: number;
  error?: string;
  input: Record<string, unknown>;
  result?: Record<string, unknown>;
  updatedAt: string;
}

export type JobCounts = Record<JobStatus, number> & { total: number };

export interface JobPatch {
  status: JobStatus;
  /** A failure's message; cleared when the job is retried. */
  error?: string;
  result?: Record<string, unknown>;
  /** Counts one more attempt (when a job starts). */
  attempt?: boolean;
}

/** Persistence for episodes, their event logs, the response cache and usage (DESIGN.md §3 "Store"). */
export interface Store {
  createEpisode(episode: NewEpisode): Promise<Episode>;
  getEpisode(id: string): Promise<Episode | undefined>;
  listEpisodes(filter?: { kind?: EpisodeKind }): Promise<Episode[]>;
  updateEpisode(id: string, patch: { title?: string; status?: EpisodeStatus; meta?: Record<string, unknown> }): Promise<Episode>;
  /**
   * Appends events in one transaction and returns them with ids and sequence numbers; with `afterSeq`, only if
   * the log still ends there (else `store/conflict`).
   */
  appendEvents(episodeId: string, events: NewEvent[], options?: AppendOptions): Promise<SceneEvent[]>;
  listEvents(episodeId: string): Promise<SceneEvent[]>;
  cacheGet(key: string): Promise<CachedResponse | undefined>;
  cachePut(key: string, value: unknown): Promise<void>;
  recordUsage(usage: UsageRecord): Promise<void>;
  usageTotals(filter?: { episodeId?: string; runId?: string }): Promise<UsageTotals>;
  /** Usage per model spec, for cost accounting. */
  usageByModel(filter?: { episodeId?: string; runId?: string }): Promise<ModelUsage[]>;
  /** Creates a run and its jobs (all `pending`) in one transaction. */
  createRun(run: { id?: string; kind: string; title: string; meta?: Record<string, unknown> }, jobs: { id: string; input: Record<string, unknown> }[]): Promise<Run>;
  getRun(id: string): Promise<Run | undefined>;
  listRuns(filter?: { kind?: string }): Promise<Run[]>;
  /** Updates a run; `check` sees the current run under the write lock and may refuse (e.g. a run another process owns). */
  updateRun(id: string, patch: { status?: RunStatus; meta?: Record<string, unknown> }, options?: { check?: WriteCheck<Run> }): Promise<Run>;
  /** Deletes a run, its jobs, the episodes its jobs name (`input.episodeId`) with their events, and its usage rows. */
  deleteRun(id: string, options?: { check?: WriteCheck<Run> }): Promise<RunRemoval>;
  /** Deletes an episode, its events and its usage rows; memories written from it stay with their characters. */
  deleteEpisode(id: string, options?: { check?: WriteCheck<Episode> }): Promise<EpisodeRemoval>;
  /** Gives an episode a new id; its events and usage follow it. */
  renameEpisode(id: string, newId: string, options?: { check?: WriteCheck<Episode> }): Promise<Episode>;
  /** Copies an episode and its events up to `fork.throughSeq` under a new id. */
  forkEpisode(id: string, fork: EpisodeFork, options?: { check?: WriteCheck<Episode> }): Promise<Episode>;
  /** The jobs of a run in order, optionally only those with the given statuses. */
  listJobs(runId: string, filter?: { status?: JobStatus[] }): Promise<Job[]>;
  /** Sets a job's status (and error, result, attempt count); resolves once stored. */
  updateJob(runId: string, jobId: string, patch: JobPatch): Promise<void>;
  jobCounts(runId: string): Promise<JobCounts>;
  /** Characters' long-term memories, in the same database. */
  readonly memories: MemoryStore;
  /** Where the store is and how it was opened. */
  readonly location: StoreInfo;
  close(): Promise<void>;
}
