import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddingModel, createModelRuntime } from '../../src/llm/index.ts';
import { importMemories, memoryLines, parseMemoryFile, recall, type Embed } from '../../src/memory/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';

let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** Embeddings over HTTP from the fake server (hashed bag of words, 64 dimensions). */
const embedOverHttp: Embed = async (texts, signal) => {
  const model = createEmbeddingModel('openai-compatible:fake-embed', { env: {}, runtime: createModelRuntime(), baseURL: fake.url, retry: { maxRetries: 0 } });
  return (await model.doEmbed({ values: texts, abortSignal: signal })).embeddings;
};

const lines = (count: number) => Array.from({ length: count }, (_, i) => JSON.stringify({ text: `Memory number ${i} of the forest`, at: `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z` })).join('\n');

describe('memory files', () => {
  it('names every bad line before storing anything: wrong emotion length, mixed embedding widths, bad JSON', () => {
    const text = [
      '{"text": "fine", "emotion": [1,2,3,4,5,6,7,8], "embedding": [1, 0, 0]}',
      '{"text": "short emotion", "emotion": [1,2,3]}',
      '',
      '{"text": "narrow", "embedding": [1, 0]}',
      '{not json',
      '{"text": "", "kind": "dream"}',
    ].join('\n');
    expect(() => parseMemoryFile(text, { character: 'Ana', source: 'm.jsonl' })).toThrow(new RegExp([
      'm.jsonl:2: emotion has 3 scores; it needs 8',
      "m.jsonl:4: embedding has 2 dimensions, but line 1's has 3",
      'm.jsonl:5: not JSON',
      'm.jsonl:6: kind: .*; text: text is empty',
    ].join('[\\s\\S]*')));
  });

  it('reads emotions by name (missing ones score 1), and needs a character', () => {
    const [entry] = parseMemoryFile('{"text": "hi", "emotion": {"joy": 8, "fear": 3}}', { character: 'Ana' });
    expect(entry!.emotion).toEqual([8, 1, 3, 1, 1, 1, 1, 1]);
    expect(() => parseMemoryFile('{"text": "hi"}')).toThrow(/line 1: no character/);
  });

  it('refuses embeddings of another width than the character already has, naming the line', async () => {
    const store = openSqliteStore(':memory:');
    await store.memories.add([{ character: 'Ana', text: 'old', embedding: [1, 0, 0, 0], embeddingModel: 'x' }]);
    const entries = parseMemoryFile('{"text": "a"}\n{"text": "b", "embedding": [1, 0]}', { character: 'Ana' });
    await expect(importMemories({ store: store.memories, entries })).rejects.toThrow(/line 2: embedding has 2 dimensions, but Ana's stored memories have 4 \(x\)/);
    expect(await store.memories.list('Ana')).toHaveLength(1);
  });

  it('survives an embedding endpoint failing mid-import: whole batches only, and the re-run resumes after them', async () => {
    const store = openSqliteStore(':memory:');
    const entries = parseMemoryFile(lines(50), { character: 'Ana' });
    // The first two batches of 10 are embedded; the third embeddings request gets a 503 (not retried here).
    let embeddingRequests = 0;
    const faultyFake = await startFakeLlm({
      handler: (request) => (request.path.endsWith('/embeddings') && ++embeddingRequests === 3 ? { fault: 'server-error', status: 503 } : undefined),
    });
    const embedFaulty: Embed = async (texts, signal) => {
      const model = createEmbeddingModel('openai-compatible:fake-embed', { env: {}, runtime: createModelRuntime(), baseURL: faultyFake.url, retry: { maxRetries: 0 } });
      return (await model.doEmbed({ values: texts, abortSignal: signal })).embeddings;
    };
    await expect(importMemories({ store: store.memories, entries, embed: embedFaulty, embeddingModel: 'openai-compatible:fake-embed', batchSize: 10 })).rejects.toThrow();
    expect(await store.memories.list('Ana')).toHaveLength(20);
    const resumed = await importMemories({ store: store.memories, entries, embed: embedFaulty, embeddingModel: 'openai-compatible:fake-embed', batchSize: 10 });
    expect(resumed).toEqual({ added: 30, skipped: 20 });
    const stored = await store.memories.list('Ana', { embeddings: true });
    expect(stored.map((memory) => memory.text)).toEqual(entries.map((entry) => entry.text));
    expect(stored.every((memory) => memory.embedding?.length === 64 && memory.embeddingModel === 'openai-compatible:fake-embed')).toBe(true);
    expect(embeddingRequests).toBe(3 + 3);
    await faultyFake.close();
  });

  it('exports JSONL that imports back to the same memories', async () => {
    const store = openSqliteStore(':memory:');
    await importMemories({ store: store.memories, entries: parseMemoryFile(lines(5), { character: 'Ana' }), embed: embedOverHttp, embeddingModel: 'e' });
    await store.memories.update([{ id: (await store.memories.list('Ana'))[0]!.id, emotion: [2, 2, 2, 2, 2, 2, 2, 9] }]);
    const exported = memoryLines(await store.memories.list('Ana', { embeddings: true })).join('\n');
    const copy = openSqliteStore(':memory:');
    expect(await importMemories({ store: copy.memories, entries: parseMemoryFile(exported) })).toEqual({ added: 5, skipped: 0 });
    const strip = (memories: Awaited<ReturnType<typeof store.memories.list>>) => memories.map(({ embedding, ...rest }) => ({ ...rest, embedding: [...embedding!] }));
    expect(strip(await copy.memories.list('Ana', { embeddings: true }))).toEqual(strip(await store.memories.list('Ana', { embeddings: true })));
  });

  it("keeps owners through export and import: a line's own owner, else --owner, else shared", async () => {
    const store = openSqliteStore(':memory:');
    const text = '{"text": "shared"}\n{"text": "mine", "owner": "Bob"}\n{"text": "given"}\n';
    await importMemories({ store: store.memories, entries: parseMemoryFile(text, { character: 'Ana' }) });
    await importMemories({ store: store.memories, entries: parseMemoryFile('{"text": "given"}\n', { character: 'Ana', owner: 'Ann' }) });
    const owners = (await store.memories.list('Ana')).map((memory) => [memory.text, memory.owner ?? null]);
    expect(owners).toEqual([['shared', null], ['mine', 'Bob'], ['given', null], ['given', 'Ann']]);
    const copy = openSqliteStore(':memory:');
    await importMemories({ store: copy.memories, entries: parseMemoryFile(memoryLines(await store.memories.list('Ana')).join('\n')) });
    expect((await copy.memories.list('Ana')).map((memory) => [memory.text, memory.owner ?? null])).toEqual(owners);
    expect(() => parseMemoryFile('{"text": "x", "owner": " "}', { character: 'Ana' })).toThrow(/owner is empty/);
  });
});

describe('recall', () => {
  it('ranks by meaning with an embedding model, falls back to words without one, and recalls nothing for a stranger', async () => {
    const store = openSqliteStore(':memory:');
    const entries = parseMemoryFile(['the forest burned all night', 'we sang songs by the river', 'my brother lost the key'].map((text) => JSON.stringify({ text })).join('\n'), { character: 'Ana' });
    await importMemories({ store: store.memories, entries, embed: embedOverHttp, embeddingModel: 'e' });
    const byMeaning = await recall({ store: store.memories, character: 'Ana', query: { text: 'the forest burned' }, embed: embedOverHttp, k: 2 });
    expect(byMeaning.strategy).toBe('semantic');
    expect(byMeaning.memories[0]!.memory.text).toBe('the forest burned all night');
    expect(byMeaning.memories[0]!.dSem).toBeLessThan(byMeaning.memories[1]!.dSem!);
    const byWords = await recall({ store: store.memories, character: 'Ana', query: { text: 'river songs' } });
    expect(byWords).toMatchObject({ requested: 'lexical', strategy: 'lexical' });
    expect(byWords.memories.map((recalled) => recalled.memory.text)).toEqual(['we sang songs by the river']);
    expect((await recall({ store: store.memories, character: 'Nobody', query: { text: 'x' }, embed: embedOverHttp, strategy: 'c-a' })).memories).toEqual([]);
  });

  it('falls back to meaning only when the query emotion cannot be read, and says so', async () => {
    const store = openSqliteStore(':memory:');
    await store.memories.add([{ character: 'Ana', text: 'a', embedding: [1, 0], emotion: [1, 1, 1, 1, 1, 1, 1, 9] }]);
    const result = await recall({ store: store.memories, character: 'Ana', query: { text: 'q', embedding: [1, 0] }, strategy: 'c-a', scoreEmotion: async () => undefined });
    expect(result).toMatchObject({ requested: 'c-a', strategy: 'semantic', notes: ["the query's emotion could not be read: ranked by meaning only"] });
    expect(result.memories).toHaveLength(1);
  });

  it('sees new memories at once: the in-process vectors follow the store revision', async () => {
    const store = openSqliteStore(':memory:');
    await store.memories.add([{ character: 'Ana', text: 'a', embedding: [1, 0] }]);
    const ask = () => recall({ store: store.memories, character: 'Ana', query: { text: 'q', embedding: [0, 1] }, strategy: 'semantic' });
    expect((await ask()).memories.map((recalled) => recalled.memory.text)).toEqual(['a']);
    await store.memories.add([{ character: 'Ana', text: 'b', embedding: [0, 1] }]);
    expect((await ask()).memories.map((recalled) => recalled.memory.text)).toEqual(['b', 'a']);
  });
});
