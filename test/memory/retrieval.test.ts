import { describe, expect, it } from 'vitest';
import { rankMemories, smallest, type Strategy } from '../../src/memory/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';

// The expected rankings are computed here from the formulas (Emotional RAG's get_response.py), independently of
// src/memory: d_sem = Euclidean distance, d_emo = 1 − cosine similarity, ties in insertion order.

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const euclid = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a, (x, i) => (x - b[i]!) ** 2).reduce((s, v) => s + v, 0));
const cosineDistance = (a: readonly number[], b: readonly number[]) => {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return 1 - dot / (norm(a) * norm(b));
};
const argsortStable = (values: number[], among: number[] = values.map((_, i) => i)) =>
  [...among].sort((i, j) => values[i]! - values[j]! || i - j);

async function memoryBank(count: number, dimension: number, seed: number) {
  const random = seeded(seed);
  const store = openSqliteStore(':memory:');
  const memories = Array.from({ length: count }, (_, i) => ({
    character: 'Ana', text: `memory ${i}`,
    embedding: Array.from({ length: dimension }, () => random() * 2 - 1),
    // Integer scores 1–10 make exact ties in d_emo common, so the tie order is exercised too.
    emotion: Array.from({ length: 8 }, () => 1 + Math.floor(random() * 10)),
  }));
  await store.memories.add(memories);
  const vectors = await store.memories.vectors('Ana');
  const query = { embedding: Array.from({ length: dimension }, () => random() * 2 - 1), emotion: Array.from({ length: 8 }, () => 1 + Math.floor(random() * 10)) };
  const norm = Math.sqrt(query.embedding.reduce((s, x) => s + x * x, 0));
  query.embedding = query.embedding.map((x) => x / norm);
  return { vectors, query, emotions: memories.map((memory) => memory.emotion) };
}

function expected(strategy: Strategy, dSem: number[], dEmo: number[], k: number, pool: number): number[] {
  switch (strategy) {
    case 'semantic': return argsortStable(dSem).slice(0, k);
    case 'c-a': return argsortStable(dSem.map((d, i) => d + dEmo[i]!)).slice(0, k);
    case 'c-m': return argsortStable(dSem.map((d, i) => d * dEmo[i]!)).slice(0, k);
    case 'semantic-first': return argsortStable(dEmo, argsortStable(dSem).slice(0, pool)).slice(0, k);
    case 'emotion-first': return argsortStable(dSem, argsortStable(dEmo).slice(0, pool)).slice(0, k);
    default: throw new Error(strategy);
  }
}

describe('rankMemories: each strategy is its formula', () => {
  for (const strategy of ['semantic', 'c-a', 'c-m', 'semantic-first', 'emotion-first'] as const) {
    it(`${strategy}: 300 memories of 16 dimensions, k = 10, pool = 20, and k = 5, pool = 7`, async () => {
      const { vectors, query, emotions } = await memoryBank(300, 16, strategy.length * 7919);
      const dSem = Array.from({ length: vectors.ids.length }, (_, i) => euclid(vectors.matrix.subarray(i * 16, i * 16 + 16), query.embedding));
      const dEmo = emotions.map((emotion) => cosineDistance(emotion, query.emotion));
      for (const [k, pool] of [[10, 20], [5, 7]] as const) {
        const ranked = rankMemories(vectors, query, strategy, { k, pool });
        expect(ranked.map((memory) => memory.index)).toEqual(expected(strategy, dSem, dEmo, k, pool));
        for (const memory of ranked) {
          expect(memory.dSem).toBeCloseTo(dSem[memory.index]!, 5);
          expect(memory.dEmo).toBeCloseTo(dEmo[memory.index]!, 10);
        }
      }
    });
  }

  it('ranks a small hand-made bank as worked out on paper', async () => {
    const store = openSqliteStore(':memory:');
    const joy = [9, 5, 1, 2, 1, 1, 1, 6];
    const fear = [1, 1, 9, 6, 5, 2, 3, 4];
    await store.memories.add([
      { character: 'Ana', text: 'near, fearful', embedding: [1, 0.1], emotion: fear },
      { character: 'Ana', text: 'near, joyful', embedding: [1, 0.2], emotion: joy },
      { character: 'Ana', text: 'far, joyful', embedding: [0, 1], emotion: joy },
    ]);
    const vectors = await store.memories.vectors('Ana');
    const query = { embedding: [1, 0], emotion: joy };
    const texts = (strategy: Exclude<Strategy, 'lexical'>, k: number, pool?: number) =>
      rankMemories(vectors, query, strategy, { k, pool }).map((memory) => ['near, fearful', 'near, joyful', 'far, joyful'][memory.index]);
    expect(texts('semantic', 2)).toEqual(['near, fearful', 'near, joyful']);
    // d_sem ≈ 0.0050, 0.0195, 1.414; d_emo ≈ 0.50, 0, 0: the joyful near one wins once emotion counts.
    expect(texts('c-a', 2)).toEqual(['near, joyful', 'near, fearful']);
    expect(texts('c-m', 3)).toEqual(['near, joyful', 'far, joyful', 'near, fearful']);
    expect(texts('semantic-first', 1, 2)).toEqual(['near, joyful']);
    expect(texts('emotion-first', 2, 2)).toEqual(['near, joyful', 'far, joyful']);
  });

  it('counts a memory without an emotion as d_emo = 1, and needs the query emotion for emotional strategies', async () => {
    const store = openSqliteStore(':memory:');
    await store.memories.add([
      { character: 'Ana', text: 'unscored', embedding: [1, 0] },
      { character: 'Ana', text: 'scored', embedding: [1, 0.5], emotion: [5, 5, 5, 5, 5, 5, 5, 5] },
    ]);
    const vectors = await store.memories.vectors('Ana');
    const [first, second] = rankMemories(vectors, { embedding: [1, 0], emotion: [5, 5, 5, 5, 5, 5, 5, 5] }, 'c-a', { k: 2 });
    expect(first).toMatchObject({ index: 1, dEmo: expect.closeTo(0, 10) });
    expect(second).toMatchObject({ index: 0, dEmo: undefined, score: expect.closeTo(1, 10) });
    expect(() => rankMemories(vectors, { embedding: [1, 0] }, 'c-m')).toThrow(/needs the query's emotion/);
    expect(() => rankMemories(vectors, { embedding: [1, 0, 0] }, 'semantic')).toThrow(/3 dimensions, the memories 2/);
    expect(rankMemories(await store.memories.vectors('Nobody'), { embedding: [1, 0] }, 'semantic')).toEqual([]);
  });
});

describe('extensions, off by default', () => {
  it('weights c-a as w_sem·d_sem + w_emo·d_emo, and ages scores by a half-life', async () => {
    const { vectors, query, emotions } = await memoryBank(200, 8, 31);
    const dSem = Array.from({ length: vectors.ids.length }, (_, i) => euclid(vectors.matrix.subarray(i * 8, i * 8 + 8), query.embedding));
    const dEmo = emotions.map((emotion) => cosineDistance(emotion, query.emotion));
    const weighted = rankMemories(vectors, query, 'c-a', { weights: { semantic: 0.5, emotion: 2 } });
    expect(weighted.map((m) => m.index)).toEqual(argsortStable(dSem.map((d, i) => 0.5 * d + 2 * dEmo[i]!)).slice(0, 10));
    expect(rankMemories(vectors, query, 'c-a', { weights: {} }).map((m) => m.index)).toEqual(rankMemories(vectors, query, 'c-a').map((m) => m.index));

    // memoryBank's times are all "now" (the store's default): give them ages of i days.
    const now = Date.parse('2025-01-01T00:00:00Z');
    const aged = { ...vectors, times: Float64Array.from(vectors.ids, (_, i) => now - i * 86_400_000) };
    const decayed = rankMemories(aged, query, 'semantic', { recency: { halfLifeDays: 30, now, weight: 0.5 } });
    const penalty = (i: number) => 0.5 * (1 - 2 ** (-i / 30));
    expect(decayed.map((m) => m.index)).toEqual(argsortStable(dSem.map((d, i) => d + penalty(i))).slice(0, 10));
    expect(decayed[0]!.score).toBeCloseTo(dSem[decayed[0]!.index]! + penalty(decayed[0]!.index), 5);
  });
});

describe('smallest', () => {
  it('keeps the n smallest, smallest first, ties in candidate order', () => {
    const values = [5, 1, 3, 1, 9, 3, 0];
    expect(smallest(values.map((_, i) => i), 4, (i) => values[i]!)).toEqual([6, 1, 3, 2]);
    expect(smallest([], 3, () => 0)).toEqual([]);
  });
});

describe('the nearest-memory index (usearch, int8)', () => {
  it('finds the same top ten as the exact scan on 3,000 memories of 64 dimensions, for semantic and semantic-first', async () => {
    const { nearestIndex } = await import('../../src/memory/nearest-index.ts');
    const { vectors } = await memoryBank(3000, 64, 99);
    const index = nearestIndex(vectors, { threshold: 0 });
    expect(index, 'usearch is installed with this project').toBeDefined();
    const random = seeded(5);
    let found = 0;
    let total = 0;
    for (let q = 0; q < 20; q++) {
      const raw = Array.from({ length: 64 }, () => random() * 2 - 1);
      const norm = Math.hypot(...raw);
      const query = { embedding: Float32Array.from(raw, (x) => x / norm), emotion: [5, 5, 5, 5, 5, 5, 5, 5] };
      for (const strategy of ['semantic', 'semantic-first'] as const) {
        const exact = rankMemories(vectors, query, strategy).map((m) => m.id);
        const indexed = rankMemories(vectors, query, strategy, { nearest: (n) => index!(query.embedding, n) });
        expect(indexed.every((m, i) => i === 0 || m.score >= indexed[i - 1]!.score)).toBe(true);
        found += indexed.filter((m) => exact.includes(m.id)).length;
        total += exact.length;
      }
    }
    expect(found / total).toBeGreaterThanOrEqual(0.95);
  });

  it('gives every d_sem natively, within 1e-6 of the formula, so c-a and c-m rank as the exact scan does', async () => {
    const { allDistances } = await import('../../src/memory/nearest-index.ts');
    const { vectors, query } = await memoryBank(3000, 64, 77);
    const distances = allDistances(vectors, { threshold: 0 });
    expect(distances, 'usearch is installed with this project').toBeDefined();
    const q = Float32Array.from(query.embedding);
    const native = distances!(q);
    for (let i = 0; i < 3000; i += 37) expect(native[i]).toBeCloseTo(euclid(vectors.matrix.subarray(i * 64, i * 64 + 64), query.embedding), 6);
    for (const strategy of ['c-a', 'c-m'] as const) {
      expect(rankMemories(vectors, query, strategy, { distances: () => distances!(q) }).map((m) => m.id))
        .toEqual(rankMemories(vectors, query, strategy).map((m) => m.id));
    }
  });
});
