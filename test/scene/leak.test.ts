import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentMemory } from '../../src/agent/agent-memory.ts';
import { createLanguageModel, createModelRuntime } from '../../src/llm/index.ts';
import { createSceneRun, executeSceneRun } from '../../src/run/scene-run.ts';
import { readSceneSource } from '../../src/scene/characterbox.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import type { Scene, TurnPolicyName } from '../../src/scene/scene-schema.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { repoRoot } from '../support/cli.ts';
import { canSee } from '../../src/events/index.ts';
import { describeLeaks, findLeaks, requestRole, unfencedCardText } from '../support/leak-check.ts';

/**
 * The security property of the engine: across every example scene and every turn policy, no private text of
 * one character (secrets, goals, notes, thoughts, whispers and private narration addressed to others) appears
 * in any request made on behalf of another character. The fake server's replies plant canaries: each thought
 * repeats the character's own secrets, some speeches are whispers, the narrator sends private asides.
 */

let fake: FakeLlm;
let scenes: Scene[] = [];
const counters = new Map<string, number>();

function secretsOf(name: string): string {
  const member = scenes.flatMap((s) => s.cast).find((c) => c.name === name);
  return member ? [...(member.character.secrets ?? []), ...member.privateSetup.secrets].join(' ') : '';
}

/** Replies that carry each role's private material into its private events. */
function plantCanaries(request: FakeRequest): FakeReply {
  const role = requestRole(request);
  const n = (counters.get(role) ?? 0) + 1;
  counters.set(role, n);
  const messages = request.body.messages ?? [];
  const tail = String(messages.at(-1)?.content ?? '');
  const system = String(messages[0]?.content ?? '');
  if (role === 'narrator') {
    const present = /Present: ([^;.\n]+)/.exec(tail)?.[1]?.split(', ') ?? [];
    const choose = /Choose who acts next among: (.+)\./.exec(tail)?.[1]?.split(', ');
    const target = present[n % Math.max(1, present.length)] ?? present[0];
    return {
      json: {
        narration: `The lamp gutters (beat ${n}).`,
        private: target ? [{ to: target, text: `PRIVATE-ASIDE-${n} meant only for ${target}` }] : [],
        ...(choose ? { next: { speaker: choose[n % choose.length], reason: `NARRATOR-REASON-${n}: ${target ?? ''}` } } : {}),
        end: false,
      },
    };
  }
  if ((request.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name === 'private_report') {
    // A kind's private report (debate: an opinion on 1–7), its reason carrying the role's secrets.
    return { json: { opinion: 1 + (n % 7), reason: `REPORT-${role}-${n}: privately, ${secretsOf(role)}` } };
  }
  const others = /in the scene "[^"]*" with (.+?)(?: \(| Stay|\. Stay)/.exec(system)?.[1]?.split(', ') ?? [];
  const whisperTo = n % 3 === 0 && others.length ? others[n % others.length] : '';
  return {
    json: {
      thought: {
        belief: `THOUGHT-${role}-${n}: ${secretsOf(role)}`,
        intention: `INTENT-${role}-${n} keep it hidden`,
        desire: `DESIRE-${role}-${n} to be safe`,
        emotion: 'uneasy',
        knowledge: `KNOWS-${role}-${n} more than the others`,
      },
      action: `glances at ${others[0] ?? 'the door'}`,
      speech: whisperTo ? `WHISPER-${role}-to-${whisperTo}-${n} tonight, at the usual place` : `${others[n % Math.max(1, others.length)] ?? 'Well'}, what do you make of it (${n})?`,
      to: whisperTo,
      leave: false,
    },
  };
}

beforeAll(async () => {
  fake = await startFakeLlm({ handler: (request) => (request.path.endsWith('/chat/completions') ? plantCanaries(request) : undefined) });
  const dir = join(repoRoot, 'examples', 'scenes');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) scenes.push(...(await readSceneSource(join(dir, file))));
  scenes.push(...(await readSceneSource(`${join(repoRoot, 'test', 'fixtures', 'characterbox', 'lantern_fair_scenes.json')}#0`)));
});
afterAll(async () => { await fake.close(); });

const policies: TurnPolicyName[] = ['round-robin', 'natural', 'narrator', 'simultaneous'];

describe('information asymmetry across every example scene and policy', () => {
  it('covers the examples', () => {
    expect(scenes.length).toBeGreaterThanOrEqual(4);
    const examples = scenes.filter((s) => s.file?.endsWith('.yaml'));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    expect(examples.every((s) => s.cast.some((c) => c.privateSetup.secrets.length + (c.character.secrets?.length ?? 0) > 0))).toBe(true);
  });

  for (const policy of policies) {
    it(`no private text reaches another character's requests (${policy})`, async () => {
      for (const base of scenes) {
        const scene: Scene = { ...base, turns: { ...base.turns, policy, max: 7 } };
        if (policy === 'narrator' && !scene.narrator) continue;
        const store = openSqliteStore(':memory:');
        fake.reset();
        counters.clear();
        const run = await createSceneRun({ store, scene, source: scene.file ?? '', episodes: 1, models: ['openai-compatible:fake'], env: {}, settings: { baseURL: fake.url, cache: false } });
        const result = await executeSceneRun({ store, run, scene, env: {}, runtime: createModelRuntime(), concurrency: 1 });
        expect(result.counts.done, `${scene.title} (${policy}) did not finish`).toBe(1);
        const [job] = await store.listJobs(run.id);
        const events = await store.listEvents(String(job.input.episodeId));
        const requests = fake.chatRequests();
        // The canaries did land in private events, so the check below has something to find.
        expect(events.some((e) => e.kind === 'thought' && e.text.includes('THOUGHT-'))).toBe(true);
        expect(events.some((e) => e.visibility !== 'all' && e.kind === 'speech' && e.text.startsWith('WHISPER-'))).toBe(true);
        if (scene.narrator) expect(events.some((e) => e.kind === 'narration' && e.visibility !== 'all')).toBe(true);
        if (scene.kind === 'debate') expect(events.filter((e) => e.kind === 'report' && e.text.includes('REPORT-')).length).toBeGreaterThanOrEqual(scene.cast.length * 2);
        const leaks = findLeaks(scene, events, requests);
        if (leaks.length) throw new Error(`${scene.title} (${policy}) leaked private text:\n${describeLeaks(leaks, requests)}`);
        // The narrator reads the cards as data: inside their fences only.
        if (scene.narrator) expect(unfencedCardText(scene, requests), `${scene.title} (${policy})`).toEqual([]);
        // Whispers and private asides did reach their addressees.
        const step = (e: { data?: Record<string, unknown> }) => Number.parseInt(String(e.data?.turn ?? 't0').slice(1), 10);
        const delivered = events.filter((e) => e.kind === 'speech' && Array.isArray(e.data?.to)).filter((w) => {
          const addressee = (w.data!.to as string[])[0];
          return events.some((e) => e.actor === addressee && e.kind === 'thought' && step(e) > step(w));
        });
        for (const w of delivered) {
          const addressee = (w.data!.to as string[])[0];
          expect(requests.some((r) => requestRole(r) === addressee && r.rawBody.includes(JSON.stringify(w.text).slice(1, -1))), `${w.text} never reached ${addressee}`).toBe(true);
        }
        await store.close();
      }
    });
  }

  it('memories keep the asymmetry: the second episode recalls what the first wrote, and nothing private crosses', async () => {
    for (const base of scenes) {
      const scene: Scene = { ...base, turns: { ...base.turns, policy: 'round-robin', max: 7 } };
      const store = openSqliteStore(':memory:');
      fake.reset();
      counters.clear();
      const run = await createSceneRun({
        store, scene, source: scene.file ?? '', episodes: 2, models: ['openai-compatible:fake'], env: {},
        settings: { baseURL: fake.url, cache: false, memory: { write: true, strategy: 'lexical', k: 20 } },
      });
      const result = await executeSceneRun({ store, run, scene, env: {}, runtime: createModelRuntime(), concurrency: 1 });
      expect(result.counts.done, `${scene.title} did not finish`).toBe(2);
      const events = (await Promise.all((await store.listJobs(run.id)).map((job) => store.listEvents(String(job.input.episodeId))))).flat();
      const requests = fake.chatRequests();
      expect(requests.some((r) => r.rawBody.includes('You remember:')), `${scene.title}: nothing was recalled`).toBe(true);
      const leaks = findLeaks(scene, events, requests);
      if (leaks.length) throw new Error(`${scene.title} leaked private text through memory:\n${describeLeaks(leaks, requests)}`);
      // And no stored memory holds what its character could not perceive.
      for (const member of scene.cast) {
        const texts = (await store.memories.list(member.name)).map((m) => m.text).join('\n');
        for (const event of events) {
          if (event.text.trim().length >= 12 && !canSee(event.visibility, member.name)) expect(texts, `${member.name} remembers ${event.kind} seq ${event.seq}`).not.toContain(event.text.trim());
        }
      }
      await store.close();
    }
  });

  it("a chat user's memories reach neither a scene nor another user's chat; shared memories reach both", async () => {
    const base = scenes.find((s) => s.file?.endsWith('.yaml'))!;
    const scene: Scene = { ...base, turns: { ...base.turns, policy: 'round-robin', max: 5 } };
    const store = openSqliteStore(':memory:');
    // Words the canary replies use, so recall by words picks both memories of each character if it may.
    const words = 'The lamp gutters. What do you make of it? Well, tonight, at the usual place.';
    await store.memories.add(scene.cast.flatMap((member) => [
      { character: member.name, text: `SHARED-MEMORY of ${member.name}: ${words}` },
      { character: member.name, owner: 'Ann', text: `ANN-PRIVATE-MEMORY told to ${member.name}: ${words}` },
    ]));
    fake.reset();
    counters.clear();
    const run = await createSceneRun({
      store, scene, source: scene.file ?? '', episodes: 1, models: ['openai-compatible:fake'], env: {},
      settings: { baseURL: fake.url, cache: false, memory: { strategy: 'lexical', k: 20 } },
    });
    const result = await executeSceneRun({ store, run, scene, env: {}, runtime: createModelRuntime(), concurrency: 1 });
    expect(result.counts.done).toBe(1);
    const requests = fake.chatRequests();
    expect(requests.some((r) => r.rawBody.includes('SHARED-MEMORY'))).toBe(true);
    expect(requests.filter((r) => r.rawBody.includes('ANN-PRIVATE-MEMORY'))).toEqual([]);

    // Bob's chat with one of those characters, on the same store.
    const member = scene.cast[0]!;
    fake.reset();
    const model = createLanguageModel('openai-compatible:fake', { env: {}, runtime: createModelRuntime(), baseURL: fake.url });
    const chat = await openChatSession({
      store, character: { ...member.character, name: member.name }, model, userName: 'Bob', sessionId: 'bob',
      memory: new AgentMemory(member.name, { store: store.memories, strategy: 'lexical', k: 20 }),
    });
    await chat.send(words);
    const bob = fake.chatRequests();
    expect(bob.some((r) => r.rawBody.includes('SHARED-MEMORY'))).toBe(true);
    expect(bob.filter((r) => r.rawBody.includes('ANN-PRIVATE-MEMORY'))).toEqual([]);
    await store.close();
  });

  it('the check fails loudly on a leaking request', () => {
    const scene = scenes[0];
    const [a, b] = scene.cast;
    const secret = [...(a.character.secrets ?? []), ...a.privateSetup.secrets][0];
    const request = {
      method: 'POST', path: '/v1/chat/completions', headers: {}, rawBody: '', at: 0,
      body: { messages: [{ role: 'system', content: `You are ${b.name}, in the scene "${scene.title}" with ${a.name}.` }, { role: 'user', content: `${a.name}: by the way, ${secret}` }] },
    } satisfies FakeRequest;
    const leaks = findLeaks(scene, [], [request]);
    expect(leaks).toEqual([expect.objectContaining({ role: b.name, leaked: secret, source: `secret of ${a.name}` })]);
    expect(describeLeaks(leaks, [request])).toMatch(new RegExp(`request #0 made for ${b.name} contains secret of ${a.name}`));
  });
});
