import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { privateDataHome, repoRoot, tempDir } from '../support/cli.ts';
import { until } from '../support/until.ts';

// These run the real `dramatis` binary as a user would, to check signals and exit codes end to end.
const bin = join(repoRoot, 'bin', 'dramatis.js');
let fake: FakeLlm;
let dir: string;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); dir = tempDir(); });

function start(args: string[]): ChildProcessWithoutNullStreams & { out: () => string; err: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: privateDataHome() } });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => { out += String(c); });
  child.stderr.on('data', (c) => { err += String(c); });
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return Object.assign(child, { out: () => out, err: () => err, done });
}

const storedEvents = async (session: string) => {
  const store = openSqliteStore(join(dir, '.dramatis', 'dramatis.db'));
  try { return await store.listEvents(session); } finally { await store.close(); }
};
const chatArgs = (...rest: string[]) => ['chat', join(repoRoot, 'examples', 'cards', 'mirela.png'), '--model', 'openai-compatible:fake', '--base-url', fake.url, ...rest];

describe('the dramatis binary', () => {
  it('prints help with an example and exits 0; a usage error exits 2', async () => {
    const help = start(['chat', '--help']);
    expect(await help.done).toBe(0);
    expect(help.out()).toMatch(/Examples:/);
    const bad = start(['card', 'convert']);
    expect(await bad.done).toBe(2);
  });

  it('Ctrl-C cancels a reply in progress, stores nothing of it, and the chat goes on', async () => {
    fake.enqueue({ fault: 'hang' });
    const child = start(chatArgs('--session', 'k1'));
    child.stdin.write('Hello?\n');
    await until(() => fake.chatRequests().length === 1, 'the model request');
    child.kill('SIGINT');
    await until(() => /cancelled/.test(child.err()), 'the cancel notice');
    child.stdin.write('/exit\n');
    expect(await child.done).toBe(0);
    // Not even the greeting: a session whose first turn never finished is not stored (issue 13 §7).
    expect((await storedEvents('k1')).map((e) => e.kind)).toEqual([]);
  });

  it('a process killed mid-turn leaves only complete turns in the store', async () => {
    fake.enqueue(
      { json: { thought: { belief: 'b', intention: 'i', desire: 'd', emotion: 'e', knowledge: 'k' }, action: '', speech: 'One.' } },
      { fault: 'hang' },
    );
    const first = start(chatArgs('--session', 'k2', '--message', 'first'));
    expect(await first.done).toBe(0);
    const second = start(chatArgs('--session', 'k2', '--message', 'second'));
    await until(() => fake.chatRequests().length === 2, 'the second request');
    second.kill('SIGKILL');
    await second.done;
    const events = await storedEvents('k2');
    expect(events.map((e) => e.text)).not.toContain('second');
    expect(events.filter((e) => e.actor === 'user').map((e) => e.text)).toEqual(['first']);
  });
});
