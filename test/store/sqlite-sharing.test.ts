import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.ts';
import { sqliteMigrations } from '../../src/store/migrations.ts';

// One store file shared by several connections (processes, in real use): writes wait for each other, reads
// never write, and deleting a session keeps the memories it taught its character.
const freshPath = () => join(mkdtempSync(join(tmpdir(), 'dramatis-sharing-')), 'dramatis.db');

/** Another connection, in a worker thread, that writes a row in a transaction it holds open for `holdMs`. */
function holdWriteLock(path: string, holdMs: number): Promise<{ locked: Promise<void>; done: Promise<void> }> {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.path, { timeout: 10000 });
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO usage (model, input_tokens, output_tokens, cached, at) VALUES ('other', 1, 1, 0, 'now')").run();
    parentPort.postMessage('locked');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
    db.exec('COMMIT');
    db.close();
    parentPort.postMessage('done');
  `, { eval: true, workerData: { path, holdMs, module: require.resolve('better-sqlite3') } });
  let onLocked!: () => void;
  let onDone!: () => void;
  const locked = new Promise<void>((resolve) => { onLocked = resolve; });
  const done = new Promise<void>((resolve) => { onDone = resolve; });
  worker.on('message', (message) => (message === 'locked' ? onLocked() : onDone()));
  return Promise.resolve({ locked, done });
}

describe('a store file shared by several connections', () => {
  it('a write that begins while another connection commits waits for it, instead of failing with "database is locked"', async () => {
    const path = freshPath();
    const store = openSqliteStore(path);
    await store.createEpisode({ id: 'e', kind: 'scene', title: 't' });
    await store.createRun({ id: 'r', kind: 'scene', title: 't' }, [{ id: 'j', input: {} }]);
    const other = await holdWriteLock(path, 300);
    await other.locked;
    // Each of these reads, then writes, in one transaction: a deferred one read a snapshot that the other
    // connection's commit made stale, and SQLite failed it at once (SQLITE_BUSY_SNAPSHOT).
    await store.appendEvents('e', [{ kind: 'speech', actor: 'A', text: 'hi', visibility: 'all' }]);
    await store.updateRun('r', { status: 'done' });
    await store.updateEpisode('e', { status: 'done' });
    await store.memories.add([{ character: 'A', text: 'remembered' }]);
    await other.done;
    expect((await store.listEvents('e')).map((e) => e.text)).toEqual(['hi']);
    expect((await store.usageByModel()).map((u) => u.model)).toEqual(['other']);
    await store.close();
  });

  it('opening read-only never creates or writes anything', async () => {
    const path = freshPath();
    const missing = openSqliteStore(join(path, '..', 'sub', 'dramatis.db'), { readOnly: true });
    expect(missing.location).toMatchObject({ readOnly: true, exists: false });
    expect(await missing.listEpisodes()).toEqual([]);
    await expect(missing.createEpisode({ kind: 'chat', title: 't' })).rejects.toMatchObject({ code: 'store/opened-read-only' });
    await missing.cachePut('k', 1);
    await missing.close();
    expect(readdirSync(join(path, '..'))).toEqual([]);

    // A store of the first schema is read through an upgraded copy in memory; the file keeps its schema.
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    raw.exec(sqliteMigrations[0]!.sql);
    raw.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run(sqliteMigrations[0]!.name, 'then');
    raw.prepare("INSERT INTO episodes VALUES ('old', 'chat', 'Old chat', 'active', 'then', 'then', '{}')").run();
    raw.close();
    const before = statSync(path).mtimeMs;
    const old = openSqliteStore(path, { readOnly: true });
    expect((await old.listEpisodes()).map((e) => e.id)).toEqual(['old']);
    expect(await old.listRuns()).toEqual([]);
    await old.close();
    expect(statSync(path).mtimeMs).toBe(before);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 1 });
    check.close();
  });

  it('deleting a session keeps the memories written from it, and says whose', async () => {
    const store = openSqliteStore(':memory:');
    await store.createEpisode({ id: 's', kind: 'chat', title: 't' });
    const [line] = await store.appendEvents('s', [{ kind: 'speech', actor: 'user', text: 'My name is Ann.', visibility: 'all' }]);
    await store.memories.add([
      { character: 'Mirela', text: 'Ann told me her name.', sourceEventIds: [line!.id] },
      { character: 'Mirela', text: 'The lamp needs oil.' },
    ]);
    expect(await store.deleteEpisode('s')).toEqual({ events: 1, usageRows: 0, memoriesKept: [{ character: 'Mirela', count: 1 }] });
    expect((await store.memories.list('Mirela')).map((m) => m.text)).toEqual(['Ann told me her name.', 'The lamp needs oil.']);
    await store.close();
  });
});

describe('two imports of one memory file at once', () => {
  it('both finish, and every memory is stored once (the second skips what the first stored after its check)', async () => {
    const { importMemories, parseMemoryFile } = await import('../../src/memory/index.ts');
    const path = freshPath();
    const first = openSqliteStore(path);
    const second = openSqliteStore(path);
    const entries = parseMemoryFile(Array.from({ length: 6 }, (_, i) => JSON.stringify({ text: `memory ${i}`, character: 'Mirela' })).join('\n'));
    // Both check the batch before either writes it: each embedding call waits until both have been asked.
    let asked = 0;
    let release!: () => void;
    const bothAsked = new Promise<void>((resolve) => { release = resolve; });
    const embed = async (texts: string[]) => {
      if (++asked === 2) release();
      await bothAsked;
      return texts.map((_, i) => [1, i + 1]);
    };
    const results = await Promise.all([first, second].map((store) => importMemories({ store: store.memories, entries, embed, embeddingModel: 'm' })));
    expect(results.map((r) => r.added + r.skipped)).toEqual([6, 6]);
    expect(results[0]!.added + results[1]!.added).toBe(6);
    expect(await first.memories.list('Mirela')).toHaveLength(6);
    await first.close();
    await second.close();
  });
});
