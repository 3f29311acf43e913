import type Database from 'better-sqlite3';
import { StoreError } from './errors.ts';
import type { StoreInfo } from './types.ts';

/** Rows queued to be written with the next commit (usage, cache entries): whether any are, and how to write them. */
export interface QueuedRows {
  pending(): boolean;
  /** Writes them; called inside a transaction. */
  write(): void;
}

interface QueuedWrite {
  work: () => unknown;
  savepoint: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The store's write transactions: one at a time, IMMEDIATE, and a group commit for the writes that arrive in the
 * same tick (concurrent episodes and jobs of a run), each in its own savepoint, with the queued rows.
 */
export class SqliteTransactions {
  private readonly statements;
  private writes: QueuedWrite[] = [];
  private scheduled = false;

  constructor(private readonly db: Database.Database, private readonly location: StoreInfo, private readonly queued: readonly QueuedRows[]) {
    this.statements = {
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
  write<T>(work: () => T): T {
    this.assertWritable();
    return this.db.transaction(work).immediate();
  }

  assertWritable(): void {
    if (this.location.readOnly) {
      throw new StoreError('store/opened-read-only', `the store at ${this.location.path} was opened read-only, for a command that only reads`);
    }
  }

  /**
   * Runs `work` in the next group commit, in its own savepoint unless it is one statement (atomic anyway);
   * resolves once that commit is done.
   */
  group<T>(work: () => T, options: { savepoint?: boolean } = {}): Promise<T> {
    this.assertWritable();
    return new Promise<T>((resolve, reject) => {
      this.writes.push({ work, savepoint: options.savepoint ?? true, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** One commit on the next tick for everything queued by then: writes, usage rows, cache entries. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.commitGroup());
  }

  /** Commits what is queued now (also on the next tick when scheduled: then with nothing left to do). */
  commitGroup(): void {
    this.scheduled = false;
    const group = this.writes;
    this.writes = [];
    if (group.length === 0 && !this.queued.some((rows) => rows.pending())) return;
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
        for (const rows of this.queued) rows.write();
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
}
