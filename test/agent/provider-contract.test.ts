import { join } from 'node:path';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTurn } from '../../src/agent/generate-turn.ts';
import { Thought } from '../../src/agent/turn-output.ts';
import { Character } from '../../src/character/schema.ts';
import { createLanguageModel, createModelRuntime, disposeLocalModels } from '../../src/llm/index.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import type { UsageRecord } from '../../src/store/types.ts';
import { tempDir } from '../support/cli.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { writeTinyGguf } from '../support/tiny-gguf.ts';

// The agent turn through each real provider: the openai-compatible one over HTTP to the fake server, and the
// in-process one on a generated GGUF model. What a turn must be does not depend on who computes it.

const character = Character.parse({
  name: 'Mirela', description: 'The keeper of the lighthouse.', personality: 'guarded', scenario: 'A storm night.',
  first_mes: 'Who climbs my stairs at this hour?', mes_example: '', creator_notes: '', system_prompt: '',
  post_history_instructions: '', alternate_greetings: [], tags: [], creator: '', character_version: '',
  extensions: {}, group_only_greetings: [], secrets: ['She signals the smugglers from the lamp room.'],
});

let fake: FakeLlm;
let modelPath: string;
beforeAll(async () => {
  fake = await startFakeLlm();
  modelPath = (await writeTinyGguf(join(tempDir(), 'tiny.gguf'), { nCtx: 8192 })).path;
});
afterAll(async () => {
  await fake.close();
  await disposeLocalModels();
});

type MakeModel = (onUsage?: (usage: UsageRecord) => void) => LanguageModelV3;
const providers: [string, MakeModel][] = [
  ['openai-compatible over HTTP (fake server)', (onUsage) => createLanguageModel('openai-compatible:fake', {
    env: {}, runtime: createModelRuntime(), baseURL: fake.url, retry: { maxRetries: 0 }, timeoutMs: 10_000, onUsage,
  })],
  ['local in process (generated GGUF)', (onUsage) => createLanguageModel(`local:${modelPath}`, {
    env: {}, runtime: createModelRuntime(), local: { threads: 1 }, retry: { maxRetries: 0 }, onUsage,
  })],
];

describe.each(providers)('agent turn through %s', (_name, makeModel) => {
  it('returns a complete turn: five thoughts, an action, speech, streamed as it comes', async () => {
    const deltas: string[] = [];
    const turn = await generateTurn({
      model: makeModel(), mode: 'json', seed: 3, maxOutputTokens: 3000,
      messages: [{ role: 'system', content: 'You are Mirela, keeper of the lighthouse.' }, { role: 'user', content: 'May I come in?' }],
      onSpeechDelta: (delta) => deltas.push(delta),
    });
    expect(Object.keys(turn.output.thought).sort()).toEqual(Object.keys(Thought.shape).sort());
    expect(typeof turn.output.action).toBe('string');
    expect(typeof turn.output.speech).toBe('string');
    expect(deltas.join('')).toBe(turn.output.speech);
  });

  it('runs a stored chat session over two turns, counting usage, without her secret thoughts in the second prompt', async () => {
    const store = openSqliteStore(':memory:');
    const usage: UsageRecord[] = [];
    const session = await openChatSession({ store, character, model: makeModel((record) => usage.push(record)), sessionId: 's1', userName: 'Ann' });
    const first = await session.send('Can I see the lamp?');
    const second = await session.send('Why not?');
    for (const turn of [first, second]) {
      expect(turn.events.map((event) => event.kind)).toEqual(expect.arrayContaining(['thought', 'speech']));
      expect(turn.events.find((event) => event.kind === 'thought')?.visibility).toEqual({ only: ['Mirela'] });
    }
    expect(await store.listEvents('s1')).toHaveLength(session.log.length);
    expect(usage).toHaveLength(2);
    expect(usage.every((record) => record.inputTokens > 0 && record.outputTokens > 0)).toBe(true);
  });

  it('stores nothing for a turn cancelled mid-reply', async () => {
    const store = openSqliteStore(':memory:');
    const session = await openChatSession({ store, character, model: makeModel(), sessionId: 's2', userName: 'Ann' });
    const before = await store.listEvents('s2');
    const controller = new AbortController();
    controller.abort();
    await expect(session.send('Hello?', { abortSignal: controller.signal })).rejects.toMatchObject({ code: 'agent/aborted' });
    expect(await store.listEvents('s2')).toEqual(before);
  });
});

describe('local prefix reuse in a chat session', () => {
  it('evaluates the character sheet once: the second turn reads it from the kept sequence', async () => {
    // A model file of its own, so no earlier test warmed its sequence.
    const path = (await writeTinyGguf(join(tempDir(), 'fresh.gguf'), { nCtx: 8192, seed: 2 })).path;
    const usage: UsageRecord[] = [];
    const model = createLanguageModel(`local:${path}`, { env: {}, runtime: createModelRuntime(), local: { threads: 1 }, onUsage: (record) => usage.push(record) });
    const session = await openChatSession({ store: openSqliteStore(':memory:'), character, model, sessionId: 's3', userName: 'Ann' });
    await session.send('Hello.');
    await session.send('And the lamp?');
    expect(usage[0]!.cachedInputTokens).toBe(0);
    expect(usage[1]!.cachedInputTokens).toBeGreaterThan(usage[0]!.inputTokens * 0.8);
  });
});
