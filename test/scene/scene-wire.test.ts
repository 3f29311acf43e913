import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelRuntime } from '../../src/llm/index.ts';
import { createSceneRun, executeSceneRun } from '../../src/run/scene-run.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { requestRole } from '../support/leak-check.ts';
import { sceneFromYaml } from '../support/scene-models.ts';

let fake: FakeLlm;
let refused = 0;

/** A server without JSON-schema output: it refuses `response_format`, and answers plain requests in text. */
function textOnlyServer(request: FakeRequest): FakeReply | undefined {
  if (request.body.response_format) {
    refused += 1;
    return { fault: 'http-error', status: 400, message: "response_format 'json_schema' is not supported by this server" };
  }
  const role = requestRole(request);
  if (role === 'narrator') {
    return { text: 'Sure! ```json\n{"narration": "Rain on the glass.", "private": [], "next": {"speaker": "Bo", "reason": "he is restless"}, "end": false}\n```' };
  }
  return { text: `<thought>\nbelief: ${role} is wary\nintention: talk\ndesire: calm\nemotion: tense\nknowledge: little\n</thought>\n<action>looks up</action>\n<speech>${role} speaks.</speech>\n<to></to>\n<leave>no</leave>` };
}

beforeAll(async () => { fake = await startFakeLlm({ handler: (request) => (request.path.endsWith('/chat/completions') ? textOnlyServer(request) : undefined) }); });
afterAll(async () => { await fake.close(); });

describe('a scene against a server without JSON-schema output', () => {
  it('after one refusal every role of that model writes text (tagged turns, the narrator\'s JSON as text), in every later episode', async () => {
    const scene = await sceneFromYaml(`title: Text only
cast:
  - character: { name: Ana }
  - character: { name: Bo }
narrator: { enabled: true }
turns: { policy: narrator, max: 3 }
`);
    const store = openSqliteStore(':memory:');
    const run = await createSceneRun({ store, scene, source: '', episodes: 3, models: ['openai-compatible:fake'], env: {}, settings: { baseURL: fake.url, cache: false } });
    const result = await executeSceneRun({ store, run, scene, env: {}, runtime: createModelRuntime(), concurrency: 1, activeEpisodes: 1 });
    expect(result.counts.done).toBe(3);
    const [job] = await store.listJobs(run.id);
    const events = await store.listEvents(String(job.input.episodeId));
    expect(events.filter((e) => e.kind === 'speech').map((e) => e.text)).toEqual(['Bo speaks.', 'Bo speaks.', 'Bo speaks.']);
    expect(events.find((e) => e.kind === 'thought')?.data).toMatchObject({ belief: 'Bo is wary' });
    // One refusal in all: the narrator's first call. Then every role of that model, in every episode, writes text.
    expect(refused).toBe(1);
    for (const { input } of await store.listJobs(run.id)) {
      const episode = await store.getEpisode(String(input.episodeId));
      expect(episode?.meta.modes).toEqual({ Ana: 'tagged', Bo: 'tagged', narrator: 'tagged' });
    }
    // The run keeps the record; another run in this process (same runtime) starts in text without a refusal.
    expect((await store.getRun(run.id))?.meta.structuredOutput).toEqual({ 'openai-compatible:fake': 'text' });
    const runtime = createModelRuntime();
    const second = await createSceneRun({ store, scene, source: '', episodes: 1, models: ['openai-compatible:fake'], env: {}, settings: { baseURL: fake.url, cache: false } });
    await executeSceneRun({ store, run: second, scene, env: {}, runtime, concurrency: 1, activeEpisodes: 1 });
    expect(refused).toBe(2);
    const third = await createSceneRun({ store, scene, source: '', episodes: 1, models: ['openai-compatible:fake'], env: {}, settings: { baseURL: fake.url, cache: false } });
    await executeSceneRun({ store, run: third, scene, env: {}, runtime, concurrency: 1, activeEpisodes: 1 });
    expect(refused).toBe(2);
  });

  it('a resumed run starts its models in text when the run recorded a refusal', async () => {
    const scene = await sceneFromYaml(`title: Text only, resumed
cast:
  - character: { name: Ana }
  - character: { name: Bo }
narrator: { enabled: true }
turns: { policy: narrator, max: 2 }
`);
    const store = openSqliteStore(':memory:');
    const run = await createSceneRun({ store, scene, source: '', episodes: 1, models: ['openai-compatible:fake'], env: {}, settings: { baseURL: fake.url, cache: false } });
    await store.updateRun(run.id, { meta: { structuredOutput: { 'openai-compatible:fake': 'text' } } });
    const before = refused;
    const result = await executeSceneRun({ store, run: (await store.getRun(run.id))!, scene, env: {}, runtime: createModelRuntime(), concurrency: 1, activeEpisodes: 1 });
    expect(result.counts.done).toBe(1);
    expect(refused).toBe(before);
  });
});
