import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  deleteSceneRun, exportScene, listSceneRuns, readRunScene, resumeSceneRun, showScene, startSceneRun, type SceneRunOutcome,
} from '../../src/run/index.ts';
import { seededInt } from '../../src/scene/index.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';
import { runErrorOf } from './run-error.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';

// The scene run operations as the CLI, a server or a worker calls them: plain options in, plain results out,
// failures as RunError values with stable codes. Over HTTP to the fake server.

const sceneYaml = `title: The storm
kind: conversation
setting: A lighthouse in a winter storm.
cast:
  - character: { name: Ana, description: The keeper. }
    secret: She signals the smugglers.
  - character: { name: Ben, description: A customs officer. }
    secret: He suspects her.
turns: { policy: round-robin, max: 4 }
seed: 7
`;

let fake: FakeLlm;
/** Set by a test: requests it answers with a fault. */
let fault: ((request: FakeRequest) => FakeReply | undefined) | undefined;
let dir: string;
let store: Store;
beforeAll(async () => { fake = await startFakeLlm({ handler: (request) => fault?.(request) }); });
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fault = undefined;
  dir = mkdtempSync(join(tmpdir(), 'dramatis-run-ops-'));
  writeFileSync(join(dir, 'storm.yaml'), sceneYaml);
  store = openSqliteStore(join(dir, 'dramatis.db'));
});
afterEach(() => store.close());

const common = () => ({ store, env: {}, concurrency: 2, settings: { baseURL: fake.url, retries: 0, turnRetries: 0 } });

async function start(extra: Partial<Parameters<typeof startSceneRun>[0]> = {}): Promise<SceneRunOutcome> {
  const read = await readRunScene('storm.yaml', { cwd: dir });
  return startSceneRun({ ...common(), ...read, models: ['openai-compatible:fake'], runId: 'storm', cwd: dir, ...extra });
}

describe('startSceneRun and resumeSceneRun', () => {
  it('start a run, execute its episodes and return the summary the CLI prints', async () => {
    const started: string[] = [];
    const outcome = await start({ episodes: 2, onStart: (run) => started.push(run.id) });
    expect(started).toEqual(['storm']);
    expect(outcome.summary).toMatchObject({
      run: 'storm', title: 'The storm', status: 'done', episodes: { done: 2, failed: 0, unfinished: 0, total: 2 },
      models: ['openai-compatible:fake'], seed: 7, turnRetries: { total: 0, episodes: 0 },
    });
    expect(outcome.summary.usage.calls).toBe(fake.chatRequests().length);
    expect(outcome.episodeIds).toEqual(['storm-e0', 'storm-e1']);
    const shown = await showScene({ store, id: 'storm-e0' });
    expect('episode' in shown && shown.episode.events.filter((event) => event.kind === 'speech' && event.actor !== 'system')).toHaveLength(4);
  });

  it('resume a run after a failure: only the failed episode runs again, with the settings given for this attempt', async () => {
    // Every request of the second episode fails: the models are sent each episode's own seed.
    const secondSeed = seededInt(7, 1);
    fault = (request) => (request.body.seed === secondSeed ? { fault: 'server-error' } : undefined);
    const errors: string[] = [];
    const first = await start({ episodes: 2, onEpisodeError: (episodeId) => errors.push(episodeId) });
    expect(first.summary.status).toBe('failed');
    expect(first.summary.episodes).toMatchObject({ done: 1, failed: 1 });
    expect(errors).toEqual(['storm-e1']);

    fault = undefined;
    fake.reset();
    const moved = await startFakeLlm();
    try {
      const resumed = await resumeSceneRun({ store, env: {}, runId: 'storm', settings: { baseURL: moved.url } });
      expect(resumed.summary).toMatchObject({ status: 'done', episodes: { done: 2, failed: 0, unfinished: 0, total: 2 } });
      expect(fake.chatRequests()).toEqual([]);
      expect(moved.chatRequests().length).toBe(4);
      // The new setting is stored with the run; the ones not given keep their values.
      expect(resumed.run.meta.settings).toMatchObject({ baseURL: moved.url, retries: 0, turnRetries: 0 });
    } finally {
      await moved.close();
    }
  });

  it('refuse what the CLI refuses: a changed plan, a missing run, a run of another kind, a taken id, a file of several scenes', async () => {
    await start();
    const replanned = await runErrorOf(resumeSceneRun({ store, env: {}, runId: 'storm', plan: { models: ['openai:gpt-4o'], episodes: 5, seed: 3 } }));
    expect(replanned).toMatchObject({ code: 'run/fixed-on-resume', id: 'storm', fields: ['models', 'episodes', 'seed'] });
    expect(replanned.message).toBe('a resume continues run storm as it was planned; models, episodes, seed cannot change it (start a new run instead)');

    const missing = await runErrorOf(resumeSceneRun({ store, env: {}, runId: 'nope' }));
    expect(missing).toMatchObject({ code: 'run/not-found', id: 'nope', lookedFor: 'scene run', where: `in the store at ${join(dir, 'dramatis.db')}` });
    await store.createRun({ id: 'bench-1', kind: 'bench', title: 'a benchmark', meta: {} }, []);
    expect(await runErrorOf(resumeSceneRun({ store, env: {}, runId: 'bench-1' }))).toMatchObject({ code: 'run/not-found', lookedFor: 'scene run' });

    expect(await runErrorOf(start())).toMatchObject({ code: 'run/exists', id: 'storm' });

    writeFileSync(join(dir, 'box.json'), JSON.stringify({
      title: 'Box', scenes: [1, 2].map((id) => ({ id, event: `Scene ${id}`, characters: [{ name: 'A', description: 'a' }, { name: 'B', description: 'b' }] })),
    }));
    expect(await runErrorOf(readRunScene('box.json', { cwd: dir }))).toMatchObject({
      code: 'run/several-scenes', message: 'box.json holds 2 scenes; pick one with box.json#ID',
    });
  });
});

describe('listSceneRuns, showScene, exportScene and deleteSceneRun', () => {
  it('list and show runs and episodes, seen by everyone or by one cast member', async () => {
    await start();
    expect(await listSceneRuns(store)).toMatchObject([{ id: 'storm', title: 'The storm', status: 'done', jobs: { done: 1, total: 1 }, turnRetries: 0 }]);

    const run = await showScene({ store, id: 'storm' });
    if (!('run' in run)) throw new Error('expected the run');
    expect(run.run).toMatchObject({ status: 'done', jobTurnRetries: [0], turnRetries: { total: 0, episodes: 0 }, metrics: { episodes: 1 } });
    expect(run.run.jobs.map((job) => job.input.episodeId)).toEqual(['storm-e0']);

    const asBen = await showScene({ store, id: 'storm-e0', as: 'Ben' });
    if (!('episode' in asBen)) throw new Error('expected the episode');
    const anaThoughts = asBen.episode.events.filter((event) => event.kind === 'thought' && event.actor === 'Ana');
    expect(anaThoughts.length).toBeGreaterThan(0);
    expect(asBen.episode.perceived.some((event) => event.kind === 'thought' && event.actor === 'Ana')).toBe(false);

    expect(await runErrorOf(showScene({ store, id: 'storm-e0', as: 'Nobody' }))).toMatchObject({ code: 'run/not-in-cast', message: "no character 'Nobody' in episode storm-e0; use one of: Ana, Ben" });
    expect(await runErrorOf(showScene({ store, id: 'zz' }))).toMatchObject({ code: 'run/not-found', lookedFor: 'scene episode or run' });
  });

  it('export a run as JSONL or ToMATO-like transcripts, and delete it', async () => {
    await start({ episodes: 2 });
    const jsonl = await exportScene({ store, id: 'storm', format: 'jsonl', as: 'Ana' });
    expect(jsonl.episodes).toBe(2);
    const events = jsonl.text.trim().split('\n').map((line) => JSON.parse(line) as { actor: string; kind: string });
    expect(events.some((event) => event.kind === 'thought' && event.actor === 'Ben')).toBe(false);
    const tomato = await exportScene({ store, id: 'storm-e1', format: 'tomato' });
    expect(tomato.episodes).toBe(1);
    expect(JSON.parse(tomato.text)).toMatchObject({ episode_id: 'storm-e1', agents: ['Ana', 'Ben'] });

    const removed = await deleteSceneRun(store, 'storm');
    expect(removed).toMatchObject({ episodes: 2 });
    expect(await listSceneRuns(store)).toEqual([]);
    expect(await runErrorOf(deleteSceneRun(store, 'storm'))).toMatchObject({ code: 'run/not-found', lookedFor: 'scene run' });
  });
});
