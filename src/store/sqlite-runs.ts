import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { StoreError } from './errors.ts';
import { removeRun } from './sqlite-admin.ts';
import { existing, toJob, toRun, type JobRow, type RunRow } from './sqlite-rows.ts';
import type { SqliteTransactions } from './sqlite-transactions.ts';
import type { Job, JobCounts, JobPatch, JobStatus, Run, RunRemoval, RunStatus, WriteCheck } from './types.ts';

/** Runs and their jobs in SQLite: a job's input in its own table, its status, attempts and result in the other. */
export class SqliteRuns {
  private readonly statements;

  constructor(private readonly db: Database.Database, private readonly transactions: SqliteTransactions) {
    this.statements = {
      insertRun: db.prepare('INSERT INTO runs (id, kind, title, status, created_at, updated_at, meta) VALUES (@id, @kind, @title, @status, @created_at, @updated_at, @meta)'),
      getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
      listRuns: db.prepare('SELECT * FROM runs WHERE (@kind IS NULL OR kind = @kind) ORDER BY created_at, rowid'),
      updateRun: db.prepare('UPDATE runs SET status = @status, meta = @meta, updated_at = @updated_at WHERE id = @id'),
      insertJob: db.prepare("INSERT INTO run_jobs (run_id, id, idx, status, attempts, updated_at) VALUES (@run_id, @id, @idx, 'pending', 0, @updated_at)"),
      insertJobInput: db.prepare('INSERT INTO run_job_inputs (run_id, id, input) VALUES (@run_id, @id, @input)'),
      listJobs: db.prepare('SELECT j.*, i.input FROM run_jobs j JOIN run_job_inputs i ON i.run_id = j.run_id AND i.id = j.id WHERE j.run_id = ? ORDER BY j.idx'),
      updateJob: db.prepare('UPDATE run_jobs SET status = @status, attempts = attempts + @attempt, error = @error, result = COALESCE(@result, result), updated_at = @updated_at WHERE run_id = @run_id AND id = @id'),
      jobCounts: db.prepare('SELECT status, COUNT(*) AS n FROM run_jobs WHERE run_id = ? GROUP BY status'),
    };
  }

  create(run: { id?: string; kind: string; title: string; meta?: Record<string, unknown> }, jobs: { id: string; input: Record<string, unknown> }[]): Run {
    const now = new Date().toISOString();
    const id = run.id ?? randomUUID();
    return this.transactions.write(() => {
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

  get(id: string): Run | undefined {
    const row = this.statements.getRun.get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  list(filter?: { kind?: string }): Run[] {
    return (this.statements.listRuns.all({ kind: filter?.kind ?? null }) as RunRow[]).map(toRun);
  }

  update(id: string, patch: { status?: RunStatus; meta?: Record<string, unknown> }, check?: WriteCheck<Run>): Run {
    return this.transactions.write(() => {
      const current = this.current(id, check);
      const next: Run = {
        ...current, status: patch.status ?? current.status, meta: patch.meta ? { ...current.meta, ...patch.meta } : current.meta, updatedAt: new Date().toISOString(),
      };
      this.statements.updateRun.run({ id, status: next.status, meta: JSON.stringify(next.meta), updated_at: next.updatedAt });
      return next;
    });
  }

  remove(id: string, check?: WriteCheck<Run>): RunRemoval {
    return this.transactions.write(() => {
      this.current(id, check);
      return removeRun(this.db, id);
    });
  }

  /** The run as it is now, inside a write transaction, once `check` accepted it. */
  private current(id: string, check?: WriteCheck<Run>): Run {
    return existing(this.statements.getRun.get(id) as RunRow | undefined, toRun, `no run with id '${id}'`, check);
  }

  jobs(runId: string, filter?: { status?: JobStatus[] }): Job[] {
    const jobs = (this.statements.listJobs.all(runId) as JobRow[]).map(toJob);
    return filter?.status ? jobs.filter((job) => filter.status!.includes(job.status)) : jobs;
  }

  /** Updates a job in the next group commit: a run's many concurrent jobs share commits. */
  updateJob(runId: string, jobId: string, patch: JobPatch): Promise<void> {
    return this.transactions.group(() => {
      // One statement: atomic without a savepoint of its own.
      const { changes } = this.statements.updateJob.run({
        run_id: runId, id: jobId, status: patch.status, attempt: patch.attempt ? 1 : 0, error: patch.error ?? null,
        result: patch.result === undefined ? null : JSON.stringify(patch.result), updated_at: new Date().toISOString(),
      });
      if (changes === 0) throw new StoreError('store/not-found', `run '${runId}' has no job '${jobId}'`);
    }, { savepoint: false });
  }

  jobCounts(runId: string): JobCounts {
    const counts: JobCounts = { pending: 0, running: 0, done: 0, failed: 0, total: 0 };
    for (const row of this.statements.jobCounts.all(runId) as { status: JobStatus; n: number }[]) {
      counts[row.status] = row.n;
      counts.total += row.n;
    }
    return counts;
  }
}
