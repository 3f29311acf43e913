import { describe, expect, it } from 'vitest';
import { Character } from '../../src/character/schema.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { requestTokens } from '../support/request-budget.ts';
import type { NewEvent } from '../../src/events/index.ts';
import type { Store } from '../../src/store/types.ts';
import { openSceneEpisode } from '../../src/scene/scene-episode.ts';
import { scriptedModel, turnJson } from '../support/mock-models.ts';
import { sceneFromYaml, sceneModel } from '../support/scene-models.ts';

const character = Character.parse({
  name: 'Mirela', description: 'The keeper of the lighthouse at {{char}} Point.', personality: 'guarded', scenario: '',
  first_mes: 'Who climbs my stairs at this hour, {{user}}?', mes_example: '', creator_notes: '', system_prompt: '',
  post_history_instructions: '', alternate_greetings: [], tags: [], creator: '', character_version: '',
  extensions: {}, group_only_greetings: [],
});

/** A stored chat of `turns` turns, written through the store as the chat would have written them. */
async function longChat(store: Store, turns: number): Promise<void> {
  const session = await openChatSession({ store, character, model: scriptedModel(turnJson('x')), sessionId: 'long', userName: 'Ann' });
  await session.send('Hello.'); // a session is stored with its first turn
  const events: NewEvent[] = [];
  for (let index = 0; index < turns; index++) {
    const turn = `turn-${index}`;
    events.push(
      { kind: 'speech', actor: 'user', visibility: 'all', text: `Turn ${index}: tell me about the lamp, the storm and the smugglers' boat you saw from the gallery last night.`, data: { turn } },
      { kind: 'thought', actor: 'Mirela', visibility: { only: ['Mirela'] }, text: 'belief: wary', data: { turn } },
      { kind: 'speech', actor: 'Mirela', visibility: 'all', text: `(${index}) The lamp burns whale oil and the storm came from the east; I saw no boat, and you should not ask about it twice.`, data: { turn } },
    );
  }
  await store.appendEvents(session.id, events);
}

describe('every request fits the context budget', () => {
  it('continues a 2,000-turn chat with an 8,192-token budget: compaction and merges are summarised in pieces that fit', async () => {
    const store = openSqliteStore(':memory:');
    await longChat(store, 2000);
    let summaries = 0;
    const model = scriptedModel((options) => (options.responseFormat?.type === 'json'
      ? turnJson('The lamp is lit.')
      : `SUMMARY ${++summaries}: Ann asked about the lamp, the storm and a boat; Mirela said the lamp burns whale oil and saw no boat.`));
    const session = await openChatSession({ store, character, model, sessionId: 'long', userName: 'Ann', contextTokens: 8192 });
    const turn = await session.send('And tonight?');
    expect(turn.output.speech).toBe('The lamp is lit.');

    const calls = [...model.doGenerateCalls, ...model.doStreamCalls];
    const largest = Math.max(...calls.map(requestTokens));
    expect(model.doGenerateCalls.length).toBeGreaterThan(1);
    expect(largest).toBeLessThanOrEqual(8192);
    // The whole history is covered: the last block ends where the kept history starts.
    const blocks = session.compaction;
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.at(-1)!.throughSeq).toBeGreaterThan(5000);
  });

  it('summarises a single message larger than the budget without sending all of it', async () => {
    const store = openSqliteStore(':memory:');
    const session = await openChatSession({ store, character, model: scriptedModel(turnJson('x')), sessionId: 'big', userName: 'Ann' });
    await session.send('Hello.'); // a session is stored with its first turn
    const essay = 'The storm rolled in over the Black Sea and the lamp room shook with every gust of wind. '.repeat(800);
    await store.appendEvents(session.id, [
      { kind: 'speech', actor: 'user', visibility: 'all', text: essay, data: { turn: 't1' } },
      { kind: 'speech', actor: 'Mirela', visibility: 'all', text: 'That is a long story.', data: { turn: 't1' } },
    ]);
    const model = scriptedModel((options) => (options.responseFormat?.type === 'json' ? turnJson('Go on.') : 'SUMMARY: Ann told a long story about a storm.'));
    const reopened = await openChatSession({ store, character, model, sessionId: 'big', userName: 'Ann', contextTokens: 4096 });
    await reopened.send('So?');
    const calls = [...model.doGenerateCalls, ...model.doStreamCalls];
    expect(Math.max(...calls.map(requestTokens))).toBeLessThanOrEqual(4096);
  });

  it('keeps every request of a long scene with a narrator within a small budget, characters and narrator alike', async () => {
    const model = sceneModel({ characters: (name, call) => ({ speech: `${name} rambles on about the weather and the mill, turn ${call}. `.repeat(6) }) });
    const scene = await sceneFromYaml([
      'title: Long', 'cast:', '  - character: { name: Ana, description: A miller. }', '  - character: { name: Bo, description: A smith. }',
      'narrator: { enabled: true }', 'turns: { max: 40 }', '',
    ].join('\n'));
    const episode = await openSceneEpisode({ store: openSqliteStore(':memory:'), scene, episodeId: 'long', seed: 1, contextTokens: 1800, models: { character: () => model, narrator: model } });
    await episode.run();
    const calls = [...model.doGenerateCalls, ...model.doStreamCalls];
    expect(model.doGenerateCalls.length).toBeGreaterThan(0);
    expect(Math.max(...calls.map(requestTokens))).toBeLessThanOrEqual(1800);
  });
});
