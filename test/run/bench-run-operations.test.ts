import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  benchCatalogue, benchDataStats, benchRunReport, compareBenchRuns, deleteBenchRun, listBenchRuns, renderBenchReport, resumeBenchRun,
  startBenchRun,
} from '../../src/run/index.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { repoRoot } from '../support/cli.ts';
import { runErrorOf } from './run-error.ts';

// The benchmark run operations called directly, over HTTP to the fake server, on the judge-agreement example
// (12 human-labelled replies shipped in examples/bench).

const benchmark = join(repoRoot, 'examples', 'bench', 'judge-agreement.yaml');
let fake: FakeLlm;
let fault: ((request: FakeRequest) => FakeReply | undefined) | undefined;
let store: Store;
beforeAll(async () => { fake = await startFakeLlm({ handler: (request) => fault?.(request) }); });
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fault = undefined;
  store = openSqliteStore(join(mkdtempSync(join(tmpdir(), 'dramatis-bench-ops-')), 'dramatis.db'));
});
afterEach(() => store.close());

const start = (extra: Partial<Parameters<typeof startBenchRun>[0]> = {}) => startBenchRun({
  store, env: {}, benchmark, models: ['openai-compatible:fake'], settings: { baseURL: fake.url, retries: 0 }, runId: 'agree', ...extra,
});

describe('startBenchRun and resumeBenchRun', () => {
  it('start a run: every item asked and scored, the summary and the item records returned', async () => {
    const outcome = await start();
    expect(outcome.result.counts).toMatchObject({ done: 12, failed: 0, total: 12 });
    expect(outcome.summary).toMatchObject({ runId: 'agree', status: 'done', primaryMetric: 'kappa', models: [{ model: 'openai-compatible:fake', items: 12, planned: 12 }] });
    expect(outcome.items).toHaveLength(12);
    expect(fake.chatRequests()).toHaveLength(12);
  });

  it('resume after failures: only the failed items are asked again, with a new server address', async () => {
    let calls = 0;
    fault = (request) => (request.path.endsWith('/chat/completions') && ++calls % 3 === 0 ? { fault: 'server-error' } : undefined);
    const failed: string[] = [];
    const first = await start({ onItemError: (job) => failed.push(job.id) });
    expect(first.result.counts).toMatchObject({ done: 8, failed: 4 });
    expect(first.summary.status).toBe('failed');
    expect(failed).toHaveLength(4);

    fault = undefined;
    const moved = await startFakeLlm();
    try {
      const resumed = await resumeBenchRun({ store, env: {}, runId: 'agree', settings: { baseURL: moved.url } });
      expect(resumed.result.counts).toMatchObject({ done: 12, failed: 0 });
      expect(moved.chatRequests()).toHaveLength(4);
      expect(resumed.run.meta.settings).toMatchObject({ baseURL: moved.url, retries: 0, options: 'released' });
    } finally {
      await moved.close();
    }
  });

  it('refuse what the CLI refuses: a changed plan, a missing run or one of another kind, a taken id', async () => {
    await start();
    const replanned = await runErrorOf(resumeBenchRun({ store, env: {}, runId: 'agree', plan: { limit: 3, optionOrder: 'shuffled', runId: 'x' } }));
    expect(replanned).toMatchObject({ code: 'run/fixed-on-resume', id: 'agree', fields: ['limit', 'optionOrder', 'runId'] });
    expect(await runErrorOf(resumeBenchRun({ store, env: {}, runId: 'nope' }))).toMatchObject({ code: 'run/not-found', lookedFor: 'benchmark run' });
    await store.createRun({ id: 'scene-1', kind: 'scene', title: 'a scene', meta: {} }, []);
    expect(await runErrorOf(resumeBenchRun({ store, env: {}, runId: 'scene-1' }))).toMatchObject({ code: 'run/not-found', lookedFor: 'benchmark run' });
    expect(await runErrorOf(start())).toMatchObject({ code: 'run/exists', id: 'agree' });
    expect(fake.chatRequests()).toHaveLength(12);
  });
});

describe('listBenchRuns, benchRunReport, compareBenchRuns, deleteBenchRun, the catalogue', () => {
  it('list, report and compare stored runs, then delete one', async () => {
    await start({ limit: 6 });
    await start({ runId: 'agree-2' });
    expect((await listBenchRuns(store)).map((row) => [row.id, row.benchmark, row.status, row.jobs.total])).toEqual([
      ['agree', 'judge-agreement', 'done', 6], ['agree-2', 'judge-agreement', 'done', 12],
    ]);
    const { summary, items } = await benchRunReport({ store, runId: 'agree', env: {} });
    expect(items).toHaveLength(6);
    expect(await renderBenchReport('report.md', summary, items)).toContain('Judge agreement with human ratings');
    expect(JSON.parse(await renderBenchReport('report.json', summary, items))).toMatchObject({ summary: { runId: 'agree' } });

    const comparison = await compareBenchRuns({ store, runA: 'agree', runB: 'agree-2', metric: 'abs_error' });
    expect(comparison).toMatchObject({ metric: 'abs_error', runA: 'agree', runB: 'agree-2', pairs: [{ onlyA: 0, onlyB: 6 }] });
    expect(await runErrorOf(compareBenchRuns({ store, runA: 'agree', runB: 'zz' }))).toMatchObject({ code: 'run/not-found', id: 'zz' });

    expect(await deleteBenchRun(store, 'agree-2')).toMatchObject({ jobs: 12 });
    expect((await listBenchRuns(store)).map((row) => row.id)).toEqual(['agree']);
  });

  it('the catalogue of built-in benchmarks and the counts of a data file', async () => {
    const all = benchCatalogue();
    expect(all.benchmarks.map((b) => b.name)).toContain('tomato');
    expect(all.otherLoaders.map((l) => l.name)).toContain('human-labels');
    expect(benchCatalogue('tomato')).toMatchObject({ benchmarks: [{ name: 'tomato', loader: 'tomato' }], otherLoaders: [] });
    const { stats } = await benchDataStats({ benchmark });
    expect(stats.items).toBe(12);
    expect(stats.breakdowns[0]!.by).toEqual(['persona']);
  });
});
