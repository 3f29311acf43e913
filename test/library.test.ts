import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLanguageModel, createModelRuntime, openChatSession, openSqliteStore, readCharacterFile } from '../src/index.ts';
import { startFakeLlm, type FakeLlm } from './support/fake-llm/index.ts';
import { sharedData } from './support/cli.ts';

let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });

describe('the library entry point', () => {
  it('chats with a real card through the OpenAI provider over HTTP, recording usage per session', async () => {
    const store = openSqliteStore(':memory:');
    const { character } = await readCharacterFile(sharedData('cards', 'default_Seraphina.png'));
    const model = createLanguageModel('openai:gpt-4o-mini', {
      env: { OPENAI_API_KEY: 'test-key' }, baseURL: fake.url, runtime: createModelRuntime(), store, episodeId: 'lib',
    });
    fake.enqueue({ json: { thought: { belief: 'b', intention: 'i', desire: 'd', emotion: 'e', knowledge: 'k' }, action: '', speech: 'You are in Eldoria.' } });
    const chat = await openChatSession({ store, character, model, sessionId: 'lib', userName: 'Ann' });
    const turn = await chat.send('Where am I?');
    expect(turn.output.speech).toBe('You are in Eldoria.');
    const request = fake.chatRequests()[0];
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer test-key');
    expect(await store.usageTotals({ episodeId: 'lib' })).toMatchObject({ calls: 1 });
    await store.close();
  });
});
