import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Episode, Job } from '../../src/store/index.ts';
import type { SceneEvent } from '../../src/events/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { runCli, tempDir } from '../support/cli.ts';

// Issue 13 §4: with the fake server injecting 429:0.3,500:0.1,trunc:0.05,badjson:0.1, a 5-episode × 20-turn
// run ended 0 done / 5 failed. Each step whose model call fails transiently must be retried as a whole turn.
const sceneYaml = `title: The storm
kind: conversation
setting: A lighthouse in a winter storm.
cast:
  - character: { name: Ana, description: The keeper. }
    secret: She signals the smugglers.
  - character: { name: Ben, description: A customs officer. }
    secret: He suspects her.
narrator: { enabled: true, style: terse }
turns: { policy: round-robin, max: 20 }
seed: 7
`;
const cast = ['Ana', 'Ben'];

interface Summary {
  status: string;
  episodes: { done: number; failed: number; unfinished: number; total: number };
  turnRetries: { total: number; episodes: number };
}

let fake: FakeLlm;
let dir: string;
let run: { code: number; stdout: string; stderr: string };
beforeAll(async () => {
  fake = await startFakeLlm({ faults: { rateLimit: 0.3, serverError: 0.1, truncate: 0.05, invalidJson: 0.1, seed: 1 } });
  dir = tempDir();
  writeFileSync(join(dir, 'storm.yaml'), sceneYaml);
  run = await runCli([
    'scene', 'run', 'storm.yaml', '--model', 'openai-compatible:fake', '--base-url', fake.url,
    '--episodes', '5', '--run-id', 'storm', '--turn-retry-delay', '0.01', '--json',
  ], { cwd: dir, env: {} });
});
afterAll(() => fake.close());

const cli = (...args: string[]) => runCli(args, { cwd: dir, env: {} });
async function json<T>(...args: string[]): Promise<T> {
  const result = await cli(...args, '--json');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe('a scene run against a server with random faults', () => {
  it('finishes every episode in one pass and reports its turn retries', () => {
    expect(fake.faultCounts.rateLimit).toBeGreaterThan(0);
    expect(fake.faultCounts.serverError).toBeGreaterThan(0);
    expect(fake.faultCounts.truncate).toBeGreaterThan(0);
    expect(fake.faultCounts.invalidJson).toBeGreaterThan(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary).toMatchObject({ status: 'done', episodes: { done: 5, failed: 0, unfinished: 0, total: 5 } });
    expect(run.code).toBe(0);
    expect(summary.turnRetries.total).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/warning in storm-e\d: .*'s turn \(t\d+\) failed: .*\[(llm\/stream-cut|agent\/invalid-output|llm\/rate-limited|llm\/server-error)\]; trying the turn again in \d+ ms \(turn retry 1 of 3\)/);
    expect(run.stderr).not.toMatch(/episode storm-e\d failed/);
  });

  it('keeps every turn intact: each episode reaches its max turns, each turn has a thought and a speech, no step twice or missing', async () => {
    const shown = await json<{ jobs: Job[]; turnRetries: Summary['turnRetries'] }>('scene', 'show', 'storm');
    let total = 0;
    for (const job of shown.jobs) {
      const { episode, events } = await json<{ episode: Episode; events: SceneEvent[] }>('scene', 'show', String(job.input.episodeId));
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.text === 'Scene "The storm" begins.')).toHaveLength(1);
      expect(events.at(-1)?.text).toBe('The scene ends (max-turns).');
      const speeches = events.filter((e) => e.kind === 'speech' && cast.includes(e.actor));
      expect(speeches).toHaveLength(20);
      expect(speeches.map((e) => e.actor)).toEqual(speeches.map((_, i) => cast[i % 2]));
      // Step 1 is the opening (t0); then t2, t3, ... with none missing and none recorded twice.
      const turns = [...new Set(events.map((e) => e.data?.turn).filter((t): t is string => typeof t === 'string' && t !== 't0'))];
      expect(turns).toEqual(turns.map((_, i) => `t${i + 2}`));
      for (const turn of turns) {
        const step = events.filter((e) => e.data?.turn === turn);
        const actors = new Set(step.map((e) => e.actor).filter((a) => a !== 'narrator'));
        if (actors.size === 0) {
          expect(step.filter((e) => e.kind === 'narration').length).toBeGreaterThan(0);
          continue;
        }
        expect(actors.size).toBe(1);
        expect(step.filter((e) => e.kind === 'thought')).toHaveLength(1);
        expect(step.filter((e) => e.kind === 'speech')).toHaveLength(1);
        expect(step.find((e) => e.kind === 'thought')?.text).toMatch(/^belief: \S/);
        expect(step.find((e) => e.kind === 'speech')?.text.length).toBeGreaterThan(0);
      }
      // Each retry belongs to a committed step (none failed), and the episode, its job and its steps agree.
      const retries = Number(episode.meta.turnRetries ?? 0);
      const perStep = new Map(events.filter((e) => typeof e.data?.retries === 'number').map((e) => [e.data!.turn, Number(e.data!.retries)]));
      expect([...perStep.values()].reduce((sum, n) => sum + n, 0)).toBe(retries);
      expect(job.result?.turnRetries).toBe(retries);
      expect(episode.status).toBe('done');
      total += retries;
    }
    const summary = JSON.parse(run.stdout) as Summary;
    expect(total).toBe(summary.turnRetries.total);
    expect(shown.turnRetries).toEqual(summary.turnRetries);
  });

  it('shows the run\'s turn retries in scene runs and scene show', async () => {
    const { total, episodes } = (JSON.parse(run.stdout) as Summary).turnRetries;
    const rows = await json<{ id: string; turnRetries: number }[]>('scene', 'runs');
    expect(rows).toMatchObject([{ id: 'storm', turnRetries: total }]);
    const table = await cli('scene', 'runs');
    expect(table.stdout).toMatch(new RegExp(`^storm\\s+done\\s+5/0/5\\s+\\d+/\\d+\\s+${total}\\s+The storm$`, 'm'));
    const shown = await cli('scene', 'show', 'storm');
    expect(shown.stdout).toContain(`turn retries: ${total} in ${episodes} episode(s)`);
    expect(shown.stdout).toMatch(/^storm-e\d\s+done\s+openai-compatible:fake\s+ended: max-turns\s+turn retries: \d+$/m);
  });

  it('keeps --turn-retries in the run: without turn retries the same run fails, and a resume may turn them on', async () => {
    const args = ['--model', 'openai-compatible:fake', '--base-url', fake.url, '--turn-retry-delay', '0.01'];
    const strict = await cli('scene', 'run', 'storm.yaml', ...args, '--episodes', '2', '--seed', '11', '--no-cache', '--run-id', 'strict', '--turn-retries', '0');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^run strict: 0 done, 2 failed, 0 unfinished of 2 episode\(s\)$/m);
    expect(strict.stderr).not.toContain('trying the turn again');
    const before = await json<{ run: { meta: { settings: Record<string, unknown> } } }>('scene', 'show', 'strict');
    expect(before.run.meta.settings).toMatchObject({ turnRetries: 0, turnRetryDelayMs: 10 });

    const resumed = await cli('scene', 'run', '--resume', 'strict', '--turn-retries', '3');
    expect(resumed.stdout).toMatch(/^run strict: 2 done, 0 failed, 0 unfinished of 2 episode\(s\)$/m);
    expect(resumed.stdout).toMatch(/^turn retries: [1-9]\d* in [12] episode\(s\)$/m);
    expect(resumed.code).toBe(0);
    const after = await json<{ run: { meta: { settings: Record<string, unknown> } } }>('scene', 'show', 'strict');
    expect(after.run.meta.settings).toMatchObject({ turnRetries: 3, turnRetryDelayMs: 10 });
  });
});
