import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteMigrations } from '../../src/store/migrations.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { describeMemoryStore } from './memory-store-contract.ts';

describeMemoryStore('SQLite', async () => openSqliteStore(':memory:').memories);

describe('the SQLite memory store across schema versions', () => {
  it('upgrades memories of schema version 4 to shared memories (no owner), recalled by every session as before', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dramatis-memory-')), 'dramatis.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const migration of sqliteMigrations.filter((m) => m.version <= 4)) {
      raw.exec(migration.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, 'then');
    }
    raw.prepare(`INSERT INTO memories (id, character, seq, kind, text, at, source_event_ids) VALUES ('m1', 'Ana', 1, 'fact', 'The mill burned.', '2024-01-01T00:00:00.000Z', '[]')`).run();
    raw.close();
    const store = openSqliteStore(path);
    const [memory] = await store.memories.list('Ana', { owners: [null, 'Ann'] });
    expect(memory).toMatchObject({ id: 'm1', text: 'The mill burned.' });
    expect(memory!.owner).toBeUndefined();
    expect(await store.memories.searchText('Ana', 'mill', 5, { owners: [null] })).toEqual([{ id: 'm1', score: expect.any(Number) }]);
    await store.close();
  });
});
