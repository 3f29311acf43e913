import { describe, expect, it } from 'vitest';
import { Character } from '../../src/character/schema.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { promptText, scriptedModel, turnJson } from '../support/mock-models.ts';

const character = Character.parse({
  name: 'Mirela', description: 'The keeper of the lighthouse at {{char}} Point.', personality: 'guarded', scenario: '',
  first_mes: 'Who climbs my stairs at this hour, {{user}}?', mes_example: '', creator_notes: '', system_prompt: '',
  post_history_instructions: '', alternate_greetings: ['The lamp hisses.'], tags: [], creator: '', character_version: '',
  extensions: {}, group_only_greetings: [],
  secrets: ['She signals the smugglers from the lamp room.'],
  knowledge: { era: 'the 1890s Black Sea coast', deathDate: '1899-03-02' },
  character_book: {
    extensions: {},
    entries: [{ keys: ['lamp'], content: 'The lamp burns whale oil.', extensions: {}, enabled: true, insertion_order: 1, use_regex: false, id: 7, name: 'Lamp' }],
  },
});

const open = (store = openSqliteStore(':memory:'), model = scriptedModel(turnJson('Hello.')), extra = {}) =>
  openChatSession({ store, character, model, sessionId: 's1', userName: 'Ann', ...extra });

describe('chat session', () => {
  it('opens with the greeting, macros rendered, and stores a complete turn', async () => {
    const store = openSqliteStore(':memory:');
    const model = scriptedModel(turnJson('Stay away from the lamp room.', { action: 'blocks the stairs' }));
    const session = await open(store, model);
    expect(session.log[0]).toMatchObject({ kind: 'speech', actor: 'Mirela', text: 'Who climbs my stairs at this hour, Ann?' });
    const turn = await session.send('Can I see the lamp?');
    expect(turn.events.map((e) => [e.kind, e.actor])).toEqual([['speech', 'user'], ['thought', 'Mirela'], ['action', 'Mirela'], ['speech', 'Mirela']]);
    expect(turn.events[1].visibility).toEqual({ only: ['Mirela'] });
    expect(turn.events[1].data).toMatchObject({ belief: 'b', intention: 'i' });
    expect(turn.lore).toEqual([{ id: 7, name: 'Lamp' }]);
    expect(await store.listEvents('s1')).toHaveLength(5);
    const prompt = promptText(model.doStreamCalls[0]);
    expect(prompt).toContain('The lamp burns whale oil.');
    expect(prompt).toContain('She signals the smugglers');
    expect(prompt).toContain('You died on 1899-03-02');
    expect(prompt).toContain('The keeper of the lighthouse at Mirela Point.');
  });

  it('uses an alternate greeting when asked and refuses one that does not exist', async () => {
    const session = await open(undefined, undefined, { greeting: 1 });
    expect(session.log[0].text).toBe('The lamp hisses.');
    await expect(open(undefined, undefined, { greeting: 5 })).rejects.toMatchObject({ code: 'agent/no-greeting' });
  });

  it('continues a stored session with the same history', async () => {
    const store = openSqliteStore(':memory:');
    await (await open(store)).send('first');
    const model = scriptedModel(turnJson('Again.'));
    const again = await open(store, model);
    await again.send('second');
    const prompt = promptText(model.doStreamCalls[0]);
    expect(prompt).toContain('first');
    expect(prompt.indexOf('first')).toBeLessThan(prompt.indexOf('second'));
    expect((await store.listEvents('s1')).filter((e) => e.actor === 'user').map((e) => e.text)).toEqual(['first', 'second']);
  });

  it('never replays its own private thoughts into the prompt', async () => {
    const store = openSqliteStore(':memory:');
    const model = scriptedModel(turnJson('Fine.', { belief: 'SECRET-BELIEF-TOKEN' }), turnJson('Still fine.'));
    const session = await open(store, model);
    await session.send('one');
    await session.send('two');
    expect(promptText(model.doStreamCalls[1])).not.toContain('SECRET-BELIEF-TOKEN');
  });

  it('stores nothing when the model fails, so the session holds only complete turns', async () => {
    const store = openSqliteStore(':memory:');
    const session = await open(store, scriptedModel(new Error('boom')));
    const before = [...session.log];
    await expect(session.send('hello?')).rejects.toThrow(/boom/);
    expect(await store.listEvents('s1')).toEqual([]);
    expect(session.log).toEqual(before);
  });

  it('stores nothing when the reply is invalid twice', async () => {
    const store = openSqliteStore(':memory:');
    const session = await open(store, scriptedModel('not json', '{"speech": ""}'));
    await expect(session.send('hello?')).rejects.toMatchObject({ code: 'agent/invalid-output' });
    // Not even the greeting: a session whose first turn failed does not exist (it would list with 0 turns forever).
    expect(await store.listEvents('s1')).toHaveLength(0);
    expect(await store.getEpisode('s1')).toBeUndefined();
  });

  it('compacts overflowing history in whole blocks and keeps consecutive prompts prefix-stable', async () => {
    const store = openSqliteStore(':memory:');
    const long = 'The sea was grey and the wind kept turning the gulls back over the cliffs. '.repeat(4);
    const model = scriptedModel((options) => (options.responseFormat?.type === 'json' ? turnJson(long) : 'SUMMARY: they talked about the sea.'));
    const session = await open(store, model, { contextTokens: 2500 });
    const compactions: number[] = [];
    for (let i = 0; i < 30; i++) await session.send(`Turn ${i}: ${long}`, { onCompaction: (b) => compactions.push(b.throughSeq) });
    expect(compactions.length).toBeGreaterThan(0);
    expect(compactions.length).toBeLessThan(10);
    expect(session.compaction.every((b) => b.summary.startsWith('SUMMARY'))).toBe(true);
    const prompts = model.doStreamCalls.map((c) => c.prompt);
    let stable = 0;
    for (let i = 0; i + 1 < prompts.length; i++) {
      const before = prompts[i].slice(0, -1);
      if (JSON.stringify(prompts[i + 1].slice(0, before.length)) === JSON.stringify(before)) stable += 1;
    }
    // Every prompt but those at a compaction is an exact message-prefix of the next.
    expect(stable).toBe(prompts.length - 1 - compactions.length);
    expect((await store.getEpisode('s1'))?.meta.compaction).toEqual(session.compaction);
  });

  it('refuses a context budget smaller than the character sheet', async () => {
    const session = await open(undefined, undefined, { contextTokens: 100 });
    await expect(session.send('hi')).rejects.toMatchObject({ code: 'agent/context-too-small' });
  });

  it('refuses to continue a session with another character', async () => {
    const store = openSqliteStore(':memory:');
    await (await open(store)).send('Hello');
    await expect(openChatSession({ store, character: { ...character, name: 'Tomas' }, model: scriptedModel('x'), sessionId: 's1' }))
      .rejects.toMatchObject({ code: 'agent/other-character' });
  });
});
