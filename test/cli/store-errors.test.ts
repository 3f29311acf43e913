import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeErrorFrom } from '../../src/store/sqlite-errors.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { bareTempDir, repoRoot, runCli, tempDir } from '../support/cli.ts';
import { runUnprivileged } from '../support/process.ts';

// The store as users meet it (issue 13 §7): errors that name the store and what to do, commands that only read
// working on a read-only copy, and a damaged cache entry that costs a model call instead of the turn.
let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
const card = join(repoRoot, 'examples', 'cards', 'mirela.json');
const lighthouse = join(repoRoot, 'examples', 'scenes', 'lighthouse.yaml');
const canon = join(repoRoot, 'test', 'fixtures', 'bench', 'beyond-one-world', 'characters_canon_events.json');
const model = () => ['--model', 'openai-compatible:fake', '--base-url', fake.url];
const chatArgs = (session: string, message = 'Hello') => ['chat', card, ...model(), '--message', message, '--session', session];

/** A store with a chat session, a scene run, a benchmark run and memories, closed (its WAL folded in). */
async function filledStore(): Promise<string> {
  const dir = tempDir();
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  writeFileSync(join(dir, 'memories.jsonl'), '{"text": "The lamp room is locked."}\n{"text": "Ilie drowned in 1881."}\n');
  for (const result of [
    await cli(...chatArgs('s1')),
    await cli('scene', 'run', lighthouse, ...model(), '--run-id', 'r1', '--quiet'),
    await cli('bench', 'run', 'beyond-one-world-canon', '--data', canon, '--limit', '4', ...model(), '--run-id', 'b1'),
    await cli('memory', 'import', 'memories.jsonl', '--character', 'Mirela'),
  ]) expect(result.code, result.stderr).toBe(0);
  return join(dir, '.dramatis', 'dramatis.db');
}

/** A copy of the store in a folder nobody may write: the file 0444, the folder 0555. */
function readOnlyCopy(store: string): { dir: string; path: string } {
  const dir = bareTempDir();
  mkdirSync(join(dir, 'store'));
  const path = join(dir, 'store', 'dramatis.db');
  copyFileSync(store, path);
  chmodSync(path, 0o444);
  chmodSync(join(dir, 'store'), 0o555);
  return { dir, path };
}

describe('commands that only read, on a read-only copy of a store', () => {
  it('list, show, export and report it, writing nothing next to it', async () => {
    const { dir, path } = readOnlyCopy(await filledStore());
    const read = (...args: string[]) => runUnprivileged(['--store', path, ...args], dir);
    const commands = {
      sessions: ['sessions', 'list'],
      show: ['sessions', 'show', 's1'],
      runs: ['scene', 'runs'],
      scene: ['scene', 'show', 'r1-e0'],
      exported: ['scene', 'export', 'r1'],
      benchRuns: ['bench', 'runs'],
      report: ['bench', 'report', 'b1'],
      memories: ['memory', 'list', '--character', 'Mirela'],
      search: ['memory', 'search', '--character', 'Mirela', '--query', 'lamp', '--strategy', 'lexical'],
      memoryExport: ['memory', 'export', '--character', 'Mirela'],
    };
    const results = await Promise.all(Object.values(commands).map((args) => read(...args)));
    const outcomes = Object.fromEntries(Object.keys(commands).map((name, i) => [name, results[i]!])) as Record<keyof typeof commands, (typeof results)[number]>;
    for (const [name, outcome] of Object.entries(outcomes)) expect(outcome.code, `${name}: ${outcome.stderr}`).toBe(0);
    expect(outcomes.sessions.stdout).toMatch(/^s1\s+Mirela\s+1 /m);
    expect(outcomes.show.stdout).toContain('User: Hello');
    expect(outcomes.runs.stdout).toMatch(/^r1\s+done\s+1\/0\/1/m);
    expect(outcomes.exported.stdout.split('\n').length).toBeGreaterThan(10);
    expect(outcomes.report.stdout).toContain('b1');
    expect(outcomes.memories.stdout).toContain('The lamp room is locked.');
    expect(outcomes.search.stdout).toContain('The lamp room is locked.');
    expect(outcomes.memoryExport.stdout.trim().split('\n')).toHaveLength(2);
    expect(readdirSync(join(dir, 'store'))).toEqual(['dramatis.db']);
  }, 60_000);

  it('a command that writes fails at once, naming the store and what to do', async () => {
    const { dir, path } = readOnlyCopy(await filledStore());
    fake.reset();
    const result = await runUnprivileged(['--store', path, ...chatArgs('s1', 'Again')], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot write the store at ${path}: `);
    expect(result.stderr).toMatch(/is read-only; make it writable, or pass --store PATH .*\[store\/read-only\]/);
    // Refused when the store was opened, before the model was asked.
    expect(fake.chatRequests()).toHaveLength(0);
  }, 60_000);
});

describe('store errors name the store and what to do', () => {
  it('a file that is not a database', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.db'), 'These are my notes, not a database.\n'.repeat(200));
    const result = await runCli(['--store', 'notes.db', 'sessions', 'list'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${join(dir, 'notes.db')} is not a Dramatis store (not a SQLite database); pass --store PATH (or set DRAMATIS_STORE) to use another store, or move that file away`);
    expect(result.stderr).toContain('[store/not-a-store]');
    // Nothing was written into it.
    expect(readFileSync(join(dir, 'notes.db'), 'utf8')).toBe('These are my notes, not a database.\n'.repeat(200));
  });

  it('a SQLite database of another program is not taken over', async () => {
    const dir = tempDir();
    const other = new Database(join(dir, 'other.db'));
    other.exec('CREATE TABLE contacts (name TEXT)');
    other.close();
    const result = await runCli(['--store', 'other.db', ...chatArgs('x')], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(dir, 'other.db')} is a SQLite database of another program`);
  });

  it('a damaged store (database disk image is malformed)', async () => {
    const path = await filledStore();
    const raw = new Database(path);
    const { rootpage } = raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'episodes'").get() as { rootpage: number };
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    const bytes = readFileSync(path);
    bytes.fill(0x55, (rootpage - 1) * pageSize + 8, rootpage * pageSize);
    writeFileSync(path, bytes);
    const result = await runCli(['--store', path, 'sessions', 'list'], { cwd: tempDir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: the store at ${path} is damaged; restore it from a backup, or salvage it with \`sqlite3 ${path} .recover | sqlite3 recovered.db\``);
    expect(result.stderr).toContain('database disk image is malformed');
    expect(result.stderr).toContain('[store/corrupt]');
  }, 60_000);

  it('SQLite codes of every family become a store error with the path', () => {
    const io = storeErrorFrom(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_FSYNC' }), '/data/dramatis.db');
    expect(io).toMatchObject({ code: 'store/io', message: expect.stringContaining('cannot read or write the store at /data/dramatis.db; it must be a regular file on a working disk') });
    const readOnly = storeErrorFrom(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' }), '/data/dramatis.db');
    expect(readOnly).toMatchObject({ code: 'store/read-only', message: expect.stringContaining('cannot write the store at /data/dramatis.db: the file (or its folder) is read-only; make them writable') });
    const busy = storeErrorFrom(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }), '/data/dramatis.db');
    expect(busy).toMatchObject({ code: 'store/busy', message: expect.stringContaining('stayed locked by another process') });
    const other = new TypeError('not sqlite');
    expect(storeErrorFrom(other, '/data/dramatis.db')).toBe(other);
  });
});

describe('a damaged response-cache entry', () => {
  for (const [what, value] of [
    ['is not JSON', '{"format": "dramatis/llm-resp'],
    ['has the wrong shape', JSON.stringify({ format: 'dramatis/llm-response', version: 1, kind: 'stream', parts: 'cut here' })],
  ] as const) {
    it(`that ${what} is a cache miss with a warning, not a failed model call`, async () => {
      const dir = tempDir();
      fake.reset();
      expect((await runCli(chatArgs('c1'), { cwd: dir })).code).toBe(0);
      const raw = new Database(join(dir, '.dramatis', 'dramatis.db'));
      expect(raw.prepare('UPDATE response_cache SET value = ?').run(value).changes).toBeGreaterThan(0);
      raw.close();
      const again = await runCli(chatArgs('c2'), { cwd: dir });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(/^warning: ignored a (damaged )?response-cache entry.*; asking the model instead$/m);
      expect(fake.chatRequests()).toHaveLength(2);
      // The fresh answer replaced the damaged entry: a third time is a clean hit.
      const third = await runCli(chatArgs('c3'), { cwd: dir });
      expect(third.stderr).toBe('');
      expect(fake.chatRequests()).toHaveLength(2);
    });
  }
});
