import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readMemoryFile } from '../../src/memory/index.ts';
import {
  deleteSession, exportMemories, forkSession, importCharacterMemories, listMemories, listSessions, memoryCharacters, openChat, readChatCard,
  renameSession, searchMemories, sendChatMessage, showSession,
} from '../../src/run/index.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot } from '../support/cli.ts';
import { runErrorOf } from './run-error.ts';

// Chats, their stored sessions and characters' memories through the operations a front end calls, over HTTP to the
// fake server (its replies follow each request's JSON schema).

const card = join(repoRoot, 'examples', 'cards', 'mirela.json');
let fake: FakeLlm;
let dir: string;
let store: Store;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  dir = mkdtempSync(join(tmpdir(), 'dramatis-chat-ops-'));
  store = openSqliteStore(join(dir, 'dramatis.db'));
});
afterEach(() => store.close());

const chat = async (sessionId: string, message: string, extra: Partial<Parameters<typeof sendChatMessage>[0]> = {}) => sendChatMessage({
  store, env: {}, card: await readChatCard(card), model: 'openai-compatible:fake', settings: { baseURL: fake.url }, sessionId, message, ...extra,
});

describe('sendChatMessage and openChat', () => {
  it('open a session with a card, send a message, continue it; the turn and the usage come back', async () => {
    const opened: string[] = [];
    const first = await chat('s1', 'Who are you?', { userName: 'Ann', onOpen: (session) => opened.push(session.id) });
    expect(opened).toEqual(['s1']);
    expect(first.turn.events.map((event) => [event.actor, event.kind])).toEqual(expect.arrayContaining([['user', 'speech'], ['Mirela', 'thought'], ['Mirela', 'speech']]));
    expect(first.turn.events[0]).toMatchObject({ actor: 'user', text: 'Who are you?' });
    expect(first.usage.calls).toBe(1);
    expect(first.session.userName).toBe('Ann');

    const second = await chat('s1', 'And the lamp?');
    expect(second.usage.calls).toBe(2);
    expect(JSON.stringify(fake.chatRequests()[1]!.body.messages)).toContain('Who are you?');
    const session = await openChat({ store, env: {}, card: await readChatCard(card), model: 'openai-compatible:fake', settings: { baseURL: fake.url }, sessionId: 's1' });
    expect(session.log.filter((event) => event.actor === 'user').map((event) => event.text)).toEqual(['Who are you?', 'And the lamp?']);
    // The session keeps the card and the model it was started with.
    expect((await showSession(store, 's1')).session.meta).toMatchObject({ card, model: 'openai-compatible:fake' });
  });

  it('remember a chat for its user when memory is on', async () => {
    await chat('m1', 'My name is Ann and I keep bees.', { userName: 'Ann', memory: {} });
    expect(await memoryCharacters(store)).toMatchObject([{ character: 'Mirela' }]);
    const memories = await listMemories({ store, character: 'Mirela', owners: ['Ann'] });
    expect(memories.map((memory) => memory.text).join('\n')).toContain('I keep bees');
    expect(await listMemories({ store, character: 'Mirela', owners: [null] })).toEqual([]);
  });

  it('read a card with an extra lorebook, warning about keys that cannot be used', async () => {
    writeFileSync(join(dir, 'lore.json'), JSON.stringify({ entries: { 0: { key: ['/(?<=a)b/'], content: 'Lookbehind lore.', uid: 0 }, 1: { key: ['harbour'], content: 'The harbour.', uid: 1 } } }));
    const warnings: string[] = [];
    const read = await readChatCard('mirela.json', { cwd: join(repoRoot, 'examples', 'cards'), lorebooks: [join(dir, 'lore.json')], onWarning: (warning) => warnings.push(warning) });
    expect(read.path).toBe(card);
    expect(read.lorebooks).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.startsWith(`${join(dir, 'lore.json')}: `)).toBe(true);
    expect(warnings[0]).toContain('(?<=a)b');
  });
});

describe('listSessions, showSession, renameSession, forkSession, deleteSession', () => {
  it('list and show sessions, rename, fork and delete them, and refuse an id that names none', async () => {
    await chat('s1', 'Hello');
    await chat('s1', 'Again');
    expect(await listSessions(store)).toMatchObject([{ id: 's1', character: 'Mirela', turns: 2, usage: { calls: 2 } }]);
    const shown = await showSession(store, 's1');
    expect(shown.events.filter((event) => event.actor === 'user')).toHaveLength(2);

    expect((await renameSession(store, 's1', 'evening')).id).toBe('evening');
    const endOfFirstTurn = shown.events.find((event) => event.kind === 'speech' && event.actor === 'Mirela' && event.seq > 2)!.seq;
    const fork = await forkSession(store, 'evening', { newId: 'what-if', atSeq: endOfFirstTurn });
    expect(fork).toMatchObject({ episode: { id: 'what-if', meta: { forkedFrom: { session: 'evening', seq: endOfFirstTurn } } }, events: endOfFirstTurn });
    expect((await deleteSession(store, 'evening')).events).toBe(shown.events.length);
    expect((await listSessions(store)).map((row) => row.id)).toEqual(['what-if']);

    for (const work of [showSession(store, 'zz'), deleteSession(store, 'zz'), renameSession(store, 'zz', 'y'), forkSession(store, 'zz')]) {
      expect(await runErrorOf(work)).toMatchObject({ code: 'run/not-found', id: 'zz', lookedFor: 'session', message: `no session with id 'zz' in the store at ${join(dir, 'dramatis.db')}` });
    }
  });
});

describe('importCharacterMemories, searchMemories, exportMemories', () => {
  it('import a memory file, embedding it over HTTP, search it by meaning and export it', async () => {
    const entries = await readMemoryFile(join(repoRoot, 'examples', 'memories', 'mirela.jsonl'), { character: 'Mirela' });
    const models = { embeddingModel: 'openai-compatible:fake-embed', baseURL: fake.url };
    const imported = await importCharacterMemories({ store, env: {}, entries, ...models });
    expect(imported).toMatchObject({ added: 8, skipped: 0, characters: ['Mirela'] });
    expect(await memoryCharacters(store)).toMatchObject([{ character: 'Mirela', count: 8, embedded: 8, embeddingModel: 'openai-compatible:fake-embed' }]);

    const found = await searchMemories({ store, env: {}, ...models, character: 'Mirela', query: { text: 'the lamp' }, k: 3 });
    expect(found.strategy).toBe('semantic');
    expect(found.memories).toHaveLength(3);
    const lexical = await searchMemories({ store, env: {}, character: 'Mirela', query: { text: 'the lamp' }, strategy: 'lexical', k: 1 });
    expect(lexical.memories[0]!.memory.text).toContain('lamp');

    const lines = await exportMemories({ store, character: 'Mirela' });
    expect(lines).toHaveLength(8);
    expect(JSON.parse(lines[0]!)).toMatchObject({ character: 'Mirela', embeddingModel: 'openai-compatible:fake-embed' });
  });
});
