import { describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { displayStatus, runLocal } from '../../src/run/local-runner.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';

async function runWithJobs(n: number): Promise<Store> {
  const store = openSqliteStore(':memory:');
  await store.createRun({ id: 'r', kind: 'test', title: 't' }, Array.from({ length: n }, (_, i) => ({ id: `j${i}`, input: { i } })));
  return store;
}

describe('the local runner', () => {
  it('runs every job with bounded concurrency and stores results', async () => {
    const store = await runWithJobs(20);
    let active = 0;
    let most = 0;
    const result = await runLocal({
      store, runId: 'r', concurrency: 4,
      execute: async (job) => {
        most = Math.max(most, ++active);
        await new Promise((r) => setTimeout(r, 2));
        active--;
        return { doubled: Number(job.input.i) * 2 };
      },
    });
    expect(result).toEqual({ counts: { pending: 0, running: 0, done: 20, failed: 0, total: 20 }, interrupted: false });
    expect(most).toBe(4);
    expect((await store.listJobs('r'))[7].result).toEqual({ doubled: 14 });
    expect((await store.getRun('r'))?.status).toBe('done');
  });

  it('a failing job is marked failed with its error; the others go on; a resume runs only failed and unfinished jobs', async () => {
    const store = await runWithJobs(6);
    const errors: string[] = [];
    const first = await runLocal({
      store, runId: 'r', concurrency: 2,
      execute: async (job) => {
        if (job.id === 'j2') throw Object.assign(new Error('the server said no'), { code: 'llm/server-error' });
        return {};
      },
      onJobError: (job) => errors.push(job.id),
    });
    expect(first.counts).toMatchObject({ done: 5, failed: 1 });
    expect(errors).toEqual(['j2']);
    expect((await store.listJobs('r', { status: ['failed'] }))[0].error).toBe('the server said no [llm/server-error]');
    expect((await store.getRun('r'))?.status).toBe('failed');
    // A job left `running` by a killed process is unfinished too.
    await store.updateJob('r', 'j4', { status: 'running' });
    const ran: string[] = [];
    const second = await runLocal({ store, runId: 'r', concurrency: 2, execute: async (job) => { ran.push(job.id); return {}; } });
    expect(ran.sort()).toEqual(['j2', 'j4']);
    expect(second.counts).toMatchObject({ done: 6, failed: 0 });
    expect((await store.listJobs('r')).find((j) => j.id === 'j2')).toMatchObject({ status: 'done', attempts: 2 });
    expect((await store.getRun('r'))?.status).toBe('done');
  });

  it('an interrupt aborts running jobs and leaves them for the resume, not failed', async () => {
    const store = await runWithJobs(10);
    const controller = new AbortController();
    const result = await runLocal({
      store, runId: 'r', concurrency: 2, signal: controller.signal,
      execute: (job, signal) => new Promise((resolve, reject) => {
        if (job.id === 'j3') controller.abort();
        if (signal.aborted) reject(new Error('aborted'));
        else setTimeout(() => resolve({}), 1);
      }),
    });
    expect(result.interrupted).toBe(true);
    expect(result.counts.failed).toBe(0);
    expect(result.counts.done).toBeLessThan(10);
    expect((await store.getRun('r'))?.status).toBe('running');
    const rest = await runLocal({ store, runId: 'r', concurrency: 2, execute: async () => ({}) });
    expect(rest.counts).toMatchObject({ done: 10, failed: 0, running: 0, pending: 0 });
  });

  it('refuses to execute a run another live process is executing; a dead owner means the run is stopped', async () => {
    const store = await runWithJobs(2);
    await store.updateRun('r', { status: 'running', meta: { owner: { pid: process.ppid, host: hostname(), since: 'then' } } });
    expect(displayStatus((await store.getRun('r'))!)).toBe('running');
    await expect(runLocal({ store, runId: 'r', concurrency: 1, execute: async () => ({}) })).rejects.toMatchObject({ code: 'run/busy' });
    await store.updateRun('r', { meta: { owner: { pid: 2 ** 22 + 12345, host: hostname(), since: 'then' } } });
    expect(displayStatus((await store.getRun('r'))!)).toBe('stopped');
    expect((await runLocal({ store, runId: 'r', concurrency: 1, execute: async () => ({}) })).counts.done).toBe(2);
    expect((await store.getRun('r'))?.meta.owner).toBeNull();
  });
});
