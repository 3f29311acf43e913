import type Database from 'better-sqlite3';
import type { NewEvent, SceneEvent } from '../events/index.ts';
import type { MemoryStore } from './memory-store.ts';
import { SqliteEpisodes } from './sqlite-episodes.ts';
import { withStoreErrors } from './sqlite-errors.ts';
import { SqliteMemoryStore } from './sqlite-memory-store.ts';
import { openDatabase, type OpenStoreOptions } from './sqlite-open.ts';
import { SqliteResponseCache } from './sqlite-response-cache.ts';
import { SqliteRuns } from './sqlite-runs.ts';
import { SqliteTransactions } from './sqlite-transactions.ts';
import { SqliteUsage } from './sqlite-usage.ts';
import type {
  AppendOptions, CachedResponse, Episode, EpisodeFork, EpisodeKind, EpisodeRemoval, EpisodeStatus, Job, JobCounts, JobPatch, JobStatus, ModelUsage,
  NewEpisode, Run, RunRemoval, RunStatus, Store, StoreInfo, UsageRecord, UsageTotals, WriteCheck,
} from './types.ts';

/**
 * Opens (creating if needed) a SQLite store at `path` and applies pending migrations; `:memory:` works for tests.
 * Several processes may use one store at once: every write transaction begins IMMEDIATE and waits for the
 * others (decision 0012). Errors name the file and what to do.
 * @example const store = openSqliteStore('.dramatis/dramatis.db', { readOnly: true })
 */
export function openSqliteStore(path: string, options: OpenStoreOptions = {}): Store {
  const { db, missing } = openDatabase(path, options);
  const readOnly = options.readOnly ?? false;
  return withStoreErrors(new SqliteStore(db, { path, readOnly, exists: !missing }), path);
}

/** The Store on one SQLite database: episodes, runs, usage and the response cache, written through one set of transactions. */
class SqliteStore implements Store {
  readonly memories: MemoryStore;
  private readonly transactions: SqliteTransactions;
  private readonly episodes: SqliteEpisodes;
  private readonly runs: SqliteRuns;
  private readonly usage: SqliteUsage;
  private readonly cache: SqliteResponseCache;

  constructor(private readonly db: Database.Database, readonly location: StoreInfo) {
    // Usage rows and cache entries are queued and written with the next group commit.
    this.usage = new SqliteUsage(db, location, { schedule: () => this.transactions.schedule(), write: (work) => this.transactions.write(work) });
    this.cache = new SqliteResponseCache(db, location, () => this.transactions.schedule());
    this.transactions = new SqliteTransactions(db, location, [this.usage, this.cache]);
    this.episodes = new SqliteEpisodes(db, this.transactions);
    this.runs = new SqliteRuns(db, this.transactions);
    this.memories = withStoreErrors(new SqliteMemoryStore(db, () => this.transactions.assertWritable()), location.path);
  }

  async createEpisode(episode: NewEpisode): Promise<Episode> { return this.episodes.create(episode); }
  async getEpisode(id: string): Promise<Episode | undefined> { return this.episodes.get(id); }
  async listEpisodes(filter?: { kind?: EpisodeKind }): Promise<Episode[]> { return this.episodes.list(filter); }
  async updateEpisode(id: string, patch: { title?: string; status?: EpisodeStatus; meta?: Record<string, unknown> }): Promise<Episode> {
    return this.episodes.update(id, patch);
  }
  async appendEvents(episodeId: string, events: NewEvent[], options?: AppendOptions): Promise<SceneEvent[]> { return this.episodes.append(episodeId, events, options); }
  async listEvents(episodeId: string): Promise<SceneEvent[]> { return this.episodes.events(episodeId); }

  // A removal or rename writes the queued usage rows first: they may belong to the episode.
  async deleteEpisode(id: string, options: { check?: WriteCheck<Episode> } = {}): Promise<EpisodeRemoval> {
    this.usage.flush();
    return this.episodes.remove(id, options.check);
  }
  async renameEpisode(id: string, newId: string, options: { check?: WriteCheck<Episode> } = {}): Promise<Episode> {
    this.usage.flush();
    return this.episodes.rename(id, newId, options.check);
  }
  async forkEpisode(id: string, fork: EpisodeFork, options: { check?: WriteCheck<Episode> } = {}): Promise<Episode> { return this.episodes.fork(id, fork, options.check); }

  async cacheGet(key: string): Promise<CachedResponse | undefined> { return this.cache.get(key); }
  async cachePut(key: string, value: unknown): Promise<void> { this.cache.put(key, value); }
  async recordUsage(usage: UsageRecord): Promise<void> { this.usage.record(usage); }
  async usageTotals(filter?: { episodeId?: string; runId?: string }): Promise<UsageTotals> { return this.usage.totals(filter); }
  async usageByModel(filter?: { episodeId?: string; runId?: string }): Promise<ModelUsage[]> { return this.usage.byModel(filter); }

  async createRun(run: { id?: string; kind: string; title: string; meta?: Record<string, unknown> }, jobs: { id: string; input: Record<string, unknown> }[]): Promise<Run> {
    return this.runs.create(run, jobs);
  }
  async getRun(id: string): Promise<Run | undefined> { return this.runs.get(id); }
  async listRuns(filter?: { kind?: string }): Promise<Run[]> { return this.runs.list(filter); }
  async updateRun(id: string, patch: { status?: RunStatus; meta?: Record<string, unknown> }, options: { check?: WriteCheck<Run> } = {}): Promise<Run> {
    return this.runs.update(id, patch, options.check);
  }
  async deleteRun(id: string, options: { check?: WriteCheck<Run> } = {}): Promise<RunRemoval> {
    this.usage.flush();
    return this.runs.remove(id, options.check);
  }
  async listJobs(runId: string, filter?: { status?: JobStatus[] }): Promise<Job[]> { return this.runs.jobs(runId, filter); }
  async updateJob(runId: string, jobId: string, patch: JobPatch): Promise<void> { return this.runs.updateJob(runId, jobId, patch); }
  async jobCounts(runId: string): Promise<JobCounts> { return this.runs.jobCounts(runId); }

  async close(): Promise<void> {
    try {
      this.transactions.commitGroup();
      this.usage.flush();
      if (this.cache.pending() && this.db.open) this.transactions.write(() => this.cache.write());
    } finally {
      if (this.db.open) this.db.close();
    }
  }
}
