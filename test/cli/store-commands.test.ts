import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cachedPathOf, LOCAL_CATALOG } from '../../src/llm/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';

// Tidying the store (issue 13 §7): sessions delete|rename|fork, scene runs delete, bench runs delete, models rm.
let fake: FakeLlm;
let dir: string;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); dir = tempDir(); });
const card = join(repoRoot, 'examples', 'cards', 'mirela.json');
const lighthouse = join(repoRoot, 'examples', 'scenes', 'lighthouse.yaml');
const canon = join(repoRoot, 'test', 'fixtures', 'bench', 'beyond-one-world', 'characters_canon_events.json');
const model = () => ['--model', 'openai-compatible:fake', '--base-url', fake.url];
const cli = (...args: string[]) => runCli(args, { cwd: dir });
const say = (session: string, message: string, ...extra: string[]) => cli('chat', card, ...model(), '--message', message, '--session', session, ...extra);
const ids = async () => (JSON.parse((await cli('sessions', 'list', '--json')).stdout) as { id: string }[]).map((row) => row.id);
const rows = (sql: string, ...params: unknown[]) => {
  const raw = new Database(join(dir, '.dramatis', 'dramatis.db'), { readonly: true });
  try { return raw.prepare(sql).all(...params); } finally { raw.close(); }
};

describe('dramatis sessions delete|rename|fork', () => {
  it('delete removes the transcript and its usage, keeps the memories, and says so', async () => {
    expect((await say('s1', 'My name is Ann.', '--memory')).code).toBe(0);
    expect((await say('s2', 'Hello')).code).toBe(0);
    const deleted = await cli('sessions', 'delete', 's1');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/^deleted session s1: 5 events, 1 usage rows\n/);
    expect(deleted.stdout).toMatch(/kept memories written from it \(\d+ of Mirela\): memories belong to the character; see dramatis memory list --character NAME/);
    expect(await ids()).toEqual(['s2']);
    expect(rows("SELECT * FROM usage WHERE episode_id = 's1'")).toEqual([]);
    expect((await cli('memory', 'list', '--character', 'Mirela')).stdout).toContain('My name is Ann.');
    const again = await cli('sessions', 'delete', 's1');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no session with id 's1' in the store at ${join(dir, '.dramatis', 'dramatis.db')}`);
  });

  it('rename moves the session, its history and usage; the new id continues it', async () => {
    expect((await say('s1', 'The first line.')).code).toBe(0);
    const renamed = await cli('sessions', 'rename', 's1', 'evening');
    expect(renamed.stdout).toBe(`renamed session s1 to evening; continue it with: dramatis chat ${card} --session evening\n`);
    expect(await ids()).toEqual(['evening']);
    expect(rows("SELECT COUNT(*) AS n FROM usage WHERE episode_id = 'evening'")).toEqual([{ n: 1 }]);
    expect((await say('evening', 'The second line.')).code).toBe(0);
    expect(JSON.stringify(fake.chatRequests()[1]!.body.messages)).toContain('The first line.');
    expect((await say('other', 'x')).code).toBe(0);
    const taken = await cli('sessions', 'rename', 'evening', 'other');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain("an episode with id 'other' already exists");
  });

  it('fork copies the log up to the end of a turn and continues separately', async () => {
    expect((await say('s1', 'First question?')).code).toBe(0);
    expect((await say('s1', 'Second question?')).code).toBe(0);
    const numbered = (await cli('sessions', 'show', 's1', '--seq')).stdout;
    // Greeting #1; turn one #2-#5 (user, thought, action, speech); turn two #6-#9.
    expect(numbered).toMatch(/^#2 User: First question\?$/m);
    expect(numbered).toMatch(/^#6 User: Second question\?$/m);
    const inside = await cli('sessions', 'fork', 's1', 'what-if', '--at', '3');
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain("event #3 of session 's1' is inside a turn (#2 to #5); fork at #1 or #5");
    const fork = await cli('sessions', 'fork', 's1', 'what-if', '--at', '5');
    expect(fork.stdout).toBe(`forked session s1 at #5 into what-if (5 events); continue it with: dramatis chat ${card} --session what-if\n`);
    expect((await say('what-if', 'A different second question?')).code).toBe(0);
    const prompt = JSON.stringify(fake.chatRequests().at(-1)!.body.messages);
    expect(prompt).toContain('First question?');
    expect(prompt).not.toContain('Second question?');
    const user = (session: string) => rows("SELECT text FROM events WHERE episode_id = ? AND actor = 'user' ORDER BY seq", session);
    expect(user('s1')).toEqual([{ text: 'First question?' }, { text: 'Second question?' }]);
    expect(user('what-if')).toEqual([{ text: 'First question?' }, { text: 'A different second question?' }]);
    const whole = await cli('sessions', 'fork', 's1');
    expect(whole.stdout).toMatch(/^forked session s1 at #9 into s1-[0-9a-f]{6} \(9 events\)/);
  });
});

describe('dramatis scene runs delete, bench runs delete', () => {
  it('scene runs delete removes the run, its episodes and their events, and its usage', async () => {
    expect((await cli('scene', 'run', lighthouse, ...model(), '--episodes', '2', '--run-id', 'r1', '--quiet')).code).toBe(0);
    expect((await cli('scene', 'run', lighthouse, ...model(), '--run-id', 'r2', '--quiet')).code).toBe(0);
    const deleted = await cli('scene', 'runs', 'delete', 'r1');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/^deleted scene run r1: 2 episodes, \d+ events, \d+ usage rows\n$/);
    expect((await cli('scene', 'runs', '--json')).stdout).not.toContain('"r1"');
    expect((await cli('scene', 'show', 'r1-e0')).code).toBe(1);
    expect(rows("SELECT COUNT(*) AS n FROM events WHERE episode_id LIKE 'r1-%'")).toEqual([{ n: 0 }]);
    expect(rows("SELECT COUNT(*) AS n FROM usage WHERE run_id = 'r1'")).toEqual([{ n: 0 }]);
    expect((await cli('scene', 'show', 'r2-e0')).code).toBe(0);
    expect((await cli('scene', 'runs', 'delete', 'r1')).stderr).toContain("no scene run with id 'r1' in the store at");
  });

  it('refuses to delete a run that a live process is executing', async () => {
    expect((await cli('scene', 'run', lighthouse, ...model(), '--run-id', 'live', '--quiet')).code).toBe(0);
    const sleeper = spawn('sleep', ['30']);
    try {
      const raw = new Database(join(dir, '.dramatis', 'dramatis.db'));
      raw.prepare("UPDATE runs SET status = 'running', meta = json_set(meta, '$.owner', json(?)) WHERE id = 'live'")
        .run(JSON.stringify({ pid: sleeper.pid, host: hostname(), since: new Date().toISOString() }));
      raw.close();
      const refused = await cli('scene', 'runs', 'delete', 'live');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`run live is being executed by process ${sleeper.pid} on this machine; stop it first (kill ${sleeper.pid}), then delete it [run/busy]`);
      expect((await cli('scene', 'show', 'live-e0')).code).toBe(0);
    } finally {
      sleeper.kill();
    }
  });

  it('bench runs delete removes a benchmark run; a scene run id is named as such', async () => {
    expect((await cli('bench', 'run', 'beyond-one-world-canon', '--data', canon, '--limit', '3', ...model(), '--run-id', 'b1')).code).toBe(0);
    const deleted = await cli('bench', 'runs', 'delete', 'b1');
    expect(deleted.stdout).toMatch(/^deleted benchmark run b1: 3 items, 3 usage rows\n$/);
    expect((await cli('bench', 'runs')).stdout).toContain('No benchmark runs yet');
    expect((await cli('bench', 'report', 'b1')).code).toBe(1);
  });
});

describe('dramatis models rm', () => {
  it('deletes a downloaded model and its partial download, never a file of the user', async () => {
    const models = join(dir, 'models');
    const env = { DRAMATIS_MODELS_DIR: models };
    const path = cachedPathOf(LOCAL_CATALOG[0]!, env);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.alloc(2048));
    writeFileSync(`${path}.part`, Buffer.alloc(1024));
    const other = cachedPathOf(LOCAL_CATALOG[1]!, env);
    mkdirSync(dirname(other), { recursive: true });
    writeFileSync(other, Buffer.alloc(10));
    const removed = await runCli(['models', 'rm', 'local:default'], { cwd: dir, env });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe(`removed default: ${path}, ${path}.part (3.1 KB freed)\n`);
    expect(existsSync(dirname(path))).toBe(false);
    expect(readdirSync(models).sort()).toEqual([other.slice(models.length + 1).split('/')[0]]);
    const again = await runCli(['models', 'rm', 'default'], { cwd: dir, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`local:default is not in the model cache (looked for ${path}); see what is there with: dramatis models list`);
    writeFileSync(join(dir, 'mine.gguf'), 'x');
    const mine = await runCli(['models', 'rm', './mine.gguf'], { cwd: dir, env });
    expect(mine.code).toBe(1);
    expect(mine.stderr).toContain('is a file of yours');
    expect(existsSync(join(dir, 'mine.gguf'))).toBe(true);
  });
});
