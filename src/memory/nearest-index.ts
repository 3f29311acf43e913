import { createRequire } from 'node:module';
import type { MemoryVectors } from '../store/index.ts';

/** Below this many memories an exact scan in JavaScript is fast enough (~5 ms at 10,000 × 384). */
export const INDEX_THRESHOLD = 10_000;

type Usearch = typeof import('usearch');
let usearch: Usearch | null | undefined;

/** usearch, an optional dependency; null where it is not installed or has no binary for this platform. */
function loadUsearch(): Usearch | null {
  if (usearch === undefined) {
    try {
      usearch = createRequire(import.meta.url)('usearch') as Usearch;
    } catch {
      usearch = null;
    }
  }
  return usearch;
}

/**
 * The nearest memories by embedding among many, for `rankMemories`' `nearest` option: usearch's SIMD exact
 * scan over int8-quantised embeddings (a quarter of the bytes of float32; inner product, as the embeddings are normalised) picks candidates, which the strategies
 * then measure exactly in float32. Undefined below {@link INDEX_THRESHOLD} memories or without usearch: the
 * caller scans everything exactly.
 */
export function nearestIndex(vectors: MemoryVectors, options: { threshold?: number } = {}): ((query: Float32Array, n: number) => number[]) | undefined {
  const count = vectors.ids.length;
  if (count < (options.threshold ?? INDEX_THRESHOLD)) return undefined;
  const native = loadUsearch();
  if (!native) return undefined;
  const dimension = vectors.dimension;
  // One scale for all rows, from the largest component, so the 255 steps are spent where the values are.
  let largest = 0;
  for (const value of vectors.matrix) largest = Math.max(largest, Math.abs(value));
  const scale = 127 / (largest || 1);
  const quantised = quantise(vectors.matrix, scale);
  return (query, n) => {
    const matches = native.exactSearch(quantised, quantise(query, scale), dimension, Math.min(n, count), 'ip' as never, 1);
    return Array.from(matches.keys as BigUint64Array, (key) => Number(key));
  };
}

function quantise(values: Float32Array, scale: number): Int8Array {
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(-127, Math.min(127, Math.round(values[i]! * scale)));
  return out;
}

/**
 * Every memory's d_sem at once, natively, for the strategies that need all of them (`c-a`, `c-m`): usearch's
 * exact SIMD inner product in float32, turned into the Euclidean distance of unit vectors, √(2 − 2·q·m). It
 * agrees with the formula to about 1e-7 and takes a third of the JavaScript scan's time at 100,000 × 384.
 * Undefined below {@link INDEX_THRESHOLD} memories or without usearch.
 */
export function allDistances(vectors: MemoryVectors, options: { threshold?: number } = {}): ((query: Float32Array) => Float64Array) | undefined {
  if (vectors.ids.length < (options.threshold ?? INDEX_THRESHOLD)) return undefined;
  const native = loadUsearch();
  if (!native) return undefined;
  return (query) => {
    // The query as the one-row dataset and every memory as a query: one distance per memory, in memory order.
    // (exactSearch ignores a typed array's offset, so the query must be an array of its own.)
    const own = query.byteOffset === 0 && query.length * 4 === query.buffer.byteLength ? query : query.slice();
    const { distances } = native.exactSearch(own, vectors.matrix, vectors.dimension, 1, 'ip' as never, 1) as { distances: Float32Array };
    return Float64Array.from(distances, (distance) => Math.sqrt(Math.max(0, 2 * distance)));
  };
}
