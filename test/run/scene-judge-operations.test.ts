import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  benchRunReport, compareBenchRuns, readRunScene, renderBenchReport, resumeBenchRun, startSceneJudge, startSceneRun,
} from '../../src/run/index.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { requestRole } from '../support/leak-check.ts';

// Judging the characters of a stored scene run, end to end over HTTP to the fake server: the scene's characters
// think scripted private thoughts (markers), the judge answers scripted JSON verdicts.

const sceneYaml = `title: The storm
kind: conversation
setting: A lighthouse in a winter storm.
cast:
  - character: { name: Ana, description: The keeper. }
    secret: SECRET-ANA she signals the smugglers.
  - character: { name: Ben, description: A customs officer. }
    secret: SECRET-BEN he took a bribe.
turns: { policy: round-robin, max: 4 }
seed: 7
`;

let fake: FakeLlm;
let judgeReply: (request: FakeRequest, schema: string) => FakeReply | undefined = () => undefined;
const turns = new Map<string, number>();

function characterReply(role: string, baseline: boolean): FakeReply {
  const n = (turns.get(role) ?? 0) + 1;
  turns.set(role, n);
  const other = role === 'Ana' ? 'Ben' : 'Ana';
  return {
    json: {
      thought: { belief: `THOUGHT-${role}-${n} fears ${other}`, intention: `INTENT-${role}-${n}`, desire: 'to be safe', emotion: 'uneasy', knowledge: `KNOWS-${role}-${n}` },
      action: 'looks at the sea',
      speech: baseline ? `BASELINE-${role} answer` : n === 2 ? `WHISPER-${role}-${n} meet me below` : `${other}, the lamp (${n}).`,
      to: !baseline && n === 2 ? other : '',
      leave: false,
    },
  };
}

/** A verdict fitting the schema the judge was asked for. */
function scriptedVerdict(schema: string): FakeReply {
  if (schema.includes('"winner"')) return { json: { critique: 'A keeps the voice.', winner: 'A' } };
  if (schema.includes('"dimension"')) return { json: { critique: 'The turn answers a question.', dimension: 'context_reliance' } };
  const names = [...schema.matchAll(/"([a-z_]+)":\{"type":"integer"/g)].map((m) => m[1]!);
  return { json: { critique: 'Steady in role.', scores: Object.fromEntries(names.map((name, i) => [name, 1 + (i % 5)])) } };
}

beforeAll(async () => {
  fake = await startFakeLlm({
    handler: (request) => {
      if (!request.path.endsWith('/chat/completions')) return undefined;
      const system = String(request.body.messages?.[0]?.content ?? '');
      if (system.startsWith('You are an impartial evaluator')) return judgeReply(request, system) ?? scriptedVerdict(system);
      return characterReply(requestRole(request), request.body.model === 'baseline');
    },
  });
});
afterAll(() => fake.close());

let dir: string;
let store: Store;
beforeEach(async () => {
  fake.reset();
  turns.clear();
  judgeReply = () => undefined;
  dir = mkdtempSync(join(tmpdir(), 'dramatis-judge-'));
  writeFileSync(join(dir, 'storm.yaml'), sceneYaml);
  store = openSqliteStore(join(dir, 'dramatis.db'));
  const read = await readRunScene('storm.yaml', { cwd: dir });
  await startSceneRun({ store, env: {}, concurrency: 2, settings: { baseURL: fake.url, retries: 0, turnRetries: 0 }, ...read, models: ['openai-compatible:fake'], runId: 'storm', cwd: dir });
  fake.reset();
});
afterEach(() => store.close());

const common = () => ({ store, env: {}, concurrency: 2, cwd: dir, settings: { baseURL: fake.url, retries: 0 } });

/** The judge's requests and the character each one judges (the fenced `character` context). */
function judgeRequests(): { character: string; body: string }[] {
  return fake.chatRequests().filter((r) => String(r.body.messages?.[0]?.content ?? '').startsWith('You are an impartial evaluator')).map((r) => {
    const user = String(r.body.messages?.[1]?.content ?? '');
    return { character: /label="character">\n([^\n]+)\n/.exec(user)?.[1] ?? '?', body: JSON.stringify(r.body.messages) };
  });
}

describe('startSceneJudge', () => {
  it('characterbox: one item per character and episode, seven dimensions and their mean, stored as a benchmark run', async () => {
    const outcome = await startSceneJudge({ ...common(), sceneRun: 'storm', rubric: 'characterbox', judge: 'openai-compatible:judge', runId: 'judged' });
    expect(outcome.result.counts).toMatchObject({ done: 2, failed: 0 });
    expect(outcome.items.map((i) => i.itemId).sort()).toEqual(['e0:Ana', 'e0:Ben']);
    const model = outcome.summary.models[0]!;
    expect(outcome.summary.primaryMetric).toBe('overall');
    expect(model.metrics.knowledge_accuracy!.value).toBe(1);
    expect(model.metrics.behavioral_coherence!.value).toBe(2);
    expect(model.metrics.overall!.value).toBeCloseTo((1 + 2 + 3 + 4 + 5 + 1 + 2) / 7);
    expect(outcome.summary.judge).toBe('openai-compatible:judge');

    // The judge saw each character's sheet and the scene as it perceived it; never another's thoughts, whispers or secrets.
    const requests = judgeRequests();
    expect(requests.map((r) => r.character).sort()).toEqual(['Ana', 'Ben']);
    for (const request of requests) {
      const other = request.character === 'Ana' ? 'BEN' : 'ANA';
      const otherName = request.character === 'Ana' ? 'Ben' : 'Ana';
      expect(request.body).toContain(`SECRET-${request.character.toUpperCase()}`);
      expect(request.body).not.toContain(`SECRET-${other}`);
      expect(request.body).not.toContain(`THOUGHT-${otherName}`);
      expect(request.body).not.toContain(`THOUGHT-${request.character}`);
    }
    // Ana whispered to Ben at her second turn: both may see it; nothing else whispered leaks.
    expect(requests.find((r) => r.character === 'Ben')!.body).toContain('WHISPER-Ana-2');

    // bench report and bench compare read it unchanged.
    const report = await benchRunReport({ store, runId: 'judged', env: {} });
    expect(report.summary.models[0]!.items).toBe(2);
    const markdown = await renderBenchReport('r.md', report.summary, report.items);
    expect(markdown).toContain('CharacterBox judge of scene run storm');
    expect(markdown).toContain('overall');
    await startSceneJudge({ ...common(), sceneRun: 'storm', rubric: 'characterbox', judge: 'openai-compatible:judge2', runId: 'judged2' });
    const comparison = await compareBenchRuns({ store, runA: 'judged', runB: 'judged2' });
    expect(comparison.metric).toBe('overall');
    expect(comparison.pairs[0]!.difference.n).toBe(2);
  });

  it('furina: per utterance, the dimension, then the line against the baseline in both orders; position bias reported', async () => {
    const outcome = await startSceneJudge({
      ...common(), sceneRun: 'storm', rubric: 'furina', judge: 'openai-compatible:judge', baseline: 'openai-compatible:baseline', runId: 'furina',
    });
    expect(outcome.result.counts).toMatchObject({ done: 4, failed: 0 });
    expect(outcome.items.map((i) => i.itemId).sort()).toEqual(['e0:t2:Ana', 'e0:t3:Ben', 'e0:t4:Ana', 'e0:t5:Ben']);
    // The judge always picks A: it contradicts itself across the two orders, so no line has a preference.
    const model = outcome.summary.models[0]!;
    expect(model.metrics.consistency!.value).toBe(0);
    expect(model.metrics.position_a!.value).toBe(1);
    expect(model.metrics.win_rate!.value).toBeNull();
    // The baseline was asked with the character's own prompt up to that turn (its sheet, not the other's secret).
    const baselineRequests = fake.chatRequests().filter((r) => r.body.model === 'baseline');
    expect(baselineRequests).toHaveLength(4);
    const anaFirst = baselineRequests.find((r) => requestRole(r) === 'Ana' && !JSON.stringify(r.body.messages).includes('(1).'))!;
    expect(JSON.stringify(anaFirst.body.messages)).toContain('SECRET-ANA');
    expect(JSON.stringify(anaFirst.body.messages)).not.toContain('SECRET-BEN');
    const verdict = outcome.items.find((i) => i.itemId === 'e0:t4:Ana')!.attempts[0]!.verdict as { baseline: string; dimension: string; orders: unknown[] };
    expect(verdict).toMatchObject({ baseline: '*looks at the sea* BASELINE-Ana answer', dimension: 'context_reliance' });
    expect(verdict.orders).toHaveLength(2);

    // A judge that prefers the line in both orders.
    judgeReply = (request, schema) => {
      if (!schema.includes('"winner"')) return undefined;
      const user = String(request.body.messages?.[1]?.content ?? '');
      const a = /label="A">\n([^\n]*)/.exec(user)?.[1] ?? '';
      return { json: { critique: 'ok', winner: a.includes('BASELINE') ? 'B' : 'A' } };
    };
    const fair = await startSceneJudge({ ...common(), sceneRun: 'storm', rubric: 'furina', judge: 'openai-compatible:fair-judge', baseline: 'openai-compatible:baseline', runId: 'fair' });
    const metrics = fair.summary.models[0]!.metrics;
    expect(metrics.win_rate!.value).toBe(1);
    expect(metrics.context_reliance!.value).toBe(1);
    expect(metrics.consistency!.value).toBe(1);
    expect(metrics.position_a!.value).toBe(0.5);
  });

  it('a rubric file: its dimensions, and the character\'s own thoughts (only its own) when it asks for them', async () => {
    writeFileSync(join(dir, 'mine.yaml'), [
      'name: thought-action', 'thoughts: true', 'dimensions:',
      '  - { name: follows_thought, description: what it does follows from what it thought, scale: [1, 3] }', '',
    ].join('\n'));
    const outcome = await startSceneJudge({ ...common(), sceneRun: 'storm', rubric: 'mine.yaml', judge: 'openai-compatible:judge', runId: 'mine' });
    expect(outcome.summary.metrics.map((m) => m.name)).toEqual(['follows_thought']);
    expect(outcome.summary.models[0]!.metrics.follows_thought!.value).toBe(1);
    for (const request of judgeRequests()) {
      const otherName = request.character === 'Ana' ? 'Ben' : 'Ana';
      expect(request.body).toContain(`THOUGHT-${request.character}-1`);
      expect(request.body).not.toContain(`THOUGHT-${otherName}`);
    }
  });

  it('a malformed rubric file is refused with its line, before any call', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'name: bad\ndimensions:\n  - name: ok\n    description: fine\n  - name: 2bad\n    scale: [5, 1]\n');
    const error = await startSceneJudge({ ...common(), sceneRun: 'storm', rubric: 'bad.yaml', judge: 'openai-compatible:judge' }).catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/bad\.yaml:5: dimensions\[1\]\.name: a dimension name/);
    expect(String((error as Error).message)).toMatch(/bad\.yaml:5: dimensions\[1\]\.description: required/);
    expect(String((error as Error).message)).toMatch(/bad\.yaml:6: dimensions\[1\]\.scale: scale is \[lowest, highest\]/);
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('a judge that returns invalid JSON twice leaves the item unjudged; bench run --resume continues a judge run', async () => {
    judgeReply = () => ({ text: 'I think Ana did well.' });
    const outcome = await startSceneJudge({ ...common(), sceneRun: 'storm', rubric: 'characterbox', judge: 'openai-compatible:judge', runId: 'broken' });
    expect(outcome.summary.models[0]).toMatchObject({ items: 2, unjudged: 2 });
    expect(outcome.summary.models[0]!.metrics.overall!.value).toBeNull();
    expect(judgeRequests()).toHaveLength(4);

    judgeReply = () => ({ fault: 'server-error' });
    const failed = await startSceneJudge({ ...common(), sceneRun: 'storm', rubric: 'characterbox', judge: 'openai-compatible:judge', runId: 'failing' });
    expect(failed.result.counts.failed).toBe(2);
    judgeReply = () => undefined;
    const resumed = await resumeBenchRun({ store, env: {}, runId: 'failing' });
    expect(resumed.result.counts).toMatchObject({ done: 2, failed: 0 });
    expect(resumed.summary.models[0]!.metrics.overall!.value).not.toBeNull();
  });

  it('refuses a pairwise rubric without a baseline, and a scene run that does not exist', async () => {
    await expect(startSceneJudge({ ...common(), sceneRun: 'storm', rubric: 'furina', judge: 'openai-compatible:judge' })).rejects.toThrow(/--baseline MODEL/);
    await expect(startSceneJudge({ ...common(), sceneRun: 'nope', rubric: 'characterbox', judge: 'openai-compatible:judge' })).rejects.toThrow(/no scene run with id 'nope'/);
    await expect(startSceneJudge({ ...common(), sceneRun: 'storm', rubric: 'charactrbox', judge: 'openai-compatible:judge' })).rejects.toThrow(/known: characterbox, furina/);
  });
});
