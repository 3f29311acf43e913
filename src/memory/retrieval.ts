import { EMOTIONS, type Strategy } from '../memory-model/index.ts';
import type { MemoryVectors } from '../store/index.ts';

// The strategies' names are part of the memory model (memory-model/recall-strategy.ts, where they are described).
export { STRATEGIES, type Strategy } from '../memory-model/index.ts';

/** The strategies that need an emotion for the query. */
export const EMOTIONAL_STRATEGIES: readonly Strategy[] = ['c-a', 'c-m', 'semantic-first', 'emotion-first'];

export const DEFAULT_K = 10;
export const DEFAULT_POOL = 20;

/** One ranked memory: its distances and the value it was ranked by (smaller is better). */
export interface Ranked {
  id: string;
  /** Index in the vectors it was ranked from. */
  index: number;
  dSem: number;
  /** Undefined when the memory (or the query) has no emotion. */
  dEmo?: number;
  score: number;
}

export interface RankOptions {
  k?: number;
  pool?: number;
  /**
   * The `n` memories nearest the query by embedding, nearest first (indices), from an index. Used by `semantic`
   * and `semantic-first` instead of measuring every memory; the formulas are then applied to these exactly.
   */
  nearest?: (n: number) => readonly number[];
  /** Every memory's d_sem, computed natively; used instead of the JavaScript scan where all are needed. */
  distances?: () => ArrayLike<number>;
  /** An extension, off by default: `c-a` ranks by w_sem·d_sem + w_emo·d_emo (the paper's is 1 and 1). */
  weights?: { semantic?: number; emotion?: number };
  /**
   * An extension, off by default: older memories rank lower. Each score gains `weight × (1 − 2^(−age / halfLife))`,
   * from 0 for a memory of `now` toward `weight` (default 0.5) for a very old one.
   */
  recency?: { halfLifeDays: number; now: number; weight?: number };
}

/** How many index candidates are re-ranked exactly for every result kept. */
const OVERFETCH = 5;

/**
 * Ranks embedded memories for a query by a vector strategy (not `lexical`). A memory without an emotion counts
 * as d_emo = 1, the distance of an emotion that shares nothing with the query's, in the emotional strategies; a
 * query without an emotion can only be ranked by `semantic`. Ties keep insertion order.
 * @example rankMemories(await store.memories.vectors('Seraphina'), { embedding, emotion }, 'c-a')
 */
export function rankMemories(
  vectors: MemoryVectors,
  query: { embedding: ArrayLike<number>; emotion?: readonly number[] },
  strategy: Exclude<Strategy, 'lexical'>,
  options: RankOptions = {},
): Ranked[] {
  const k = options.k ?? DEFAULT_K;
  const pool = Math.max(options.pool ?? DEFAULT_POOL, k);
  const count = vectors.ids.length;
  if (count === 0 || k <= 0) return [];
  if (query.embedding.length !== vectors.dimension) {
    throw new RangeError(`the query embedding has ${query.embedding.length} dimensions, the memories ${vectors.dimension}`);
  }
  if (strategy !== 'semantic' && !query.emotion) throw new RangeError(`the ${strategy} strategy needs the query's emotion`);

  const dimension = vectors.dimension;
  const q = Float32Array.from(query.embedding as ArrayLike<number>);
  // Full scans only where a strategy needs every distance; otherwise distances are measured for candidates only.
  const indexed = options.nearest !== undefined && (strategy === 'semantic' || strategy === 'semantic-first');
  const semAll = strategy === 'emotion-first' || indexed ? undefined : options.distances?.() ?? euclideanDistances(vectors.matrix, dimension, q);
  const semSome = new Map<number, number>();
  const dSem = (i: number): number => {
    if (semAll) return semAll[i]!;
    let value = semSome.get(i);
    if (value === undefined) semSome.set(i, (value = euclideanDistance(vectors.matrix, i * dimension, q)));
    return value;
  };
  const emoAll = query.emotion && (strategy === 'c-a' || strategy === 'c-m' || strategy === 'emotion-first') ? emotionDistances(vectors.emotions, query.emotion) : undefined;
  const rawEmo = (i: number): number => (emoAll ? emoAll[i]! : query.emotion ? emotionDistance(vectors.emotions, i, query.emotion) : Number.NaN);
  const emo = (i: number) => {
    const value = rawEmo(i);
    return Number.isNaN(value) ? 1 : value;
  };
  const ranked = (indices: Iterable<number>, score: (i: number) => number): Ranked[] => {
    const out: Ranked[] = [];
    for (const index of indices) {
      const e = rawEmo(index);
      out.push({ id: vectors.ids[index]!, index, dSem: dSem(index), dEmo: Number.isNaN(e) ? undefined : e, score: score(index) });
    }
    return out;
  };
  const all = () => Array.from({ length: count }, (_, i) => i);
  const ws = options.weights?.semantic ?? 1;
  const we = options.weights?.emotion ?? 1;
  const recency = options.recency;
  const aged = (score: (i: number) => number) => {
    if (!recency) return score;
    const weight = recency.weight ?? 0.5;
    const halfLife = recency.halfLifeDays * 86_400_000;
    return (i: number) => {
      const age = Math.max(0, recency.now - (vectors.times[i] ?? Number.NaN));
      return score(i) + (Number.isNaN(age) ? 0 : weight * (1 - 2 ** (-age / halfLife)));
    };
  };
  const semScore = aged(dSem);
  const caScore = aged((i) => ws * dSem(i) + we * emo(i));
  const cmScore = aged((i) => dSem(i) * emo(i));
  const emoScore = aged(emo);
  // Candidates in insertion order, so ties among them keep it as a full scan would.
  const near = (n: number) => (indexed ? [...options.nearest!(Math.min(count, n * OVERFETCH))].sort((a, b) => a - b) : all());

  switch (strategy) {
    case 'semantic':
      return ranked(smallest(near(k), k, semScore), semScore);
    case 'c-a':
      return ranked(smallest(all(), k, caScore), caScore);
    case 'c-m':
      return ranked(smallest(all(), k, cmScore), cmScore);
    case 'semantic-first':
      return ranked(smallest(smallest(near(pool), pool, dSem), k, emoScore), emoScore);
    case 'emotion-first':
      return ranked(smallest(smallest(all(), pool, emo), k, semScore), semScore);
  }
}

/** The `n` candidates with the smallest values, smallest first; equal values keep the candidates' order. */
export function smallest(candidates: readonly number[], n: number, value: (candidate: number) => number): number[] {
  // A sorted buffer of at most n: O(candidates × n), and n is small (k, pool).
  const best: number[] = [];
  const values: number[] = [];
  for (const candidate of candidates) {
    const v = value(candidate);
    if (best.length === n && !(v < values[n - 1]!)) continue;
    let at = best.length;
    while (at > 0 && v < values[at - 1]!) at--;
    best.splice(at, 0, candidate);
    values.splice(at, 0, v);
    if (best.length > n) { best.pop(); values.pop(); }
  }
  return best;
}

/** ‖q − m_i‖ for every row of a row-major matrix. */
export function euclideanDistances(matrix: Float32Array, dimension: number, query: ArrayLike<number>): Float64Array {
  const rows = dimension === 0 ? 0 : matrix.length / dimension;
  const q = query instanceof Float32Array ? query : Float32Array.from(query);
  const out = new Float64Array(rows);
  for (let row = 0; row < rows; row++) out[row] = euclideanDistance(matrix, row * dimension, q);
  return out;
}

/** ‖q − m‖ for the row starting at `offset`, summed in four lanes. */
export function euclideanDistance(matrix: Float32Array, offset: number, q: Float32Array): number {
  const dimension = q.length;
  const whole = dimension - (dimension % 4);
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let j = 0; j < whole; j += 4) {
    const x0 = matrix[offset + j]! - q[j]!;
    const x1 = matrix[offset + j + 1]! - q[j + 1]!;
    const x2 = matrix[offset + j + 2]! - q[j + 2]!;
    const x3 = matrix[offset + j + 3]! - q[j + 3]!;
    a += x0 * x0;
    b += x1 * x1;
    c += x2 * x2;
    d += x3 * x3;
  }
  for (let j = whole; j < dimension; j++) {
    const x = matrix[offset + j]! - q[j]!;
    a += x * x;
  }
  return Math.sqrt(a + b + c + d);
}

/** 1 − cos(q, e_row); NaN when the row has no emotion. `queryNorm` is ‖q‖, computed if not given. */
export function emotionDistance(emotions: Float32Array, row: number, query: readonly number[], queryNorm = Math.hypot(...query)): number {
  const width = EMOTIONS.length;
  let dot = 0;
  let norm = 0;
  for (let j = 0; j < width; j++) {
    const e = emotions[row * width + j]!;
    dot += e * query[j]!;
    norm += e * e;
  }
  return 1 - dot / (Math.sqrt(norm) * queryNorm);
}

/** 1 − cos(q, e_i) for every 8-score row; NaN where a row is missing (NaN). */
export function emotionDistances(emotions: Float32Array, query: readonly number[]): Float64Array {
  const out = new Float64Array(emotions.length / EMOTIONS.length);
  const queryNorm = Math.hypot(...query);
  for (let row = 0; row < out.length; row++) out[row] = emotionDistance(emotions, row, query, queryNorm);
  return out;
}
