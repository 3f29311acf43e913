import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type JobCounts } from '../../src/store/index.ts';
import type { SceneEvent } from '../../src/events/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';
import { dramatisProcesses, until } from '../support/process.ts';

// The real `dramatis` binary, stopped mid-run by a signal, then resumed: the store must hold whole episodes.
const lighthouse = join(repoRoot, 'examples', 'scenes', 'lighthouse.yaml');
const cast = ['Mirela', 'Tomas'];
let fake: FakeLlm;
let dir: string;
const launch = dramatisProcesses();
beforeAll(async () => { fake = await startFakeLlm({ latencyMs: 30 }); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); dir = tempDir(); });
const start = (args: string[]) => launch(args, dir);

async function inStore<T>(read: (store: ReturnType<typeof openSqliteStore>) => Promise<T>): Promise<T> {
  const store = openSqliteStore(join(dir, '.dramatis', 'dramatis.db'));
  try { return await read(store); } finally { await store.close(); }
}
const counts = (runId: string): Promise<JobCounts | undefined> =>
  inStore(async (store) => ((await store.getRun(runId)) ? store.jobCounts(runId) : undefined)).catch(() => undefined);

const runArgs = (runId: string) => [
  'scene', 'run', lighthouse, '--episodes', '6', '--concurrency', '2', '--run-id', runId, '--model', 'openai-compatible:fake', '--base-url', fake.url,
];

/** Every episode of the run is whole: 12 character speeches, seqs 1..n, one opening, no step stored twice. */
async function expectWholeRun(runId: string): Promise<void> {
  const logs = await inStore(async (store) => {
    const jobs = await store.listJobs(runId);
    return Promise.all(jobs.map(async (job) => ({ job, episode: await store.getEpisode(String(job.input.episodeId)), events: await store.listEvents(String(job.input.episodeId)) })));
  });
  expect(logs).toHaveLength(6);
  for (const { job, episode, events } of logs) {
    expect(job.status).toBe('done');
    expect(episode?.status).toBe('done');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.kind === 'speech' && cast.includes(e.actor))).toHaveLength(12);
    expect(events.filter((e) => e.text === 'Scene "The keeper\'s secret" begins.')).toHaveLength(1);
    expect(events.filter((e) => e.data?.end !== undefined && e.actor === 'system')).toHaveLength(1);
    const steps = events.filter((e: SceneEvent) => typeof e.data?.turn === 'string')
      .map((e) => `${String(e.data!.turn)} ${e.actor} ${e.kind} ${JSON.stringify(e.visibility)}`);
    expect(new Set(steps).size).toBe(steps.length);
  }
  const runs = await runCli(['scene', 'runs', '--json'], { cwd: dir, env: {} });
  const rows = JSON.parse(runs.stdout) as { id: string; status: string; jobs: JobCounts }[];
  expect(rows.find((r) => r.id === runId)).toMatchObject({ status: 'done', jobs: { done: 6, failed: 0, running: 0, pending: 0, total: 6 } });
}

describe('the dramatis binary running a scene', () => {
  it('SIGKILL mid-run leaves committed turns only; --resume finishes every episode without duplicates', async () => {
    const child = start(runArgs('k1'));
    await until(async () => ((await counts('k1'))?.done ?? 0) >= 1, 'a finished episode');
    child.kill('SIGKILL');
    expect((await child.done).signal).toBe('SIGKILL');

    const killed = (await counts('k1'))!;
    expect(killed.done).toBeLessThan(6);
    // The killed process's episodes are still marked running: the resume picks them up.
    expect(killed.running + killed.pending).toBe(6 - killed.done);
    const before = new Map((await inStore((store) => store.listJobs('k1'))).map((j) => [j.id, j.status]));
    const cut = [...before].filter(([, status]) => status === 'running').map(([id]) => `k1-${id}`);
    expect(cut.length).toBeGreaterThan(0);
    const cutLogs = await inStore(async (store) => Promise.all(cut.map((id) => store.listEvents(id))));
    expect(cutLogs.some((events) => events.length > 0)).toBe(true);

    const resume = start(['scene', 'run', '--resume', 'k1']);
    const { code } = await resume.done;
    expect(resume.err()).not.toMatch(/failed:|error/);
    expect(code).toBe(0);
    expect(resume.out()).toMatch(/^run k1: 6 done, 0 failed, 0 unfinished of 6 episode\(s\)$/m);
    await expectWholeRun('k1');
    // The cut episodes went on from their last committed turn: what was stored before the kill is unchanged.
    const resumedLogs = await inStore(async (store) => Promise.all(cut.map((id) => store.listEvents(id))));
    resumedLogs.forEach((events, i) => expect(events.slice(0, cutLogs[i].length)).toEqual(cutLogs[i]));
    // Done episodes were not run again; the ones the kill cut short were started twice.
    const jobs = await inStore((store) => store.listJobs('k1'));
    expect(jobs.map((j) => [j.id, j.attempts])).toEqual(jobs.map((j) => [j.id, before.get(j.id) === 'running' ? 2 : 1]));
  });

  it('Ctrl-C (SIGINT) stops the run, says how to resume, and --resume completes it', async () => {
    const child = start(runArgs('i1'));
    await until(async () => ((await counts('i1'))?.done ?? 0) >= 1, 'a finished episode');
    child.kill('SIGINT');
    const { code, signal } = await child.done;
    expect(signal).toBeNull();
    expect(code).toBe(1);
    expect(child.err()).toContain('interrupted; continue with: dramatis scene run --resume i1');
    const stopped = (await counts('i1'))!;
    expect(stopped.done).toBeLessThan(6);
    expect(stopped.failed).toBe(0);
    // An interrupted episode is not a failed one.
    const runs = JSON.parse((await runCli(['scene', 'runs', '--json'], { cwd: dir, env: {} })).stdout) as { id: string; status: string }[];
    expect(runs.find((r) => r.id === 'i1')?.status).not.toBe('failed');

    const resumed = await runCli(['scene', 'run', '--resume', 'i1'], { cwd: dir, env: {} });
    expect(resumed.stderr).not.toMatch(/failed:|error/);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^run i1: 6 done, 0 failed, 0 unfinished of 6 episode\(s\)$/m);
    await expectWholeRun('i1');
  });

  it('Ctrl-C while model calls hang aborts them: nothing half-done is stored, and --resume completes the run', async () => {
    let hang = true;
    const stuck = await startFakeLlm({ handler: () => (hang ? { fault: 'hang' } : undefined) });
    try {
      const child = start(['scene', 'run', lighthouse, '--episodes', '2', '--run-id', 'h1', '--model', 'openai-compatible:fake', '--base-url', stuck.url]);
      await until(() => stuck.inFlight === 2, 'both episodes waiting on the model');
      child.kill('SIGINT');
      const { code } = await child.done;
      expect(code).toBe(1);
      expect(child.err()).toContain('interrupted; continue with: dramatis scene run --resume h1');
      await until(() => stuck.inFlight === 0, 'the hanging requests to be abandoned');
      const stopped = await inStore(async (store) => ({
        jobs: await store.listJobs('h1'),
        kinds: await Promise.all(['h1-e0', 'h1-e1'].map(async (id) => (await store.listEvents(id)).map((e) => e.kind))),
      }));
      expect(stopped.jobs.map((j) => j.status)).toEqual(['running', 'running']);
      // Only the opening step (before the first model call) was committed.
      expect(stopped.kinds).toEqual([['system', 'narration'], ['system', 'narration']]);

      hang = false;
      const resumed = await runCli(['scene', 'run', '--resume', 'h1', '--quiet'], { cwd: dir, env: {} });
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toMatch(/^run h1: 2 done, 0 failed, 0 unfinished of 2 episode\(s\)$/m);
      const logs = await inStore((store) => Promise.all(['h1-e0', 'h1-e1'].map((id) => store.listEvents(id))));
      for (const events of logs) {
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
        expect(events.filter((e) => e.kind === 'speech' && cast.includes(e.actor))).toHaveLength(12);
        expect(events.filter((e) => e.data?.setting === true)).toHaveLength(1);
      }
    } finally {
      await stuck.close();
    }
  });
});
