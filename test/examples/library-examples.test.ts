import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../support/cli.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';

// The runnable examples of examples/library/ (the README's library section points at them), run as a user runs them:
// plain node, `import ... from 'dramatis'` (the package's own name, resolved to dist/), the model from DRAMATIS_MODEL.

const run = promisify(execFile);
let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });

async function example(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, [join(repoRoot, 'examples', 'library', name)], {
    cwd: tempDir(),
    env: { PATH: process.env.PATH ?? '', DRAMATIS_MODEL: 'openai-compatible:fake', DRAMATIS_BASE_URL: fake.url, XDG_DATA_HOME: tempDir() },
  });
  return stdout;
}

describe('examples/library', () => {
  it('character.mjs: a character from a few fields, and one from a card file', async () => {
    const out = await example('character.mjs');
    expect(out).toContain('Ilie: A fisherman of Constanța who rows supplies out to the lighthouse, 1897. (alignment flawed, 1 secret)');
    expect(out).toMatch(/Mirela: a V3 card \(png\), \d+ tokens, lorebook of 5 entries/);
  });

  it('chat.mjs: a chat with defaults (a store in memory, the model DRAMATIS_MODEL names)', async () => {
    const out = await example('chat.mjs');
    expect(out).toContain('Mirela: Who climbs my stairs at this hour?');
    expect(out).toContain('Mirela: You said: "Why is the lamp dark on the east side?"');
    expect(fake.chatRequests().length).toBeGreaterThanOrEqual(2);
  });

  it('scene.mjs: one episode stepped to its end, then a run of three', async () => {
    const out = await example('scene.mjs');
    expect(out).toContain("=== The keeper's secret ===");
    expect(out).toContain('episode ended: max-turns after 12 speech turns');
    expect(out).toMatch(/run the-keeper-s-secret-\w+: 3 of 3 episodes done, \d+ model calls/);
  });

  it('benchmark.mjs: a benchmark run and its leaderboard', async () => {
    expect(await example('benchmark.mjs')).toMatch(/^openai-compatible:fake: kappa \d\.\d{3} on 6 items \(0 invalid\)$/m);
  });

  it('model.mjs: a model by its spec, used with the AI SDK directly', async () => {
    const out = await example('model.mjs');
    expect(out).toContain('openai-compatible:fake: openai-compatible dialect');
    expect(out).toContain('You said: "Say hello to the keeper of the lighthouse."');
  });
});
