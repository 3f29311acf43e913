import type Database from 'better-sqlite3';
import type { QueuedRows } from './sqlite-transactions.ts';
import type { ModelUsage, StoreInfo, UsageRecord, UsageTotals } from './types.ts';

const USAGE_SUMS = 'COUNT(*) AS calls, COALESCE(SUM(cached), 0) AS cachedCalls, COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens';

/** How the usage rows reach the store: queued for the next group commit, or written now in a transaction of their own. */
export interface UsageWrites {
  schedule(): void;
  write(work: () => void): void;
}

/**
 * Model usage rows (tokens per call), queued and written with the next group commit (with the events or job of the
 * same step), which halves the commits of a busy run. Reads of usage write the queue first.
 */
export class SqliteUsage implements QueuedRows {
  private readonly statements;
  private queue: UsageRecord[] = [];

  constructor(private readonly db: Database.Database, private readonly location: StoreInfo, private readonly writes: UsageWrites) {
    this.statements = {
      recordUsage: db.prepare('INSERT INTO usage (episode_id, run_id, model, input_tokens, output_tokens, cached_input_tokens, cached, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      usage: db.prepare(`SELECT ${USAGE_SUMS} FROM usage WHERE (@episode IS NULL OR episode_id = @episode) AND (@run IS NULL OR run_id = @run)`),
      usageByModel: db.prepare(`SELECT model, ${USAGE_SUMS} FROM usage WHERE (@episode IS NULL OR episode_id = @episode) AND (@run IS NULL OR run_id = @run) GROUP BY model ORDER BY model`),
    };
  }

  record(usage: UsageRecord): void {
    if (this.location.readOnly) return;
    this.queue.push({ ...usage, at: usage.at ?? new Date().toISOString() });
    this.writes.schedule();
  }

  pending(): boolean {
    return this.queue.length > 0;
  }

  /** Writes queued usage rows; call inside a transaction. */
  write(): void {
    const rows = this.queue;
    if (rows.length === 0) return;
    this.queue = [];
    for (const usage of rows) {
      this.statements.recordUsage.run(
        usage.episodeId ?? null, usage.runId ?? null, usage.model, usage.inputTokens, usage.outputTokens, usage.cachedInputTokens ?? 0,
        usage.cached ? 1 : 0, usage.at,
      );
    }
  }

  /** Writes queued usage rows now (before a read of usage, or a removal that counts them). */
  flush(): void {
    if (this.queue.length === 0 || !this.db.open) return;
    this.writes.write(() => this.write());
  }

  totals(filter?: { episodeId?: string; runId?: string }): UsageTotals {
    this.flush();
    const row = this.statements.usage.get({ episode: filter?.episodeId ?? null, run: filter?.runId ?? null }) as UsageTotals;
    return { calls: row.calls, cachedCalls: row.cachedCalls, inputTokens: row.inputTokens, outputTokens: row.outputTokens };
  }

  byModel(filter?: { episodeId?: string; runId?: string }): ModelUsage[] {
    this.flush();
    const rows = this.statements.usageByModel.all({ episode: filter?.episodeId ?? null, run: filter?.runId ?? null }) as ModelUsage[];
    return rows.map((r) => ({ model: r.model, calls: r.calls, cachedCalls: r.cachedCalls, inputTokens: r.inputTokens, outputTokens: r.outputTokens }));
  }
}
