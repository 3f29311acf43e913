import { describe, expect, it } from 'vitest';
import { AgentMemory, memoriesOf, recallQuery } from '../../src/agent/agent-memory.ts';
import { Character } from '../../src/character/schema.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import type { SceneEvent } from '../../src/events/index.ts';
import { scriptedModel, turnJson } from '../support/mock-models.ts';

let seq = 0;
const event = (actor: string, text: string, extra: Partial<SceneEvent> = {}): SceneEvent => ({
  id: `e${++seq}`, episodeId: 'ep', seq, at: `2024-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`, kind: 'speech', actor, text, visibility: 'all', ...extra,
});

describe('AgentMemory', () => {
  it("remembers only what the character perceived: never another's thought, whisper or private narration", async () => {
    const store = openSqliteStore(':memory:');
    const log = [
      event('Bo', 'Hello, Ana.'),
      event('Bo', 'BO-SECRET-THOUGHT', { kind: 'thought', visibility: { only: ['Bo'] } }),
      event('Bo', 'BO-WHISPER-TO-CY', { visibility: { only: ['Bo', 'Cy'] }, data: { to: ['Cy'] } }),
      event('narrator', 'CY-PRIVATE-NARRATION', { kind: 'narration', visibility: { only: ['Cy'] } }),
      event('Ana', 'ANA-OWN-THOUGHT', { kind: 'thought', visibility: { only: ['Ana'] } }),
      event('Ana', 'Hello, Bo.'),
    ];
    const memory = new AgentMemory('Ana', { store: store.memories });
    expect(await memory.remember(log)).toBe(3);
    const texts = (await store.memories.list('Ana')).map((m) => m.text);
    expect(texts).toEqual(['Bo: Hello, Ana.', 'Ana: Hello, Bo.', 'Bo: Hello, Ana.\nAna: Hello, Bo.']);
    for (const secret of ['BO-SECRET-THOUGHT', 'BO-WHISPER-TO-CY', 'CY-PRIVATE-NARRATION', 'ANA-OWN-THOUGHT']) {
      expect(texts.join('\n')).not.toContain(secret);
    }
    expect(await memory.remember(log)).toBe(0);
    expect(await store.memories.list('Bo')).toEqual([]);
  });

  it("can take its emotional cue from the character's own last thought instead of what was said", async () => {
    const store = openSqliteStore(':memory:');
    await store.memories.add([
      { character: 'Ana', text: 'joyful', embedding: [1, 0], emotion: [9, 1, 1, 1, 1, 1, 1, 1] },
      { character: 'Ana', text: 'fearful', embedding: [1, 0.05], emotion: [1, 1, 9, 1, 1, 1, 1, 1] },
    ]);
    const scored: string[] = [];
    const scoreEmotion = async ({ text }: { text: string }) => {
      scored.push(text);
      return text.includes('afraid') ? [1, 1, 9, 1, 1, 1, 1, 1] : [9, 1, 1, 1, 1, 1, 1, 1];
    };
    const log = [
      event('Ana', 'thinking', { kind: 'thought', visibility: { only: ['Ana'] }, data: { emotion: 'afraid of the dark' } }),
      event('Ana', 'Who is there?'),
      event('Bo', 'Only me, with a cake!'),
    ];
    const byQuery = new AgentMemory('Ana', { store: store.memories, strategy: 'c-a', embed: async () => [[1, 0.02]], scoreEmotion });
    const byMood = new AgentMemory('Ana', { store: store.memories, strategy: 'c-a', embed: async () => [[1, 0.02]], scoreEmotion, cue: 'mood' });
    expect((await byQuery.recall(log))!.memories[0]!.memory.text).toBe('joyful');
    expect((await byMood.recall(log))!.memories[0]!.memory.text).toBe('fearful');
    expect(scored).toEqual(['Bo: Only me, with a cake!', 'Ana feels: afraid of the dark']);
  });

  it('asks with what was perceived since the character last spoke', () => {
    const log = [event('Ana', 'Hi.'), event('Bo', 'Where were you?'), event('Bo', 'stares', { kind: 'action' })];
    expect(recallQuery(log, 'Ana')).toBe('Bo: Where were you?\nBo: *stares*');
    expect(recallQuery([event('Ana', 'Alone.')], 'Ana')).toBe('');
    expect(memoriesOf([event('user', 'Hi'), event('Ana', 'Hello')], 'Ana').map((m) => m.sourceEventIds)).toHaveLength(3);
  });
});

const character = Character.parse({
  name: 'Mirela', description: 'The keeper of the lighthouse.', personality: 'guarded', scenario: '', first_mes: '', mes_example: '',
  creator_notes: '', system_prompt: '', post_history_instructions: '', alternate_greetings: [], tags: [], creator: '', character_version: '',
  extensions: {}, group_only_greetings: [],
});

describe('a chat with memory', () => {
  it('recalls what an earlier session said into the tail, and records the recalled ids on the private thought', async () => {
    const store = openSqliteStore(':memory:');
    const memory = new AgentMemory('Mirela', { store: store.memories });
    const first = await openChatSession({ store, character, model: scriptedModel(turnJson('The lamp room is locked, always.')), sessionId: 'one', userName: 'Ann', memory });
    await first.send('Is the lamp room open?');
    expect((await store.memories.characters())[0]).toMatchObject({ character: 'Mirela', count: 3 });

    const model = scriptedModel(turnJson('I said so before.'));
    const second = await openChatSession({ store, character, model, sessionId: 'two', userName: 'Ann', memory });
    const turn = await second.send('What about the lamp room?');
    const tail = JSON.stringify(model.doStreamCalls[0]!.prompt.at(-1));
    expect(tail).toContain('You remember:');
    expect(tail).toContain('Mirela: The lamp room is locked, always.');
    expect(turn.recalled.length).toBeGreaterThan(0);
    const thought = turn.events.find((e) => e.kind === 'thought')!;
    expect(thought.visibility).toEqual({ only: ['Mirela'] });
    expect(thought.data?.recalled).toEqual(turn.recalled);
    // The memories are in the volatile tail only: the system prompt and history stay as they were.
    expect(model.doStreamCalls[0]!.prompt.slice(0, -1).some((message) => JSON.stringify(message).includes('You remember'))).toBe(false);
  });

  it("keeps each user's chat memories to that user's sessions; shared memories reach everyone, by choice", async () => {
    const store = openSqliteStore(':memory:');
    const memory = new AgentMemory('Mirela', { store: store.memories });
    await store.memories.add([{ character: 'Mirela', text: 'The bank on the quay keeps the lighthouse fund.' }]);
    const chat = async (userName: string, sessionId: string, text: string, sessionMemory = memory) => {
      const model = scriptedModel(turnJson('Hm.'));
      await (await openChatSession({ store, character, model, sessionId, userName, memory: sessionMemory })).send(text);
      return JSON.stringify(model.doStreamCalls[0]!.prompt);
    };
    await chat('Ann', 'a1', 'My bank PIN is PIN-4321.');
    expect((await store.memories.list('Mirela', { owners: ['Ann'] })).length).toBeGreaterThan(0);
    const bob = await chat('Bob', 'b1', 'What is my bank PIN?');
    expect(bob).not.toContain('PIN-4321');
    expect(bob).toContain('The bank on the quay');
    expect(await chat('Ann', 'a2', 'What is my bank PIN?')).toContain('PIN-4321');
    // A scene (no user) recalls the shared memories only.
    const scene = await new AgentMemory('Mirela', { store: store.memories }).recall([{ ...event('Bo', 'What about the bank PIN?') }]);
    const recalledInScene = scene!.memories.map((r) => r.memory.text).join('\n');
    expect(recalledInScene).toContain('The bank on the quay');
    expect(recalledInScene).not.toContain('PIN-4321');
    // Sharing is explicit; an owner set by the caller wins over the session's user.
    await chat('Ann', 'a3', 'The spare key is under the blue stone.', new AgentMemory('Mirela', { store: store.memories, shared: true }));
    expect(await chat('Bob', 'b2', 'Where is the spare key?')).toContain('under the blue stone');
    await chat('Cy', 'c1', 'My locker code is LOCK-77.', new AgentMemory('Mirela', { store: store.memories, owner: 'team-1' }));
    expect((await store.memories.list('Mirela', { owners: ['team-1'] })).some((m) => m.text.includes('LOCK-77'))).toBe(true);
    expect(await chat('Cy', 'c2', 'What is my locker code?')).not.toContain('LOCK-77');
  });

  it('keeps compacted history blocks as summary memories, once each', async () => {
    const store = openSqliteStore(':memory:');
    const memory = new AgentMemory('Mirela', { store: store.memories });
    const long = 'The sea was grey and the wind kept turning the gulls back over the cliffs. '.repeat(4);
    const model = scriptedModel((options) => (options.responseFormat?.type === 'json' ? turnJson(long) : 'SUMMARY: they talked about the sea.'));
    const session = await openChatSession({ store, character, model, sessionId: 's', userName: 'Ann', memory, contextTokens: 2500 });
    for (let i = 0; i < 12; i++) await session.send(`Turn ${i}: ${long}`);
    expect(session.compaction.length).toBeGreaterThan(0);
    const summaries = await store.memories.list('Mirela', { kind: 'summary' });
    expect(summaries.map((m) => m.text)).toEqual(session.compaction.map((block) => block.summary));
    expect(summaries.every((m) => m.sourceEventIds.length > 0)).toBe(true);
  });

  it('keeps the turn when its memories cannot be written, and says why', async () => {
    const store = openSqliteStore(':memory:');
    const memory = new AgentMemory('Mirela', { store: store.memories, embed: async () => { throw new Error('embedding server down'); } });
    const session = await openChatSession({ store, character, model: scriptedModel(turnJson('Hm.')), sessionId: 's', userName: 'Ann', memory });
    const turn = await session.send('Hello?');
    expect(turn.memoryError).toBe('embedding server down');
    expect((await store.listEvents('s')).map((e) => e.kind)).toEqual(['speech', 'thought', 'speech']);
  });

  it('recalls nothing for a character with no memories, and the turn proceeds', async () => {
    const store = openSqliteStore(':memory:');
    const memory = new AgentMemory('Mirela', { store: store.memories, write: false });
    const model = scriptedModel(turnJson('Hello.'));
    const session = await openChatSession({ store, character, model, sessionId: 's', userName: 'Ann', memory });
    const turn = await session.send('Hi');
    expect(turn.recalled).toEqual([]);
    expect(JSON.stringify(model.doStreamCalls[0]!.prompt.at(-1))).not.toContain('You remember');
    expect(await store.memories.characters()).toEqual([]);
  });
});
