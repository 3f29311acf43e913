import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createModelRuntime } from '../../src/llm/index.ts';
import { exportScene } from '../../src/run/scene-records.ts';
import { createSceneRun, executeSceneRun } from '../../src/run/scene-run.ts';
import { readSceneFile } from '../../src/scene/scene-file.ts';
import type { Scene } from '../../src/scene/scene-schema.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';
import { repoRoot } from '../support/cli.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { describeLeaks, findLeaks, requestRole } from '../support/leak-check.ts';

/**
 * The debate kind against the fake server: each debater's private opinion reports are scripted per round, and the
 * figures the run stores are checked against values worked out by hand here.
 */

let fake: FakeLlm;
let scene: Scene;
/** The opinions each debater reports, by round (0: before the first round); a round's array is tried in order. */
let script: Record<string, (number | number[])[]>;
const asked = new Map<string, number>();

const isReport = (request: FakeRequest) => (request.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name === 'private_report';
const lastText = (request: FakeRequest) => String(request.body.messages?.at(-1)?.content ?? '');

function reply(request: FakeRequest): FakeReply | undefined {
  if (!request.path.endsWith('/chat/completions')) return undefined;
  const role = requestRole(request);
  if (isReport(request)) {
    const round = /Before the debate starts/.test(lastText(request)) ? 0 : Number(/After round (\d+)/.exec(lastText(request))?.[1]);
    const key = `${role}/${round}`;
    const n = asked.get(key) ?? 0;
    asked.set(key, n + 1);
    const planned = script[role][round];
    const opinion = Array.isArray(planned) ? planned[Math.min(n, planned.length - 1)] : planned;
    return { json: { opinion, reason: `REASON-${role}-r${round}-${n}: the school roof weighs on me` } };
  }
  return {
    json: {
      thought: { belief: `BELIEF-${role}`, intention: 'persuade', desire: 'win', emotion: 'calm', knowledge: 'the offer' },
      action: '', speech: `${role} argues about the mill.`, to: '', leave: false,
    },
  };
}

beforeAll(async () => {
  fake = await startFakeLlm({ handler: reply });
  scene = await readSceneFile(join(repoRoot, 'examples', 'scenes', 'debate-kind.yaml'));
});
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); asked.clear(); });

async function runDebate(store: Store, episodes = 1) {
  const run = await createSceneRun({ store, scene, source: scene.file ?? '', episodes, models: ['openai-compatible:fake'], env: {}, settings: { baseURL: fake.url, cache: false } });
  const result = await executeSceneRun({ store, run, scene, env: {}, runtime: createModelRuntime(), concurrency: 1 });
  return { run, result, jobs: await store.listJobs(run.id) };
}

describe('the debate kind', () => {
  it('reads its params: 3 rounds of 3 debaters make 9 turns', () => {
    expect(scene.kind).toBe('debate');
    expect(scene.params).toEqual({ topic: 'Vârfu should sell the old water mill to the timber company', scale: [1, 7], rounds: 3 });
    expect(scene.turns.max).toBe(9);
  });

  it('stores each private report for its debater only, and the figures worked out by hand', async () => {
    script = { Ana: [2, 3, 4, 4], Dorin: [7, 6, 5, 5], Ilarion: [4, 4, 4, 5] };
    const store = openSqliteStore(':memory:');
    const { run, result, jobs } = await runDebate(store);
    expect(result.counts.done).toBe(1);
    const events = await store.listEvents(String(jobs[0].input.episodeId));
    const reports = events.filter((e) => e.kind === 'report');
    expect(reports).toHaveLength(12);
    for (const report of reports) expect(report.visibility).toEqual({ only: [report.actor] });
    expect(reports.map((r) => [r.actor, r.data?.round, r.data?.opinion])).toEqual([
      ['Ana', 0, 2], ['Dorin', 0, 7], ['Ilarion', 0, 4],
      ['Ana', 1, 3], ['Dorin', 1, 6], ['Ilarion', 1, 4],
      ['Ana', 2, 4], ['Dorin', 2, 5], ['Ilarion', 2, 4],
      ['Ana', 3, 4], ['Dorin', 3, 5], ['Ilarion', 3, 5],
    ]);
    // Reports come before the first round and after each: 3 speeches between two report steps.
    const kinds = events.filter((e) => e.kind === 'report' || e.kind === 'speech').map((e) => e.kind[0]).join('');
    expect(kinds).toBe('rrrsssrrrsssrrrsssrrr');

    const metrics = jobs[0].result?.metrics as Record<string, number>;
    expect(metrics['opinion.Ana.r0']).toBe(2);
    expect(metrics['opinion.Dorin.r3']).toBe(5);
    expect(metrics['opinion.Ilarion.r3']).toBe(5);
    // By hand: start (2, 7, 4), mean 13/3; end (4, 5, 5), mean 14/3; population standard deviations.
    const sdStart = Math.sqrt(((2 - 13 / 3) ** 2 + (7 - 13 / 3) ** 2 + (4 - 13 / 3) ** 2) / 3);
    const sdEnd = Math.sqrt(((4 - 14 / 3) ** 2 + (5 - 14 / 3) ** 2 + (5 - 14 / 3) ** 2) / 3);
    expect(sdStart).toBeCloseTo(2.0548, 4);
    expect(sdEnd).toBeCloseTo(0.4714, 4);
    expect(metrics.sd_start).toBeCloseTo(sdStart, 10);
    expect(metrics.sd_end).toBeCloseTo(sdEnd, 10);
    expect(metrics.delta_sd).toBeCloseTo(sdEnd - sdStart, 10);
    // |4 − 2| = 2, |5 − 7| = 2, |5 − 4| = 1.
    expect(metrics.mean_abs_change).toBeCloseTo(5 / 3, 10);
    expect(metrics['turns.Ana']).toBe(3);

    // The opinions export: one CSV row per report.
    const { text } = await exportScene({ store, id: run.id, format: 'opinions' });
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('episode,debater,round,opinion,reason');
    expect(lines).toHaveLength(13);
    expect(lines[2]).toBe(`${jobs[0].input.episodeId},Dorin,0,7,REASON-Dorin-r0-0: the school roof weighs on me`);
    // Seen as Ana: only her own trajectory.
    const asAna = await exportScene({ store, id: run.id, format: 'opinions', as: 'Ana' });
    expect(asAna.text.trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[1])).toEqual(['Ana', 'Ana', 'Ana', 'Ana']);
    await store.close();
  });

  it("never shows one debater's report to another, while each sees its own earlier reports", async () => {
    script = { Ana: [2, 3, 4, 4], Dorin: [7, 6, 5, 5], Ilarion: [4, 4, 4, 5] };
    const store = openSqliteStore(':memory:');
    const { jobs } = await runDebate(store);
    const events = await store.listEvents(String(jobs[0].input.episodeId));
    const requests = fake.chatRequests();
    const leaks = findLeaks(scene, events, requests);
    if (leaks.length) throw new Error(describeLeaks(leaks, requests));
    // The check has something to find: every reason is in some request (its author's later reports).
    const last = requests.filter((r) => requestRole(r) === 'Dorin' && isReport(r)).at(-1)!;
    expect(last.rawBody).toContain('REASON-Dorin-r2-0');
    for (const other of ['Ana', 'Ilarion']) {
      expect(requests.filter((r) => requestRole(r) === other).some((r) => r.rawBody.includes('REASON-Dorin'))).toBe(false);
    }
    // And the check would see one: Dorin's reason planted in a request made for Ana.
    const planted = { ...last, body: { messages: [{ role: 'system', content: 'You are Ana, in the scene.' }, { role: 'user', content: `Dorin: REASON-Dorin-r2-0: the school roof weighs on me` }] } };
    expect(findLeaks(scene, events, [planted]).map((leak) => leak.source)).toContainEqual(expect.stringMatching(/^report(\.reason)? (by|of) Dorin/));
    await store.close();
  });

  it('asks an out-of-scale opinion again once, then fails the episode with a clear error', async () => {
    script = { Ana: [2, 3, 4, 4], Dorin: [7, [9, 6], [0, 12], 5], Ilarion: [4, 4, 4, 5] };
    const store = openSqliteStore(':memory:');
    const { result, jobs } = await runDebate(store);
    expect(result.counts.failed).toBe(1);
    expect(jobs[0].error).toContain("Dorin's private report for round 2 was refused twice: the opinion 12 is not a whole number on the scale 1–7");
    // Round 1: 9 was refused, then 6 accepted; the second request said why.
    const dorin = fake.chatRequests().filter((r) => requestRole(r) === 'Dorin' && isReport(r));
    expect(dorin.map((r) => /After round (\d+)/.exec(lastText(r))?.[1] ?? '0')).toEqual(['0', '1', '1', '2', '2']);
    expect(lastText(dorin[2])).toContain('Your last report was refused: the opinion 9 is not a whole number on the scale 1–7');
    const events = await store.listEvents(String(jobs[0].input.episodeId));
    expect(events.filter((e) => e.kind === 'report' && e.actor === 'Dorin').map((e) => e.data?.opinion)).toEqual([7, 6]);
    await store.close();
  });
});
