import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BenchSummary } from '../../src/eval/results.ts';
import { openSqliteStore, type JobCounts } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { sharedData, tempDir } from '../support/cli.ts';
import { dramatisProcesses, until } from '../support/process.ts';

// The real `dramatis` binary killed in the middle of a benchmark run, then resumed: every item scored once.
const excerpt = sharedData('tomato', 'tomato_fb.first40.json');
let fake: FakeLlm;
let dir: string;
const launch = dramatisProcesses();
beforeAll(async () => { fake = await startFakeLlm({ latencyMs: 40, handler: (request) => (request.path.endsWith('/chat/completions') ? { text: '[B]' } : undefined) }); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); dir = tempDir(); });
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
    const child = start(['bench', 'run', 'tomato', '--data', excerpt, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--concurrency', '2', '--run-id', 'k1', '--no-cache']);
    await until(async () => ((await counts('k1'))?.done ?? 0) >= 6, 'some finished items');
    child.kill('SIGKILL');
    expect((await child.done).signal).toBe('SIGKILL');
    const killed = (await counts('k1'))!;
    expect(killed.done).toBeLessThan(40);
    const asked = fake.chatRequests().length;

    const resume = start(['bench', 'run', '--resume', 'k1', '--json']);
    const { code } = await resume.done;
    expect(resume.err()).not.toMatch(/failed:|error/i);
    expect(code).toBe(0);
    const summary = JSON.parse(resume.out()) as BenchSummary;
    // Released answers: option B (index 1) is right for 10 of the 40 questions.
    expect(summary.models[0]).toMatchObject({ items: 40, planned: 40, failed: 0, invalid: 0 });
    expect(summary.models[0].metrics.accuracy.value).toBeCloseTo(10 / 40, 10);
    // The resume asked for the items that had not finished, no more: those in flight at the kill were asked twice.
    const resumedAsks = fake.chatRequests().length - asked;
    expect(resumedAsks).toBe(40 - killed.done);
    expect(await counts('k1')).toMatchObject({ done: 40, failed: 0, running: 0, pending: 0, total: 40 });
  });
});
