import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';

let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });

const card = join(repoRoot, 'examples', 'cards', 'mirela.json');

describe('where sessions are stored', () => {
  it('uses .dramatis/dramatis.db by default, --store PATH, or DRAMATIS_STORE', async () => {
    const dir = tempDir();
    const base = ['chat', card, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--message', 'Hello'];
    expect((await runCli([...base, '--session', 'a'], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, '.dramatis', 'dramatis.db'))).toBe(true);

    expect((await runCli(['--store', 'elsewhere/my.db', ...base, '--session', 'b'], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, 'elsewhere', 'my.db'))).toBe(true);

    const env = { DRAMATIS_STORE: join(dir, 'env.db') };
    expect((await runCli([...base, '--session', 'c'], { cwd: dir, env })).code).toBe(0);

    const ids = async (args: string[], options = {}) =>
      JSON.parse((await runCli([...args, 'sessions', 'list', '--json'], { cwd: dir, ...options })).stdout).map((s: { id: string }) => s.id);
    expect(await ids([])).toEqual(['a']);
    expect(await ids(['--store', 'elsewhere/my.db'])).toEqual(['b']);
    expect(await ids([], { env })).toEqual(['c']);
  });

  it('fails with a clear message when the store cannot be opened', async () => {
    const dir = tempDir();
    const { code, stderr } = await runCli(['--store', '/etc/passwd/x.db', 'sessions', 'list'], { cwd: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/store/);
  });
});
