import type Database from 'better-sqlite3';
import { StoreError } from './errors.ts';
import type { QueuedRows } from './sqlite-transactions.ts';
import type { CachedResponse, StoreInfo } from './types.ts';

/**
 * Model responses by request hash. An entry is queued and written with the next group commit (a benchmark item's
 * answer is cached just before its job is stored: one commit for both); reads see queued entries.
 */
export class SqliteResponseCache implements QueuedRows {
  private readonly statements;
  private queue = new Map<string, { value: string; at: string }>();

  constructor(db: Database.Database, private readonly location: StoreInfo, private readonly schedule: () => void) {
    this.statements = {
      cacheGet: db.prepare('SELECT key, value, created_at FROM response_cache WHERE key = ?'),
      cachePut: db.prepare('INSERT OR REPLACE INTO response_cache (key, value, created_at) VALUES (?, ?, ?)'),
    };
  }

  get(key: string): CachedResponse | undefined {
    const queued = this.queue.get(key);
    if (queued) return { key, value: JSON.parse(queued.value) as unknown, createdAt: queued.at };
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

  put(key: string, value: unknown): void {
    if (this.location.readOnly) return; // A command that only reads keeps no cache.
    this.queue.set(key, { value: JSON.stringify(value), at: new Date().toISOString() });
    this.schedule();
  }

  pending(): boolean {
    return this.queue.size > 0;
  }

  /** Writes queued cache entries; call inside a transaction. */
  write(): void {
    if (this.queue.size === 0) return;
    const entries = this.queue;
    this.queue = new Map();
    for (const [key, entry] of entries) this.statements.cachePut.run(key, entry.value, entry.at);
  }
}
