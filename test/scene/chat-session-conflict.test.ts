import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { Character } from '../../src/character/schema.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';
import { promptText, scriptedModel, turnJson } from '../support/mock-models.ts';

// Two chats continuing one session through two connections to one store file (as two processes do): a turn is
// stored only if the log still ends where its prompt was built; otherwise it is rebuilt on the new history once.
const character = Character.parse({
  name: 'Mirela', description: 'The keeper of the lighthouse.', personality: 'guarded', scenario: '', first_mes: 'Who climbs my stairs?',
  mes_example: '', creator_notes: '', system_prompt: '', post_history_instructions: '', alternate_greetings: [], tags: [], creator: '',
  character_version: '', extensions: {}, group_only_greetings: [],
});

const twoConnections = (): [Store, Store] => {
  const path = join(mkdtempSync(join(tmpdir(), 'dramatis-conflict-')), 'dramatis.db');
  return [openSqliteStore(path), openSqliteStore(path)];
};
const userLines = async (store: Store, id: string) => (await store.listEvents(id)).filter((e) => e.actor === 'user').map((e) => e.text);

/** A model that, before each reply, lets `meanwhile` run (another chat writing a turn) while it "thinks". */
function slowModel(speech: string, meanwhile: (call: number) => Promise<void>) {
  const model = scriptedModel(turnJson(speech));
  const answer = model.doStream.bind(model);
  let calls = 0;
  model.doStream = async (options: LanguageModelV3CallOptions) => {
    await meanwhile(calls++);
    return answer(options);
  };
  return model;
}

describe('a chat session continued by two chats at once', () => {
  it('rebuilds a turn whose history changed while the model answered, and stores both turns in order', async () => {
    const [storeA, storeB] = twoConnections();
    await (await openChatSession({ store: storeA, character, model: scriptedModel(turnJson('Come in.')), sessionId: 's1' })).send('Hello');
    const a = await openChatSession({ store: storeA, character, model: scriptedModel(turnJson('The lamp is mine.')), sessionId: 's1' });
    const modelB = slowModel('Sit by the fire.', async (call) => { if (call === 0) await a.send('Show me the lamp'); });
    const b = await openChatSession({ store: storeB, character, model: modelB, sessionId: 's1' });
    let rebuilt = 0;
    const turn = await b.send('I am cold', { onRebuild: () => { rebuilt++; } });

    expect(rebuilt).toBe(1);
    expect(modelB.doStreamCalls).toHaveLength(2);
    // The second prompt was built on the history that includes the other chat's turn.
    expect(promptText(modelB.doStreamCalls[0])).not.toContain('Show me the lamp');
    expect(promptText(modelB.doStreamCalls[1])).toContain('Show me the lamp');
    expect(promptText(modelB.doStreamCalls[1])).toContain('The lamp is mine.');
    expect(await userLines(storeA, 's1')).toEqual(['Hello', 'Show me the lamp', 'I am cold']);
    const events = await storeA.listEvents('s1');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(turn.events.map((e) => e.id)).toEqual(events.slice(-turn.events.length).map((e) => e.id));
    expect(b.log).toEqual(events);
    await storeA.close();
    await storeB.close();
  });

  it('fails with agent/session-changed when the history changes again during the retry, storing nothing of the turn', async () => {
    const [storeA, storeB] = twoConnections();
    await (await openChatSession({ store: storeA, character, model: scriptedModel(turnJson('Come in.')), sessionId: 's2' })).send('Hello');
    const a = await openChatSession({ store: storeA, character, model: scriptedModel(turnJson('Again.')), sessionId: 's2' });
    const b = await openChatSession({ store: storeB, character, model: slowModel('Late.', (call) => a.send(`Interrupting ${call}`).then(() => undefined)), sessionId: 's2' });
    await expect(b.send('Mine')).rejects.toMatchObject({ code: 'agent/session-changed', message: expect.stringContaining("session 's2' changed") });
    expect(await userLines(storeA, 's2')).toEqual(['Hello', 'Interrupting 0', 'Interrupting 1']);
    await storeA.close();
    await storeB.close();
  });

  it('two chats starting the same new session store one greeting, then both turns in order', async () => {
    const [storeA, storeB] = twoConnections();
    const a = await openChatSession({ store: storeA, character, model: scriptedModel(turnJson('First.')), sessionId: 'n1' });
    const modelB = slowModel('Second.', async (call) => { if (call === 0) await a.send('One'); });
    const b = await openChatSession({ store: storeB, character, model: modelB, sessionId: 'n1' });
    await b.send('Two');
    expect(promptText(modelB.doStreamCalls.at(-1)!)).toContain('One');
    const events = await storeA.listEvents('n1');
    expect(events.filter((e) => e.data?.turn === 'greeting')).toHaveLength(1);
    expect(await userLines(storeA, 'n1')).toEqual(['One', 'Two']);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    await storeA.close();
    await storeB.close();
  });
});
