import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { StoreError } from './errors.ts';
import type { NewEvent, SceneEvent } from '../events/index.ts';
import type { MemoryStore } from './memory-store.ts';
import { SqliteMemoryStore } from './sqlite-memory-store.ts';
import { openDatabase, type OpenStoreOptions } from './sqlite-open.ts';
import { withStoreErrors } from './sqlite-errors.ts';
import { copyEpisode, removeEpisode, removeRun, renameEpisodeRows } from './sqlite-admin.ts';
import type {
  AppendOptions, CachedResponse, Episode, EpisodeFork, EpisodeKind, EpisodeRemoval, EpisodeStatus, Job, JobCounts, JobPatch, JobStatus, ModelUsage,
  NewEpisode, Run, RunRemoval, RunStatus, Store, StoreInfo, UsageRecord, UsageTotals, WriteCheck,
} from './types.ts';

interface EpisodeRow { id: string; kind: string; title: string; status: string; created_at: string; updated_at: string; meta: string }
interface EventRow { id: string; episode_id: string; seq: number; at: string; kind: string; actor: string; text: string; data: string | null; visibility: string }

interface RunRow { id: string; kind: string; title: string; status: string; created_at: string; updated_at: string; meta: string }
interface JobRow {
  run_id: string; id: string; idx: number; status: string; attempts: number; error: string | null; input: string; result: string | null; updated_at: string;
}

const toRun = (row: RunRow): Run => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  status: row.status as RunStatus,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  meta: JSON.parse(row.meta) as Record<string, unknown>,
});

const toJob = (row: JobRow): Job => ({
  runId: row.run_id,
  id: row.id,
  index: row.idx,
  status: row.status as JobStatus,
  attempts: row.attempts,
  ...(row.error === null ? {} : { error: row.error }),
  input: JSON.parse(row.input) as Record<string, unknown>,
  ...(row.result === null ? {} : { result: JSON.parse(row.result) as Record<string, unknown> }),
  updatedAt: row.updated_at,
});

const USAGE_SUMS = 'COUNT(*) AS calls, COALESCE(SUM(cached), 0) AS cachedCalls, COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens';

const toEpisode = (row: EpisodeRow): Episode => ({
  id: row.id,
  kind: row.kind as EpisodeKind,
  title: row.title,
  status: row.status as EpisodeStatus,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  meta: JSON.parse(row.meta) as Record<string, unknown>,
});

const toEvent = (row: EventRow): SceneEvent => ({
  id: row.id,
  episodeId: row.episode_id,
  seq: row.seq,
  at: row.at,
  kind: row.kind as SceneEvent['kind'],
  actor: row.actor,
  text: row.text,
  ...(row.data === null ? {} : { data: JSON.parse(row.data) as Record<string, unknown> }),
  visibility: JSON.parse(row.visibility) as SceneEvent['visibility'],
});

/**
 * A UUID version 7: milliseconds since the epoch, then random bits. Ids made one after another sort after each
 * other, so inserting events appends to the id index instead of touching random pages of it.
 */
export function timeOrderedId(now: number = Date.now()): string {
  // randomUUID draws from a pooled buffer (cheap); its first 48 bits become the time, its version nibble 7.
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

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

class SqliteStore implements Store {
  private readonly statements;
  readonly memories: MemoryStore;
  /** Usage rows not yet written: they are written together, in the next event transaction or the next tick. */
  private pendingUsage: UsageRecord[] = [];
  /** Event writes waiting for the next group commit. */
  private pendingCache = new Map<string, { value: string; at: string }>();
  private pendingWrites: { work: () => unknown; savepoint: boolean; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  private commitScheduled = false;

  constructor(private readonly db: Database.Database, readonly location: StoreInfo) {
    this.memories = withStoreErrors(new SqliteMemoryStore(db, () => this.assertWritable()), location.path);
    this.statements = {
      insertEpisode: db.prepare('INSERT INTO episodes (id, kind, title, status, created_at, updated_at, meta) VALUES (@id, @kind, @title, @status, @created_at, @updated_at, @meta)'),
      getEpisode: db.prepare('SELECT * FROM episodes WHERE id = ?'),
      listEpisodes: db.prepare('SELECT * FROM episodes ORDER BY created_at, rowid'),
      listEpisodesOfKind: db.prepare('SELECT * FROM episodes WHERE kind = ? ORDER BY created_at, rowid'),
      updateEpisode: db.prepare('UPDATE episodes SET title = @title, status = @status, meta = @meta, updated_at = @updated_at WHERE id = @id'),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE episode_id = ?'),
      episodeExists: db.prepare('SELECT 1 FROM episodes WHERE id = ?'),
      insertEvent: db.prepare('INSERT INTO events (id, episode_id, seq, at, kind, actor, text, data, visibility) VALUES (@id, @episode_id, @seq, @at, @kind, @actor, @text, @data, @visibility)'),
      listEvents: db.prepare('SELECT * FROM events WHERE episode_id = ? ORDER BY seq'),
      cacheGet: db.prepare('SELECT key, value, created_at FROM response_cache WHERE key = ?'),
      cachePut: db.prepare('INSERT OR REPLACE INTO response_cache (key, value, created_at) VALUES (?, ?, ?)'),
      recordUsage: db.prepare('INSERT INTO usage (episode_id, run_id, model, input_tokens, output_tokens, cached_input_tokens, cached, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      usage: db.prepare(`SELECT ${USAGE_SUMS} FROM usage WHERE (@episode IS NULL OR episode_id = @episode) AND (@run IS NULL OR run_id = @run)`),
      usageByModel: db.prepare(`SELECT model, ${USAGE_SUMS} FROM usage WHERE (@episode IS NULL OR episode_id = @episode) AND (@run IS NULL OR run_id = @run) GROUP BY model ORDER BY model`),
      insertRun: db.prepare('INSERT INTO runs (id, kind, title, status, created_at, updated_at, meta) VALUES (@id, @kind, @title, @status, @created_at, @updated_at, @meta)'),
      getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
      listRuns: db.prepare('SELECT * FROM runs WHERE (@kind IS NULL OR kind = @kind) ORDER BY created_at, rowid'),
      updateRun: db.prepare('UPDATE runs SET status = @status, meta = @meta, updated_at = @updated_at WHERE id = @id'),
      insertJob: db.prepare("INSERT INTO run_jobs (run_id, id, idx, status, attempts, updated_at) VALUES (@run_id, @id, @idx, 'pending', 0, @updated_at)"),
      insertJobInput: db.prepare('INSERT INTO run_job_inputs (run_id, id, input) VALUES (@run_id, @id, @input)'),
      listJobs: db.prepare('SELECT j.*, i.input FROM run_jobs j JOIN run_job_inputs i ON i.run_id = j.run_id AND i.id = j.id WHERE j.run_id = ? ORDER BY j.idx'),
      updateJob: db.prepare('UPDATE run_jobs SET status = @status, attempts = attempts + @attempt, error = @error, result = COALESCE(@result, result), updated_at = @updated_at WHERE run_id = @run_id AND id = @id'),
      jobCounts: db.prepare('SELECT status, COUNT(*) AS n FROM run_jobs WHERE run_id = ? GROUP BY status'),
      // IMMEDIATE: the write lock is taken (waiting for other processes) before the first read. A deferred
      // transaction that reads and then writes cannot wait: SQLite fails it at once with SQLITE_BUSY.
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT group_write'),
      release: db.prepare('RELEASE group_write'),
      rollbackToSavepoint: db.prepare('ROLLBACK TO group_write'),
    };
  }

  /** A transaction that may write: IMMEDIATE, for the reason given at `begin`. */
  private write<T>(work: () => T): T {
    this.assertWritable();
    return this.db.transaction(work).immediate();
  }

  private assertWritable(): void {
    if (this.location.readOnly) {
      throw new StoreError('store/opened-read-only', `the store at ${this.location.path} was opened read-only, for a command that only reads`);
    }
  }

  async createEpisode(episode: NewEpisode): Promise<Episode> {
    this.assertWritable();
    const now = new Date().toISOString();
    const id = episode.id ?? randomUUID();
    try {
      this.statements.insertEpisode.run({
        id, kind: episode.kind, title: episode.title, status: 'active', created_at: now, updated_at: now, meta: JSON.stringify(episode.meta ?? {}),
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new StoreError('store/duplicate', `an episode with id '${id}' already exists`);
      }
      throw error;
    }
    return (await this.getEpisode(id))!;
  }

  async getEpisode(id: string): Promise<Episode | undefined> {
    const row = this.statements.getEpisode.get(id) as EpisodeRow | undefined;
    return row && toEpisode(row);
  }

  async listEpisodes(filter?: { kind?: EpisodeKind }): Promise<Episode[]> {
    const rows = (filter?.kind ? this.statements.listEpisodesOfKind.all(filter.kind) : this.statements.listEpisodes.all()) as EpisodeRow[];
    return rows.map(toEpisode);
  }

  async updateEpisode(id: string, patch: { title?: string; status?: EpisodeStatus; meta?: Record<string, unknown> }): Promise<Episode> {
    return this.write(() => this.updateEpisodeSync(id, patch));
  }

  private updateEpisodeSync(id: string, patch: { title?: string; status?: EpisodeStatus; meta?: Record<string, unknown> }): Episode {
    const row = this.statements.getEpisode.get(id) as EpisodeRow | undefined;
    if (!row) throw new StoreError('store/not-found', `no episode with id '${id}'`);
    const current = toEpisode(row);
    const next: Episode = {
      ...current,
      title: patch.title ?? current.title,
      status: patch.status ?? current.status,
      meta: patch.meta ? { ...current.meta, ...patch.meta } : current.meta,
      updatedAt: new Date().toISOString(),
    };
    this.statements.updateEpisode.run({ id, title: next.title, status: next.status, meta: JSON.stringify(next.meta), updated_at: next.updatedAt });
    return next;
  }

  /**
   * Appends events in one transaction. Writes that arrive in the same tick (concurrent episodes of a run) are
   * committed together, each in its own savepoint: one commit instead of many, and a failing write fails alone.
   * The promise resolves once the commit is done, so a step is stored before the caller goes on.
   */
  async appendEvents(episodeId: string, events: NewEvent[], options?: AppendOptions): Promise<SceneEvent[]> {
    return this.groupWrite(() => this.appendEventsSync(episodeId, events, options));
  }

  /**
   * Runs `work` in the next group commit, in its own savepoint unless it is one statement (atomic anyway);
   * resolves once that commit is done.
   */
  private groupWrite<T>(work: () => T, options: { savepoint?: boolean } = {}): Promise<T> {
    this.assertWritable();
    return new Promise<T>((resolve, reject) => {
      this.pendingWrites.push({ work, savepoint: options.savepoint ?? true, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleCommit();
    });
  }

  /** One commit on the next tick for everything queued by then: writes, usage rows, cache entries. */
  private scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    setImmediate(() => this.commitGroup());
  }

  private commitGroup(): void {
    this.commitScheduled = false;
    const group = this.pendingWrites;
    this.pendingWrites = [];
    if (group.length === 0 && this.pendingUsage.length === 0 && this.pendingCache.size === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      if (!this.db.open) throw new StoreError('store/closed', 'the store was closed before the events were written');
      this.statements.begin.run();
      try {
        for (const write of group) {
          try {
            // A savepoint per write of several statements, prepared once (a `db.transaction` wrapper per write or
            // per commit costs more than the writes of a benchmark item).
            if (write.savepoint) this.statements.savepoint.run();
            const value = write.work();
            if (write.savepoint) this.statements.release.run();
            outcomes.push({ ok: true, value });
          } catch (error) {
            if (write.savepoint) {
              this.statements.rollbackToSavepoint.run();
              this.statements.release.run();
            }
            outcomes.push({ ok: false, error });
          }
        }
        this.writePendingUsage();
        this.writePendingCache();
        this.statements.commit.run();
      } catch (error) {
        if (this.db.inTransaction) this.statements.rollback.run();
        throw error;
      }
    } catch (error) {
      for (const write of group) write.reject(error);
      return;
    }
    group.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }

  private appendEventsSync(episodeId: string, events: NewEvent[], options: AppendOptions = {}): SceneEvent[] {
    if (options.create) {
      // Checked under the write lock: of two writers creating the same episode, the second is told.
      if (this.statements.episodeExists.get(episodeId)) {
        throw new StoreError('store/conflict', `episode '${episodeId}' was created by another writer in the meantime`);
      }
      const now = new Date().toISOString();
      this.statements.insertEpisode.run({
        id: episodeId, kind: options.create.kind, title: options.create.title, status: 'active', created_at: now, updated_at: now,
        meta: JSON.stringify(options.create.meta ?? {}),
      });
    } else if (!this.statements.episodeExists.get(episodeId)) {
      throw new StoreError('store/not-found', `no episode with id '${episodeId}'`);
    }
    let seq = (this.statements.maxSeq.get(episodeId) as { seq: number }).seq;
    if (options.afterSeq !== undefined && seq !== options.afterSeq) {
      throw new StoreError('store/conflict', `episode '${episodeId}' changed in the meantime: its last event is #${seq}, not #${options.afterSeq}`);
    }
    const now = new Date().toISOString();
    const stored = events.map((event): SceneEvent => {
      seq += 1;
      const full: SceneEvent = {
        id: event.id ?? timeOrderedId(), episodeId, seq, at: event.at ?? now, kind: event.kind, actor: event.actor, text: event.text,
        ...(event.data === undefined ? {} : { data: event.data }), visibility: event.visibility,
      };
      this.statements.insertEvent.run({
        id: full.id, episode_id: episodeId, seq, at: full.at, kind: full.kind, actor: full.actor, text: full.text,
        data: full.data === undefined ? null : JSON.stringify(full.data), visibility: JSON.stringify(full.visibility),
      });
      return full;
    });
    this.updateEpisodeSync(episodeId, { meta: options.meta });
    return stored;
  }

  async listEvents(episodeId: string): Promise<SceneEvent[]> {
    return (this.statements.listEvents.all(episodeId) as EventRow[]).map(toEvent);
  }

  async cacheGet(key: string): Promise<CachedResponse | undefined> {
    const pending = this.pendingCache.get(key);
    if (pending) return { key, value: JSON.parse(pending.value) as unknown, createdAt: pending.at };
    const row = this.statements.cacheGet.get(key) as { key: string; value: string; created_at: string } | undefined;
    if (!row) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch (error) {
      throw new StoreError('store/damaged-cache-entry', `the cache entry ${key.slice(0, 16)}… in the store at ${this.location.path} is not valid JSON (${(error as Error).message})`, { cause: error });
    }
    return { key: row.key, value, createdAt: row.created_at };
  }

  /**
   * Queues a cache entry, written with the next group commit (a benchmark item's answer is cached just before its
   * job is stored: one commit for both). Reads see queued entries.
   */
  async cachePut(key: string, value: unknown): Promise<void> {
    if (this.location.readOnly) return; // A command that only reads keeps no cache.
    this.pendingCache.set(key, { value: JSON.stringify(value), at: new Date().toISOString() });
    this.scheduleCommit();
  }

  /** Writes queued cache entries; call inside a transaction. */
  private writePendingCache(): void {
    if (this.pendingCache.size === 0) return;
    const entries = this.pendingCache;
    this.pendingCache = new Map();
    for (const [key, entry] of entries) this.statements.cachePut.run(key, entry.value, entry.at);
  }

  /**
   * Queues a usage row, written with the next group commit (with the events or job of the same step), which
   * halves the commits of a busy run. Reads of usage write the queue first.
   */
  async recordUsage(usage: UsageRecord): Promise<void> {
    if (this.location.readOnly) return;
    this.pendingUsage.push({ ...usage, at: usage.at ?? new Date().toISOString() });
    this.scheduleCommit();
  }

  /** Writes queued usage rows now (before a read of usage). */
  private flushUsage(): void {
    if (this.pendingUsage.length === 0 || !this.db.open) return;
    this.write(() => this.writePendingUsage());
  }

  /** Writes queued usage rows; call inside a transaction. */
  private writePendingUsage(): void {
    const rows = this.pendingUsage;
    if (rows.length === 0) return;
    this.pendingUsage = [];
    for (const usage of rows) {
      this.statements.recordUsage.run(
        usage.episodeId ?? null, usage.runId ?? null, usage.model, usage.inputTokens, usage.outputTokens, usage.cachedInputTokens ?? 0,
        usage.cached ? 1 : 0, usage.at,
      );
    }
  }

  async usageTotals(filter?: { episodeId?: string; runId?: string }): Promise<UsageTotals> {
    this.flushUsage();
    const row = this.statements.usage.get({ episode: filter?.episodeId ?? null, run: filter?.runId ?? null }) as UsageTotals;
    return { calls: row.calls, cachedCalls: row.cachedCalls, inputTokens: row.inputTokens, outputTokens: row.outputTokens };
  }

  async usageByModel(filter?: { episodeId?: string; runId?: string }): Promise<ModelUsage[]> {
    this.flushUsage();
    const rows = this.statements.usageByModel.all({ episode: filter?.episodeId ?? null, run: filter?.runId ?? null }) as ModelUsage[];
    return rows.map((r) => ({ model: r.model, calls: r.calls, cachedCalls: r.cachedCalls, inputTokens: r.inputTokens, outputTokens: r.outputTokens }));
  }

  async createRun(run: { id?: string; kind: string; title: string; meta?: Record<string, unknown> }, jobs: { id: string; input: Record<string, unknown> }[]): Promise<Run> {
    const now = new Date().toISOString();
    const id = run.id ?? randomUUID();
    return this.write(() => {
      try {
        this.statements.insertRun.run({ id, kind: run.kind, title: run.title, status: 'running', created_at: now, updated_at: now, meta: JSON.stringify(run.meta ?? {}) });
        jobs.forEach((job, idx) => {
          this.statements.insertJob.run({ run_id: id, id: job.id, idx, updated_at: now });
          this.statements.insertJobInput.run({ run_id: id, id: job.id, input: JSON.stringify(job.input) });
        });
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new StoreError('store/duplicate', `a run with id '${id}' already exists, or two of its jobs share an id`);
        }
        throw error;
      }
      return toRun(this.statements.getRun.get(id) as RunRow);
    });
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = this.statements.getRun.get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  async listRuns(filter?: { kind?: string }): Promise<Run[]> {
    return (this.statements.listRuns.all({ kind: filter?.kind ?? null }) as RunRow[]).map(toRun);
  }

  async updateRun(id: string, patch: { status?: RunStatus; meta?: Record<string, unknown> }, options: { check?: WriteCheck<Run> } = {}): Promise<Run> {
    return this.write(() => {
      const current = this.currentRun(id, options.check);
      const next: Run = {
        ...current, status: patch.status ?? current.status, meta: patch.meta ? { ...current.meta, ...patch.meta } : current.meta, updatedAt: new Date().toISOString(),
      };
      this.statements.updateRun.run({ id, status: next.status, meta: JSON.stringify(next.meta), updated_at: next.updatedAt });
      return next;
    });
  }

  async deleteRun(id: string, options: { check?: WriteCheck<Run> } = {}): Promise<RunRemoval> {
    this.flushUsage();
    return this.write(() => {
      this.currentRun(id, options.check);
      return removeRun(this.db, id);
    });
  }

  /** The run as it is now, inside a write transaction, once `check` accepted it. */
  private currentRun(id: string, check?: WriteCheck<Run>): Run {
    const row = this.statements.getRun.get(id) as RunRow | undefined;
    if (!row) throw new StoreError('store/not-found', `no run with id '${id}'`);
    const run = toRun(row);
    check?.(run);
    return run;
  }

  /** The episode as it is now, inside a write transaction, once `check` accepted it. */
  private currentEpisode(id: string, check?: WriteCheck<Episode>): Episode {
    const row = this.statements.getEpisode.get(id) as EpisodeRow | undefined;
    if (!row) throw new StoreError('store/not-found', `no episode with id '${id}'`);
    const episode = toEpisode(row);
    check?.(episode);
    return episode;
  }

  async deleteEpisode(id: string, options: { check?: WriteCheck<Episode> } = {}): Promise<EpisodeRemoval> {
    this.flushUsage();
    return this.write(() => {
      this.currentEpisode(id, options.check);
      return removeEpisode(this.db, id);
    });
  }

  async renameEpisode(id: string, newId: string, options: { check?: WriteCheck<Episode> } = {}): Promise<Episode> {
    this.flushUsage();
    return this.write(() => {
      this.currentEpisode(id, options.check);
      if (this.statements.episodeExists.get(newId)) throw new StoreError('store/duplicate', `an episode with id '${newId}' already exists`);
      renameEpisodeRows(this.db, id, newId, new Date().toISOString());
      return toEpisode(this.statements.getEpisode.get(newId) as EpisodeRow);
    });
  }

  async forkEpisode(id: string, fork: EpisodeFork, options: { check?: WriteCheck<Episode> } = {}): Promise<Episode> {
    return this.write(() => {
      const original = this.currentEpisode(id, options.check);
      if (this.statements.episodeExists.get(fork.id)) throw new StoreError('store/duplicate', `an episode with id '${fork.id}' already exists`);
      copyEpisode(this.db, original, fork, new Date().toISOString(), () => timeOrderedId());
      return toEpisode(this.statements.getEpisode.get(fork.id) as EpisodeRow);
    });
  }

  async listJobs(runId: string, filter?: { status?: JobStatus[] }): Promise<Job[]> {
    const jobs = (this.statements.listJobs.all(runId) as JobRow[]).map(toJob);
    return filter?.status ? jobs.filter((job) => filter.status!.includes(job.status)) : jobs;
  }

  /** Updates a job in the next group commit: a run's many concurrent jobs share commits. */
  async updateJob(runId: string, jobId: string, patch: JobPatch): Promise<void> {
    return this.groupWrite(() => {
      // One statement: atomic without a savepoint of its own.
      const { changes } = this.statements.updateJob.run({
        run_id: runId, id: jobId, status: patch.status, attempt: patch.attempt ? 1 : 0, error: patch.error ?? null,
        result: patch.result === undefined ? null : JSON.stringify(patch.result), updated_at: new Date().toISOString(),
      });
      if (changes === 0) throw new StoreError('store/not-found', `run '${runId}' has no job '${jobId}'`);
    }, { savepoint: false });
  }

  async jobCounts(runId: string): Promise<JobCounts> {
    const counts: JobCounts = { pending: 0, running: 0, done: 0, failed: 0, total: 0 };
    for (const row of this.statements.jobCounts.all(runId) as { status: JobStatus; n: number }[]) {
      counts[row.status] = row.n;
      counts.total += row.n;
    }
    return counts;
  }

  async close(): Promise<void> {
    try {
      this.commitGroup();
      this.flushUsage();
      if (this.pendingCache.size > 0 && this.db.open) this.write(() => this.writePendingCache());
    } finally {
      if (this.db.open) this.db.close();
    }
  }
}
