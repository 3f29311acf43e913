import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot, tempDir } from '../support/cli.ts';
import { dramatisProcesses } from '../support/process.ts';

// Several real `dramatis` processes writing one store at the same time (issue 13 §1): before write transactions
// began IMMEDIATE, a deferred read lock that had to become a write lock failed at once with `database is locked`
// (two runs of 12 episodes at --concurrency 8 lost about half their episodes).
const lighthouse = join(repoRoot, 'examples', 'scenes', 'lighthouse.yaml');
const card = join(repoRoot, 'examples', 'cards', 'mirela.json');
const canon = join(repoRoot, 'test', 'fixtures', 'bench', 'beyond-one-world', 'characters_canon_events.json');
let fake: FakeLlm;
const launch = dramatisProcesses();
beforeAll(async () => { fake = await startFakeLlm({ latencyMs: 5 }); });
afterAll(async () => { await fake.close(); });
const model = () => ['--model', 'openai-compatible:fake', '--base-url', fake.url, '--no-cache'];

describe('several dramatis processes on one store', () => {
  it('two scene runs at --concurrency 8 finish every episode', async () => {
    const dir = tempDir();
    const runs = [0, 1].map((i) => launch(['scene', 'run', lighthouse, '--episodes', '12', '--concurrency', '8', '--run-id', `w${i}`, '--json', ...model()], dir));
    const exits = await Promise.all(runs.map((run) => run.done));
    for (const [i, run] of runs.entries()) {
      expect(run.err()).not.toMatch(/locked|busy/i);
      expect(exits[i].code).toBe(0);
      expect(JSON.parse(run.out()).episodes).toEqual({ done: 12, failed: 0, unfinished: 0, total: 12 });
    }
  }, 120_000);

  it('a chat, a scene run, a benchmark run and a memory import at the same time all finish', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'memories.jsonl'), Array.from({ length: 400 }, (_, i) => JSON.stringify({ text: `Memory ${i} of the cape road.` })).join('\n'));
    const chat = (async () => {
      for (let turn = 0; turn < 4; turn++) {
        const child = launch(['chat', card, '--session', 'c1', '--message', `Line ${turn}`, ...model()], dir);
        const { code } = await child.done;
        if (code !== 0) return { code, err: child.err() };
      }
      return { code: 0, err: '' };
    })();
    const others = [
      launch(['scene', 'run', lighthouse, '--episodes', '16', '--concurrency', '8', '--run-id', 's1', '--quiet', ...model()], dir),
      launch(['bench', 'run', 'beyond-one-world-canon', '--data', canon, '--limit', '30', '--concurrency', '8', '--run-id', 'b1', ...model()], dir),
      launch(['memory', 'import', 'memories.jsonl', '--character', 'Mirela', '--batch-size', '1'], dir),
    ].map(async (child) => ({ code: (await child.done).code, err: child.err() }));
    const outcomes = await Promise.all([chat, ...others]);
    for (const outcome of outcomes) {
      expect(outcome.err).not.toMatch(/locked|busy/i);
      expect(outcome.code).toBe(0);
    }
  }, 120_000);
});
