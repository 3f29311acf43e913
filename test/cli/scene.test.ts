import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SceneEvent } from '../../src/events/index.ts';
import type { Episode, Job } from '../../src/store/index.ts';
import { autoContent, startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';

const lighthouse = join(repoRoot, 'examples', 'scenes', 'lighthouse.yaml');
const heist = join(repoRoot, 'examples', 'scenes', 'heist.yaml');
const cast = ['Mirela', 'Tomas'];

/**
 * Replies shaped by the request's JSON schema, with texts that say whose they are: `Mirela belief at 7`,
 * `Only Mirela notices this (5).` A pure function of the request, so a scene replays identically.
 */
function sceneReply(request: FakeRequest): FakeReply | undefined {
  if (!request.path.endsWith('/chat/completions')) return undefined;
  const messages = request.body.messages ?? [];
  const system = String(messages.find((m) => m.role === 'system')?.content ?? '');
  const role = /^You are ([^,]+),/.exec(system)?.[1] ?? 'someone';
  const n = messages.length;
  const content = JSON.parse(autoContent(request.body)) as Record<string, unknown>;
  if (content.thought && typeof content.thought === 'object') {
    content.thought = Object.fromEntries(Object.keys(content.thought).map((key) => [key, `${role} ${key} at ${n}`]));
    content.speech = `${role} speaks at ${n}.`;
    content.action = '';
    content.to = '';
  } else if ('narration' in content) {
    content.narration = `The storm howls (${n}).`;
    content.private = (content.private as { to: string }[]).map((p) => ({ to: p.to, text: `Only ${p.to} notices this (${n}).` }));
  }
  return { json: content };
}

let fake: FakeLlm;
/** Set by a test to fault some requests; undefined answers normally. */
let fault: ((request: FakeRequest) => FakeReply | undefined) | undefined;
beforeAll(async () => { fake = await startFakeLlm({ handler: (request) => fault?.(request) ?? sceneReply(request) }); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); fault = undefined; });

const model = () => ['--model', 'openai-compatible:fake', '--base-url', fake.url];
const cli = (dir: string, ...args: string[]) => runCli(args, { cwd: dir, env: {} });

interface ShownEpisode { episode: Episode; events: SceneEvent[]; usage: { calls: number; cachedCalls: number } }
interface ShownRun { run: { id: string; status: string }; jobs: Job[] }
interface RunRow { id: string; title: string; status: string; jobs: { done: number; failed: number; running: number; pending: number; total: number } }

async function showJson<T>(dir: string, id: string, ...extra: string[]): Promise<T> {
  const result = await cli(dir, 'scene', 'show', id, '--json', ...extra);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const castSpeech = (events: SceneEvent[]) => events.filter((e) => e.kind === 'speech' && cast.includes(e.actor));
const script = (events: SceneEvent[]) => events.map((e) => [e.actor, e.kind, e.text]);

/** One complete episode log: seqs 1..n, one opening, `max` character speeches, no step recorded twice. */
function expectWholeEpisode(events: SceneEvent[], max = 12): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.text.startsWith('Scene "') && e.text.endsWith('begins.'))).toHaveLength(1);
  expect(castSpeech(events)).toHaveLength(max);
  const steps = events.filter((e) => typeof e.data?.turn === 'string').map((e) => `${String(e.data!.turn)} ${e.actor} ${e.kind} ${JSON.stringify(e.visibility)}`);
  expect(new Set(steps).size).toBe(steps.length);
  expect(events.at(-1)?.text).toBe('The scene ends (max-turns).');
}

describe('dramatis scene run, show, runs and export (one lighthouse episode)', () => {
  let dir: string;
  let run: { code: number; stdout: string; stderr: string };
  let shown: ShownEpisode;
  let requests: number;

  beforeAll(async () => {
    dir = tempDir();
    fake.reset();
    run = await cli(dir, 'scene', 'run', lighthouse, ...model(), '--run-id', 'r1');
    requests = fake.chatRequests().length;
    shown = await showJson<ShownEpisode>(dir, 'r1-e0');
  });

  it('prints the omniscient transcript and a summary, and stores turns.max character speeches', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("=== The keeper's secret ===");
    expect(run.stdout).toMatch(/^Mirela: Mirela speaks at \d+\.$/m);
    expect(run.stdout).toMatch(/^Tomas: Tomas speaks at \d+\.$/m);
    expect(run.stdout).toMatch(/\(Mirela thinks\) belief: Mirela belief at \d+/);
    expect(run.stdout).toMatch(/\[to Mirela only\] Narrator: Only Mirela notices this/);
    expect(run.stdout).toContain('=== end: turn limit reached ===');
    expect(run.stdout).toMatch(/^run r1: 1 done, 0 failed, 0 unfinished of 1 episode\(s\)$/m);
    expect(run.stdout).toMatch(/^usage: \d+ calls \(0 cached\)/m);
    expect(run.stderr).not.toMatch(/error|failed:/i);

    expect(shown.episode.status).toBe('done');
    expectWholeEpisode(shown.events);
    const speeches = castSpeech(shown.events);
    expect(speeches.map((e) => e.actor)).toEqual(Array.from({ length: 12 }, (_, i) => cast[i % 2]));
    // Every model call of the run is one request to the server, and counted.
    expect(shown.usage.calls).toBe(requests);
    expect(run.stdout).toContain(`usage: ${requests} calls (0 cached)`);
  });

  it('--json prints the run summary', async () => {
    const local = tempDir();
    const result = await cli(local, 'scene', 'run', lighthouse, ...model(), '--run-id', 'j1', '--json', '--seed', '11');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      run: 'j1', status: 'done', episodes: { done: 1, failed: 0, unfinished: 0, total: 1 },
      models: ['openai-compatible:fake'], seed: 11, cost: { usd: 0, unpriced: ['openai-compatible:fake'] },
    });
    const usage = summary.usage as { calls: number; cachedCalls: number; inputTokens: number; outputTokens: number };
    expect(usage.calls).toBe(fake.chatRequests().length);
    expect(usage.cachedCalls).toBe(0);
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(result.stdout).not.toContain('Mirela speaks');
  });

  it('scene runs lists the run as done with its counts; scene show RUN lists its episodes', async () => {
    const table = await cli(dir, 'scene', 'runs');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^r1\s+done\s+1\/0\/1\s+\d+\/\d+\s+0\s+The keeper's secret$/m);

    const json = await cli(dir, 'scene', 'runs', '--json');
    const rows = JSON.parse(json.stdout) as RunRow[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: 'r1', title: "The keeper's secret", status: 'done', jobs: { done: 1, failed: 0, running: 0, pending: 0, total: 1 } });

    const listing = await cli(dir, 'scene', 'show', 'r1');
    expect(listing.code).toBe(0);
    expect(listing.stdout).toContain("# The keeper's secret — run r1 (done)");
    expect(listing.stdout).toMatch(/^r1-e0\s+done\s+openai-compatible:fake\s+ended: max-turns$/m);
    const runJson = await showJson<ShownRun>(dir, 'r1');
    expect(runJson.jobs.map((j) => [j.id, j.status, j.input.episodeId])).toEqual([['e0', 'done', 'r1-e0']]);

    const missing = await cli(dir, 'scene', 'show', 'r9');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no scene episode or run with id 'r9'");
  });

  it('show --as Tomas leaves out what Tomas could not perceive; the omniscient view has every thought', async () => {
    const hidden = shown.events.filter((e) => e.visibility !== 'all' && !e.visibility.only.includes('Tomas'));
    const mirelaThoughts = shown.events.filter((e) => e.kind === 'thought' && e.actor === 'Mirela');
    const tomasThoughts = shown.events.filter((e) => e.kind === 'thought' && e.actor === 'Tomas');
    expect(mirelaThoughts).toHaveLength(6);
    expect(tomasThoughts).toHaveLength(6);
    expect(hidden.filter((e) => e.kind === 'narration').length).toBeGreaterThan(0);
    const lines = (events: SceneEvent[]) => events.flatMap((e) => e.text.split('\n')).map((l) => l.trim()).filter(Boolean);

    const asTomas = await cli(dir, 'scene', 'show', 'r1-e0', '--as', 'Tomas');
    expect(asTomas.code).toBe(0);
    for (const line of lines(hidden)) expect(asTomas.stdout).not.toContain(line);
    for (const thought of mirelaThoughts) {
      for (const value of Object.values(thought.data ?? {}).filter((v) => typeof v === 'string' && v.startsWith('Mirela'))) {
        expect(asTomas.stdout).not.toContain(value);
      }
    }
    expect(asTomas.stdout).not.toContain('(Mirela thinks)');
    // What Tomas did perceive is there: his own thoughts and everyone's speech.
    for (const line of lines(tomasThoughts)) expect(asTomas.stdout).toContain(line);
    for (const speech of castSpeech(shown.events)) expect(asTomas.stdout).toContain(`${speech.actor}: ${speech.text}`);

    const asTomasJson = await showJson<ShownEpisode>(dir, 'r1-e0', '--as', 'Tomas');
    expect(asTomasJson.events.length).toBe(shown.events.length - hidden.length);
    expect(asTomasJson.events.every((e) => e.visibility === 'all' || e.visibility.only.includes('Tomas'))).toBe(true);

    const omniscient = await cli(dir, 'scene', 'show', 'r1-e0');
    expect(omniscient.code).toBe(0);
    for (const line of lines([...mirelaThoughts, ...tomasThoughts, ...hidden])) expect(omniscient.stdout).toContain(line);

    const noThoughts = await cli(dir, 'scene', 'show', 'r1-e0', '--no-thoughts');
    expect(noThoughts.stdout).not.toContain('thinks)');
    expect(noThoughts.stdout).toContain(`Mirela: ${castSpeech(shown.events)[0].text}`);
  });

  it('show --as a stranger fails with exit 1 and names the cast', async () => {
    const result = await cli(dir, 'scene', 'show', 'r1-e0', '--as', 'Nobody');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Nobody');
    expect(result.stderr).toMatch(/Mirela, Tomas/);
    expect(result.stdout).toBe('');
  });

  it('--as a stranger is refused the same way with --json and by export', async () => {
    for (const args of [['scene', 'show', 'r1-e0', '--as', 'Nobody', '--json'], ['scene', 'export', 'r1', '--as', 'Nobody']]) {
      const result = await cli(dir, ...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no character 'Nobody' in episode r1-e0; use one of: Mirela, Tomas/);
      expect(result.stdout).toBe('');
    }
  });

  it('a run id that exists is refused with a hint to resume it', async () => {
    const again = await cli(dir, 'scene', 'run', lighthouse, ...model(), '--run-id', 'r1');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("a run with id 'r1' already exists; continue it with --resume r1");
  });

  it('export --format jsonl prints every stored event of the episode, one a line; --out writes it to a file', async () => {
    const result = await cli(dir, 'scene', 'export', 'r1', '--format', 'jsonl');
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('\n')).toBe(true);
    const lines = result.stdout.trimEnd().split('\n');
    const exported = lines.map((line) => SceneEvent.parse(JSON.parse(line)));
    expect(exported).toHaveLength(shown.events.length);
    expect(exported.every((e) => e.episodeId === 'r1-e0')).toBe(true);
    expect(exported).toEqual(shown.events);

    const byEpisode = await cli(dir, 'scene', 'export', 'r1-e0');
    expect(byEpisode.stdout).toBe(result.stdout);

    const toFile = await cli(dir, 'scene', 'export', 'r1', '--format', 'jsonl', '--out', 'r1.jsonl');
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(toFile.stderr).toContain('wrote 1 episode(s) to r1.jsonl');
    expect(readFileSync(join(dir, 'r1.jsonl'), 'utf8')).toBe(result.stdout);
  });

  it('export --format tomato prints one record per episode, each utterance with its thoughts', async () => {
    const result = await cli(dir, 'scene', 'export', 'r1', '--format', 'tomato', '--out', 'r1.tomato.jsonl');
    expect(result.code).toBe(0);
    const text = readFileSync(join(dir, 'r1.tomato.jsonl'), 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]) as {
      episode_id: string; agents: string[]; conversation: string; end: string;
      utterances: { u_id: number; speaker: string; utterance: string; turn: string; thoughts?: Record<string, string> }[];
      profiles: Record<string, { secrets: string[] }>;
    };
    const speeches = castSpeech(shown.events);
    expect(record.episode_id).toBe('r1-e0');
    expect(record.agents).toEqual(cast);
    expect(record.end).toBe('max-turns');
    expect(record.conversation.split('\n')).toEqual(speeches.map((e) => `${e.actor}: "${e.text}"`));
    expect(record.utterances.map((u) => u.u_id)).toEqual(speeches.map((_, i) => i));
    for (const utterance of record.utterances) {
      const thought = shown.events.find((e) => e.kind === 'thought' && e.actor === utterance.speaker && e.data?.turn === utterance.turn);
      expect(utterance.thoughts?.belief).toBe(thought?.data?.belief);
      expect(utterance.thoughts?.belief).toMatch(new RegExp(`^${utterance.speaker} belief at`));
    }
    expect(record.profiles.Mirela.secrets).toContain('She signals the smugglers from the lamp room.');

    const asTomas = await cli(dir, 'scene', 'export', 'r1', '--format', 'tomato', '--as', 'Tomas');
    const tomas = JSON.parse(asTomas.stdout) as typeof record & { perspective: string };
    expect(tomas.perspective).toBe('Tomas');
    expect(tomas.utterances.filter((u) => u.speaker === 'Mirela').every((u) => u.thoughts === undefined)).toBe(true);
    expect(Object.keys(tomas.profiles)).toEqual(['Tomas']);

    const bad = await cli(dir, 'scene', 'export', 'r1', '--format', 'csv');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--format must be jsonl, tomato or opinions, not 'csv'");
  });
});

describe('dramatis scene run with many episodes and models', () => {
  it('runs episodes × models as jobs, and the same seed replays the same logs from the cache', async () => {
    const dir = tempDir();
    const args = (runId: string) => [
      'scene', 'run', lighthouse, '--episodes', '3', '--concurrency', '2', '-m', 'openai-compatible:fake', '-m', 'openai-compatible:other',
      '--base-url', fake.url, '--seed', '42', '--run-id', runId,
    ];
    const first = await cli(dir, ...args('m1'));
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^run m1: 6 done, 0 failed, 0 unfinished of 6 episode\(s\)$/m);
    // Several episodes: a summary, not a transcript.
    expect(first.stdout).not.toContain('=== The keeper');
    expect(new Set(fake.chatRequests().map((r) => r.body.model))).toEqual(new Set(['fake', 'other']));
    expect(fake.maxConcurrency).toBeLessThanOrEqual(2);

    const { jobs } = await showJson<ShownRun>(dir, 'm1');
    const ids = ['e0-m0', 'e0-m1', 'e1-m0', 'e1-m1', 'e2-m0', 'e2-m1'];
    expect(jobs.map((j) => j.id)).toEqual(ids);
    expect(jobs.map((j) => j.input.episodeId)).toEqual(ids.map((id) => `m1-${id}`));
    expect(jobs.map((j) => j.input.model)).toEqual(ids.map((id) => (id.endsWith('m0') ? 'openai-compatible:fake' : 'openai-compatible:other')));
    expect(jobs.every((j) => j.status === 'done' && j.attempts === 1)).toBe(true);
    // Each episode has its own seed, shared by its model assignments.
    const seeds = jobs.map((j) => j.input.seed);
    expect(seeds[0]).toBe(seeds[1]);
    expect(new Set(seeds).size).toBe(3);

    const logs = new Map<string, SceneEvent[]>();
    for (const id of ids) {
      const { events } = await showJson<ShownEpisode>(dir, `m1-${id}`);
      expectWholeEpisode(events);
      logs.set(id, events);
    }
    expect(fake.chatRequests()).toHaveLength(6 * 18);

    fake.reset();
    const second = await cli(dir, ...args('m2'), '--json');
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout) as { episodes: { done: number; total: number }; usage: { calls: number; cachedCalls: number }; seed: number };
    expect(summary.episodes).toMatchObject({ done: 6, total: 6 });
    expect(summary.seed).toBe(42);
    expect(summary.usage.cachedCalls).toBe(summary.usage.calls);
    expect(fake.chatRequests()).toHaveLength(0);
    for (const id of ids) {
      const { events } = await showJson<ShownEpisode>(dir, `m2-${id}`);
      expect(script(events)).toEqual(script(logs.get(id)!));
    }
  });

  it('a model failing mid-episode fails only that episode; --resume re-runs it alone and completes it', async () => {
    const dir = tempDir();
    // Requests carry no episode id, but each episode has its own sampling seed: fail the second seed to
    // arrive, from its fifth request on (so the episode has committed turns when it fails).
    const seeds: number[] = [];
    const served = new Map<number, number>();
    let broken = true;
    fault = (request) => {
      const seed = Number(request.body.seed);
      if (!seeds.includes(seed)) seeds.push(seed);
      served.set(seed, (served.get(seed) ?? 0) + 1);
      return broken && seed === seeds[1] && served.get(seed)! > 4 ? { fault: 'http-error', status: 400, message: 'scripted outage' } : undefined;
    };
    const failed = await cli(dir, 'scene', 'run', lighthouse, ...model(), '--episodes', '3', '--concurrency', '2', '--run-id', 'f1', '--no-cache');
    expect(failed.code).toBe(1);
    const runShown = await showJson<ShownRun>(dir, 'f1');
    const victim = runShown.jobs.find((j) => j.input.seed === seeds[1])!;
    const victimEpisode = String(victim.input.episodeId);
    expect(victim.status).toBe('failed');
    expect(victim.error).toContain('scripted outage');
    expect(failed.stderr).toContain(`episode ${victimEpisode} failed:`);
    expect(failed.stderr).toContain('scripted outage');
    expect(failed.stderr).toContain('dramatis scene run --resume f1');
    expect(failed.stdout).toMatch(/^run f1: 2 done, 1 failed, 0 unfinished of 3 episode\(s\)$/m);
    expect(runShown.run.status).toBe('failed');
    expect(runShown.jobs.filter((j) => j !== victim).every((j) => j.status === 'done')).toBe(true);

    const rows = JSON.parse((await cli(dir, 'scene', 'runs', '--json')).stdout) as RunRow[];
    expect(rows[0]).toMatchObject({ id: 'f1', status: 'failed', jobs: { done: 2, failed: 1, total: 3 } });
    const partial = await showJson<ShownEpisode>(dir, victimEpisode);
    expect(partial.episode.status).toBe('failed');
    expect(castSpeech(partial.events).length).toBeGreaterThan(0);
    expect(castSpeech(partial.events).length).toBeLessThan(12);

    broken = false;
    fake.reset();
    const replanned = await cli(dir, 'scene', 'run', '--resume', 'f1', '--episodes', '5');
    expect(replanned.code).toBe(2);
    expect(replanned.stderr).toContain('--episodes cannot change it');
    // The server came back on another address: the resume may point at it.
    const moved = await startFakeLlm({ handler: sceneReply });
    const resumed = await cli(dir, 'scene', 'run', '--resume', 'f1', '--base-url', moved.url);
    const movedRequests = moved.chatRequests();
    await moved.close();
    expect(fake.chatRequests()).toEqual([]);
    expect(resumed.stderr).not.toContain('failed:');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^run f1: 3 done, 0 failed, 0 unfinished of 3 episode\(s\)$/m);
    // Only the failed episode went back to the server (the run keeps --no-cache, so others would show here).
    expect(movedRequests.length).toBeGreaterThan(0);
    expect(movedRequests.every((r) => Number(r.body.seed) === seeds[1])).toBe(true);

    const after = await showJson<ShownRun>(dir, 'f1');
    expect(after.run.status).toBe('done');
    expect(after.jobs.map((j) => [j.id, j.status, j.attempts])).toEqual(
      after.jobs.map((j) => [j.id, 'done', j.id === victim.id ? 2 : 1]),
    );
    for (const job of after.jobs) {
      const { episode, events } = await showJson<ShownEpisode>(dir, String(job.input.episodeId));
      expect(episode.status).toBe('done');
      expectWholeEpisode(events);
    }
    // The resumed episode kept what it had committed before the outage.
    const whole = await showJson<ShownEpisode>(dir, victimEpisode);
    expect(whole.events.slice(0, partial.events.length)).toEqual(partial.events);
  });
});

describe('dramatis scene run: bad input', () => {
  const twoCharacters = 'cast:\n  - character:\n      name: Ana\n  - character:\n      name: Bo\n';

  it('a missing scene file exits 1 and names the path', async () => {
    const dir = tempDir();
    const result = await cli(dir, 'scene', 'run', 'nowhere.yaml', ...model());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(join(dir, 'nowhere.yaml'));
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('an unknown turn policy exits 1 with file:line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), `title: Bad\n${twoCharacters}turns:\n  policy: sideways\n  max: 4\n`);
    const result = await cli(dir, 'scene', 'run', 'bad.yaml', ...model());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(dir, 'bad.yaml')}:8:`);
    expect(result.stderr).toContain('turns.policy');
    expect(result.stderr).toContain('round-robin');
  });

  it('usage errors exit 2: no file, an unknown --resume, --episodes 0, file and --resume together', async () => {
    const dir = tempDir();
    const none = await cli(dir, 'scene', 'run');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name a scene file, or --resume RUN_ID');

    const unknown = await cli(dir, 'scene', 'run', '--resume', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no scene run with id 'nope'");

    const zero = await cli(dir, 'scene', 'run', lighthouse, ...model(), '--episodes', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--episodes must be a positive whole number, not '0'");

    const both = await cli(dir, 'scene', 'run', lighthouse, '--resume', 'r1');
    expect(both.code).toBe(2);
    expect(fake.chatRequests()).toHaveLength(0);
    expect((await cli(dir, 'scene', 'runs', '--json')).stdout.trim()).toBe('[]');
  });

  it('no model anywhere (no --model, no models.default, no DRAMATIS_MODEL) means local:default, fetched before any run is stored', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain.yaml'), `title: Plain\n${twoCharacters}turns:\n  max: 2\n`);
    // The fake server stands in for the Hub and has no such file (404).
    const env = { DRAMATIS_MODELS_DIR: join(dir, 'models'), HF_ENDPOINT: fake.url };
    const result = await runCli(['scene', 'run', 'plain.yaml', '--base-url', fake.url], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Downloading Qwen3 4B Instruct 2507, Q4_K_M \(local:default\)/);
    expect(result.stderr).toMatch(/\[llm\/download-failed\]/);
    expect((await cli(dir, 'scene', 'runs', '--json')).stdout.trim()).toBe('[]');

    const fromEnv = await runCli(['scene', 'run', 'plain.yaml', '--base-url', fake.url, '--run-id', 'env1', '--quiet'], { cwd: dir, env: { DRAMATIS_MODEL: 'openai-compatible:fake' } });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toMatch(/^run env1: 1 done/m);
  });
});

describe('dramatis scene validate', () => {
  it('validate prints the scene and its cast', async () => {
    const result = await cli(tempDir(), 'scene', 'validate', heist);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The Vienna vault — conversation, narrator, max 14 turns, narrator Game Master');
    expect(result.stdout).toMatch(/^ {2}Greta: 1 secret\(s\), 2 goal\(s\)$/m);
    expect(result.stdout).toMatch(/^ {2}Karl: 1 secret\(s\)/m);
    expect(result.stdout).toMatch(/^ {2}Baron Orlik: 1 secret\(s\)/m);
  });
});

describe('scene models that cannot be reached', () => {
  it('refuses a model without its API key before storing a run', async () => {
    const cwd = tempDir();
    const result = await runCli(['scene', 'run', lighthouse, '--model', 'anthropic:claude-sonnet-4-5'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('anthropic:claude-sonnet-4-5 needs an API key');
    expect((await runCli(['scene', 'runs'], { cwd })).stdout).toContain('No scene runs yet');
  });
});

describe('scenario kinds', () => {
  it('scene kinds lists every kind with its params, as text and as JSON', async () => {
    const dir = tempDir();
    const text = await cli(dir, 'scene', 'kinds');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('conversation: Free conversation');
    expect(text.stdout).toContain('debate (private reports): A debate on a topic');
    expect(text.stdout).toMatch(/ {2}topic {3}string, required — The motion debated/);
    expect(text.stdout).toMatch(/ {2}scale {3}\[integer, integer\], default \[1,7\]/);
    const json = await cli(dir, 'scene', 'kinds', '--json');
    const kinds = JSON.parse(json.stdout) as { name: string; params: { name: string; required: boolean; default?: unknown }[] }[];
    expect(kinds.map((k) => k.name)).toEqual(['conversation', 'debate']);
    expect(kinds[1].params.map((p) => [p.name, p.required, p.default])).toEqual([['topic', true, undefined], ['scale', false, [1, 7]], ['rounds', false, 3]]);
    expect((await cli(dir, 'scene', 'kinds', '--help')).stdout).toContain('$ dramatis scene kinds');
  });

  it('runs the debate example; show gives its figures, export --format opinions its trajectories as CSV', async () => {
    const dir = tempDir();
    const file = join(repoRoot, 'examples', 'scenes', 'debate-kind.yaml');
    const run = await cli(dir, 'scene', 'run', file, ...model(), '--run-id', 'deb', '--quiet');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('run deb: 1/1 (1 done, 0 failed)');
    const shown = await cli(dir, 'scene', 'show', 'deb');
    // The fake answers each report with the schema's smallest opinion: 1 throughout, nobody moves.
    expect(shown.stdout).toContain('opinion.Dorin.r3 1');
    expect(shown.stdout).toContain('mean_abs_change 0, sd_start 0, sd_end 0, delta_sd 0');
    const csv = await cli(dir, 'scene', 'export', 'deb', '--format', 'opinions');
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('episode,debater,round,opinion,reason');
    expect(lines.slice(1).map((l) => l.split(',').slice(1, 4).join(','))).toEqual(
      [0, 1, 2, 3].flatMap((round) => ['Ana', 'Dorin', 'Ilarion'].map((name) => `${name},${round},1`)));
    const bad = await cli(dir, 'scene', 'export', 'deb', '--format', 'csvish');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--format must be jsonl, tomato or opinions');
  });
});
