import { describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../src/store/index.ts';

/**
 * What every MemoryStore must do; the SQLite store runs it now, a Postgres store will run the same suite.
 * `open` gives a fresh, empty store each time.
 */
export function describeMemoryStore(name: string, open: () => Promise<MemoryStore>): void {
  describe(`MemoryStore contract: ${name}`, () => {
    it('with ifAbsent, skips memories whose id is already stored and returns only those added', async () => {
      const store = await open();
      await store.add([{ id: 'm1', character: 'Ana', text: 'first' }]);
      await expect(store.add([{ id: 'm1', character: 'Ana', text: 'again' }])).rejects.toThrow(/already exists/);
      const added = await store.add([{ id: 'm1', character: 'Ana', text: 'again' }, { id: 'm2', character: 'Ana', text: 'second' }], { ifAbsent: true });
      expect(added.map((memory) => memory.id)).toEqual(['m2']);
      expect((await store.list('Ana')).map((memory) => memory.text)).toEqual(['first', 'second']);
    });

    it('adds memories in insertion order per character, with every field kept', async () => {
      const store = await open();
      const [first, second] = await store.add([
        { character: 'Ana', text: 'The forest burned.', kind: 'episodic', at: '2024-01-01T00:00:00.000Z', sourceEventIds: ['e1', 'e2'], importance: 0.8, emotion: [1, 1, 9, 2, 8, 1, 3, 1], embedding: [3, 4] , embeddingModel: 'm' },
        { character: 'Ana', text: 'Bo is my brother.', kind: 'fact' },
      ]);
      await store.add([{ character: 'Bo', text: 'I lost the key.' }, { character: 'Ana', text: 'A third.' }]);
      const listed = await store.list('Ana', { embeddings: true });
      expect(listed.map((memory) => memory.text)).toEqual(['The forest burned.', 'Bo is my brother.', 'A third.']);
      expect(listed.map((memory) => memory.seq)).toEqual([1, 2, 3]);
      expect(listed[0]).toMatchObject({ id: first!.id, kind: 'episodic', at: '2024-01-01T00:00:00.000Z', sourceEventIds: ['e1', 'e2'], importance: expect.closeTo(0.8, 6), emotion: [1, 1, 9, 2, 8, 1, 3, 1], embeddingModel: 'm' });
      expect([...listed[0]!.embedding!]).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
      expect(listed[1]).toMatchObject({ id: second!.id, kind: 'fact', sourceEventIds: [] });
      expect(listed[1]!.emotion).toBeUndefined();
      expect(listed[1]!.embedding).toBeUndefined();
      expect((await store.list('Ana'))[0]!.embedding).toBeUndefined();
      expect(await store.list('Ana', { kind: 'fact' })).toHaveLength(1);
      expect(await store.list('Ana', { limit: 1, offset: 1 })).toEqual([expect.objectContaining({ text: 'Bo is my brother.' })]);
      expect((await store.get([second!.id, 'nope', first!.id])).map((memory) => memory.text)).toEqual(['Bo is my brother.', 'The forest burned.']);
      expect(await store.characters()).toEqual([
        { character: 'Ana', count: 3, embedded: 1, dimension: 2, embeddingModel: 'm' },
        { character: 'Bo', count: 1, embedded: 0, dimension: undefined, embeddingModel: undefined },
      ]);
    });

    it('stores nothing from a batch with one bad memory, and says which and why', async () => {
      const store = await open();
      await expect(store.add([{ character: 'Ana', text: 'fine' }, { character: 'Ana', text: 'bad', emotion: [1, 2, 3] }]))
        .rejects.toMatchObject({ code: 'store/invalid-memory', message: expect.stringMatching(/memory 2: an emotion has 8 scores .* not 3/) });
      await expect(store.add([{ character: 'Ana', text: 'x', emotion: [0, 1, 1, 1, 1, 1, 1, 11] }])).rejects.toThrow(/from 1 \(not expressed\) to 10/);
      await expect(store.add([{ character: 'Ana', text: 'x', embedding: [0, 0] }])).rejects.toThrow(/not all zero/);
      await expect(store.add([{ character: '', text: 'x' }])).rejects.toThrow(/names no character/);
      await expect(store.add([{ character: 'Ana', text: ' ' }])).rejects.toThrow(/has no text/);
      await expect(store.add([{ character: 'Ana', text: 'x', kind: 'dream' as never }])).rejects.toThrow(/kind must be one of/);
      expect(await store.list('Ana')).toEqual([]);
    });

    it("refuses a second embedding width or model in one character's memories, naming both", async () => {
      const store = await open();
      await store.add([{ character: 'Ana', text: 'a', embedding: [1, 0, 0], embeddingModel: 'openai:small' }]);
      await expect(store.add([{ character: 'Ana', text: 'b', embedding: [1, 0], embeddingModel: 'ollama:x' }]))
        .rejects.toMatchObject({ code: 'store/mixed-embeddings', message: expect.stringMatching(/2-dimension embedding \(ollama:x\), but Ana's memories have 3-dimension embeddings from openai:small/) });
      await expect(store.add([{ character: 'Ana', text: 'b', embedding: [0, 1, 0], embeddingModel: 'ollama:other' }])).rejects.toMatchObject({ code: 'store/mixed-embeddings' });
      await store.add([{ character: 'Bo', text: 'c', embedding: [1, 0], embeddingModel: 'ollama:x' }]);
      expect(await store.list('Ana')).toHaveLength(1);
    });

    it('updates embeddings and emotions, and removes memories', async () => {
      const store = await open();
      const [a, b] = await store.add([{ character: 'Ana', text: 'a' }, { character: 'Ana', text: 'b' }]);
      await store.update([{ id: a!.id, embedding: [0, 2], embeddingModel: 'm', emotion: [2, 2, 2, 2, 2, 2, 2, 2] }]);
      const [updated] = await store.get([a!.id]);
      expect([...updated!.embedding!]).toEqual([0, 1]);
      expect(updated!.emotion).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
      await expect(store.update([{ id: b!.id, embedding: [1, 0, 0] }])).rejects.toMatchObject({ code: 'store/mixed-embeddings' });
      await expect(store.update([{ id: 'nope', emotion: null }])).rejects.toMatchObject({ code: 'store/not-found' });
      await store.update([{ id: a!.id, embedding: null, emotion: null }]);
      expect((await store.get([a!.id]))[0]).toMatchObject({ embedding: undefined, emotion: undefined });
      expect(await store.remove('Ana', [b!.id, 'nope'])).toBe(1);
      expect(await store.remove('Ana')).toBe(1);
      expect(await store.characters()).toEqual([]);
    });

    it("searches a character's texts by words (BM25), never another's, and takes any text as a query", async () => {
      const store = await open();
      await store.add([
        { character: 'Ana', text: 'The forest burned all night.' },
        { character: 'Ana', text: 'We sang by the river.' },
        { character: 'Ana', text: 'Burning forests, burning forests everywhere.' },
        { character: 'Bo', text: 'The forest burned, Bo saw it.' },
      ]);
      const hits = await store.searchText('Ana', 'the forest burned', 10);
      const texts = (await store.get(hits.map((hit) => hit.id))).map((memory) => memory.text);
      // Any word matches; the two about the forest fire rank above the one sharing only "the".
      expect(new Set(texts.slice(0, 2))).toEqual(new Set(['The forest burned all night.', 'Burning forests, burning forests everywhere.']));
      expect(texts[2]).toBe('We sang by the river.');
      expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => a - b));
      expect(await store.searchText('Ana', 'NEAR( "x" OR * AND', 10)).toEqual([]);
      expect(await store.searchText('Ana', '', 10)).toEqual([]);
      expect(await store.searchText('Nobody', 'forest', 10)).toEqual([]);
    });

    it("keeps each memory's owner, and reads only the owners asked for (null: the shared memories)", async () => {
      const store = await open();
      const [shared, ann, bob] = await store.add([
        { character: 'Ana', text: 'The bank is on the square.', embedding: [1, 0] },
        { character: 'Ana', owner: 'Ann', text: 'My bank PIN is 4321.', embedding: [0.9, 0.1] },
        { character: 'Ana', owner: 'Bob', text: 'My bank is closed on Sundays.', embedding: [0.8, 0.2] },
      ]);
      expect(shared!.owner).toBeUndefined();
      expect(ann!.owner).toBe('Ann');
      expect((await store.get([bob!.id]))[0]!.owner).toBe('Bob');
      const texts = async (owners?: readonly (string | null)[]) => (await store.list('Ana', { owners })).map((memory) => memory.text);
      expect(await texts()).toHaveLength(3);
      expect(await texts([null])).toEqual(['The bank is on the square.']);
      expect(await texts(['Ann'])).toEqual(['My bank PIN is 4321.']);
      expect(await texts([null, 'Bob'])).toEqual(['The bank is on the square.', 'My bank is closed on Sundays.']);
      expect(await texts([])).toEqual([]);
      const found = async (owners?: readonly (string | null)[]) => (await store.get((await store.searchText('Ana', 'bank', 10, { owners })).map((hit) => hit.id))).map((memory) => memory.owner ?? null);
      expect(new Set(await found())).toEqual(new Set([null, 'Ann', 'Bob']));
      expect(new Set(await found([null, 'Bob']))).toEqual(new Set([null, 'Bob']));
      expect((await store.vectors('Ana', { owners: [null, 'Ann'] })).ids).toEqual([shared!.id, ann!.id]);
      expect((await store.vectors('Ana')).ids).toHaveLength(3);
      await expect(store.add([{ character: 'Ana', owner: ' ', text: 'x' }])).rejects.toThrow(/owner must be a user's name; leave it out for a shared memory/);
    });

    it("changes a character's revision with every write to its memories, and only then", async () => {
      const store = await open();
      expect(await store.revision('Ana')).toBe(0);
      const [a] = await store.add([{ character: 'Ana', text: 'a' }]);
      const afterAdd = await store.revision('Ana');
      expect(afterAdd).toBeGreaterThan(0);
      await store.add([{ character: 'Bo', text: 'b' }]);
      await store.list('Ana');
      expect(await store.revision('Ana')).toBe(afterAdd);
      await store.update([{ id: a!.id, emotion: [1, 1, 1, 1, 1, 1, 1, 2] }]);
      const afterUpdate = await store.revision('Ana');
      expect(afterUpdate).not.toBe(afterAdd);
      expect((await store.vectors('Ana')).revision).toBe(afterUpdate);
      await store.remove('Ana', ['nope']);
      expect(await store.revision('Ana')).toBe(afterUpdate);
      await store.remove('Ana');
      expect(await store.revision('Ana')).not.toBe(afterUpdate);
    });

    it("gives a character's embedded memories as one matrix, emotions beside (NaN where none)", async () => {
      const store = await open();
      await store.add([
        { character: 'Ana', text: 'a', embedding: [1, 0], emotion: [1, 2, 3, 4, 5, 6, 7, 8] },
        { character: 'Ana', text: 'no vector' },
        { character: 'Ana', text: 'b', embedding: [0, 3] },
      ]);
      const vectors = await store.vectors('Ana');
      expect(vectors.dimension).toBe(2);
      expect(vectors.ids).toHaveLength(2);
      expect([...vectors.matrix]).toEqual([1, 0, 0, 1]);
      expect([...vectors.emotions.subarray(0, 8)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect([...vectors.emotions.subarray(8)].every(Number.isNaN)).toBe(true);
      expect(await store.vectors('Nobody')).toMatchObject({ ids: [], dimension: 0 });
    });
  });
}
