import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BenchSummary } from '../../src/eval/results.ts';
import { openSqliteStore, type JobCounts } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot, tempDir } from '../support/cli.ts';
import { dramatisProcesses, until } from '../support/process.ts';

// The real `dramatis` binary killed in the middle of a benchmark run, then resumed: every item scored once.
const data = join(repoRoot, 'test', 'fixtures', 'bench', 'tomato', 'tomato_sample.json');
const items = 16;
let fake: FakeLlm;
let dir: string;
/** How many more requests the fake server answers; later ones hang, so that the kill finds the run mid-way. */
let answers = Infinity;
const launch = dramatisProcesses();
beforeAll(async () => { fake = await startFakeLlm({ handler: (request) => (request.path.endsWith('/chat/completions') ? (answers-- > 0 ? { text: '[B]' } : { fault: 'hang' }) : undefined) }); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); dir = tempDir(); answers = Infinity; });
const start = (args: string[]) => launch(args, dir);

async function counts(runId: string): Promise<JobCounts | undefined> {
  try {
    const store = openSqliteStore(join(dir, '.dramatis', 'dramatis.db'));
    try { return (await store.getRun(runId)) ? await store.jobCounts(runId) : undefined; } finally { await store.close(); }
  } catch {
    return undefined;
  }
}

describe('the dramatis binary running a benchmark', () => {
  it('SIGKILL mid-run, then --resume: only the missing items are asked, and the final counts are exact', async () => {
    answers = 6;
    const child = start(['bench', 'run', 'tomato', '--data', data, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--concurrency', '2', '--run-id', 'k1', '--no-cache']);
    await until(async () => ((await counts('k1'))?.done ?? 0) >= 6, 'some finished items');
    child.kill('SIGKILL');
    expect((await child.done).signal).toBe('SIGKILL');
    const killed = (await counts('k1'))!;
    expect(killed.done).toBeLessThan(items);
    const asked = fake.chatRequests().length;
    answers = Infinity;

    const resume = start(['bench', 'run', '--resume', 'k1', '--json']);
    const { code } = await resume.done;
    expect(resume.err()).not.toMatch(/failed:|error/i);
    expect(code).toBe(0);
    const summary = JSON.parse(resume.out()) as BenchSummary;
    // Option B (index 1) is right for 4 of the 16 questions.
    expect(summary.models[0]).toMatchObject({ items, planned: items, failed: 0, invalid: 0 });
    expect(summary.models[0].metrics.accuracy.value).toBeCloseTo(4 / items, 10);
    // The resume asked for the items that had not finished, no more: those in flight at the kill were asked twice.
    const resumedAsks = fake.chatRequests().length - asked;
    expect(resumedAsks).toBe(items - killed.done);
    expect(await counts('k1')).toMatchObject({ done: items, failed: 0, running: 0, pending: 0, total: items });
  });
});
