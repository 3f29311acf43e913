import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.ts';
import { timeOrderedId } from '../../src/store/time-ordered-id.ts';
import { sqliteMigrations } from '../../src/store/migrations.ts';
import { runStoreContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'dramatis-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('sqlite (memory)', async () => openSqliteStore(':memory:'));
let n = 0;
runStoreContract('sqlite (file)', async () => openSqliteStore(join(dir, `s${n++}`, 'dramatis.db')));

describe('sqlite store', () => {
  it('persists across reopen and applies migrations once', async () => {
    const path = join(dir, 'reopen', 'dramatis.db');
    const a = openSqliteStore(path);
    await a.createEpisode({ id: 'x', kind: 'chat', title: 't' });
    await a.appendEvents('x', [{ kind: 'speech', actor: 'user', text: 'hi', visibility: 'all' }]);
    await a.close();
    const b = openSqliteStore(path);
    expect((await b.listEvents('x')).map((e) => e.text)).toEqual(['hi']);
    await b.close();
    const raw = new Database(path);
    expect(raw.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: sqliteMigrations.length });
    raw.close();
  });

  it('event ids are version-7 UUIDs that sort by time', () => {
    const ids = [timeOrderedId(1_700_000_000_000), timeOrderedId(1_700_000_000_001), timeOrderedId(1_800_000_000_000)];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 1000 }, () => timeOrderedId(5))).size).toBe(1000);
  });

  it('writes queued usage with the next events, on the next tick, and on close', async () => {
    const path = join(dir, 'usage', 'dramatis.db');
    const store = openSqliteStore(path);
    const rows = () => { const raw = new Database(path); try { return (raw.prepare('SELECT COUNT(*) AS n FROM usage').get() as { n: number }).n; } finally { raw.close(); } };
    await store.recordUsage({ episodeId: 'e', model: 'm', inputTokens: 1, outputTokens: 1, cached: false });
    await new Promise((r) => setImmediate(r));
    expect(rows()).toBe(1);
    await store.createEpisode({ id: 'e', kind: 'scene', title: 't' });
    await store.recordUsage({ episodeId: 'e', model: 'm', inputTokens: 1, outputTokens: 1, cached: false });
    await store.appendEvents('e', [{ kind: 'speech', actor: 'A', text: 'hi', visibility: 'all' }]);
    expect(rows()).toBe(2);
    await store.recordUsage({ episodeId: 'e', model: 'm', inputTokens: 1, outputTokens: 1, cached: false });
    await store.close();
    expect(rows()).toBe(3);
  });

  it('upgrades a store written by the first schema version, keeping its data', async () => {
    const path = join(dir, 'upgrade', 'dramatis.db');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'upgrade'));
    const raw = new Database(path);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    raw.exec(sqliteMigrations[0].sql);
    raw.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run(sqliteMigrations[0].name, new Date().toISOString());
    raw.prepare("INSERT INTO usage (episode_id, model, input_tokens, output_tokens, cached, at) VALUES ('e', 'm', 3, 2, 0, 'now')").run();
    raw.close();
    const store = openSqliteStore(path);
    expect(await store.usageTotals({ episodeId: 'e' })).toMatchObject({ calls: 1, inputTokens: 3 });
    await store.createRun({ id: 'r', kind: 'scene', title: 't' }, [{ id: 'j', input: {} }]);
    expect((await store.jobCounts('r')).pending).toBe(1);
    await store.close();
  });

  it('upgrades a store with runs of schema version 2: job inputs move to their own table', async () => {
    const path = join(dir, 'upgrade2', 'dramatis.db');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'upgrade2'));
    const raw = new Database(path);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const migration of sqliteMigrations.slice(0, 2)) {
      raw.exec(migration.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, 'then');
    }
    raw.prepare("INSERT INTO runs VALUES ('r', 'bench', 't', 'running', 'then', 'then', '{}')").run();
    raw.prepare("INSERT INTO run_jobs VALUES ('r', 'a', 0, 'done', 1, NULL, '{\"item\":1}', '{\"score\":1}', 'then')").run();
    raw.prepare("INSERT INTO run_jobs VALUES ('r', 'b', 1, 'pending', 0, NULL, '{\"item\":2}', NULL, 'then')").run();
    raw.close();
    const store = openSqliteStore(path);
    expect((await store.listJobs('r')).map((j) => [j.id, j.status, j.input, j.result])).toEqual([
      ['a', 'done', { item: 1 }, { score: 1 }], ['b', 'pending', { item: 2 }, undefined],
    ]);
    await store.updateJob('r', 'b', { status: 'done', result: { score: 0 } });
    expect((await store.listJobs('r'))[1]).toMatchObject({ status: 'done', input: { item: 2 }, result: { score: 0 } });
    await store.close();
  });

  it('refuses a store written by a newer schema', async () => {
    const path = join(dir, 'newer', 'dramatis.db');
    await openSqliteStore(path).close();
    const raw = new Database(path);
    raw.prepare("INSERT INTO schema_migrations VALUES (999, 'future', 'now')").run();
    raw.close();
    expect(() => openSqliteStore(path)).toThrow(/newer Dramatis/);
  });
});
