// Memory recall among 100,000 memories of 384 dimensions (one character): the latency of a top-10 recall,
// p50 and p99 over QUERIES queries, for the semantic strategy and Emotional RAG's combined ones; and what memory
// costs per 1,000 memories, on disk (SQLite file + WAL) and in RAM (the vectors recall keeps loaded).
// Data: seeded clusters (1,000 centres + noise, normalised), emotions 1–10; queries drawn the same way.
import { mkdtempSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rankMemories, type Strategy } from '../src/memory/index.ts';
import { allDistances, nearestIndex } from '../src/memory/nearest-index.ts';
import { recall } from '../src/memory/recall.ts';
import { openSqliteStore } from '../src/store/index.ts';

const COUNT = Number(process.env.MEMORIES ?? 100_000);
const DIM = 384;
const QUERIES = 200;
const CENTRES = 1000;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(42);
const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
const centres = Array.from({ length: CENTRES }, () => Array.from({ length: DIM }, gaussian));
function point(): number[] {
  const centre = centres[Math.floor(random() * CENTRES)]!;
  const v = centre.map((x) => x + 0.6 * gaussian());
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
const emotion = () => Array.from({ length: 8 }, () => 1 + Math.floor(random() * 10));

const dir = mkdtempSync(join(tmpdir(), 'dramatis-memory-bench-'));
const path = join(dir, 'memories.db');
const store = openSqliteStore(path);
const diskBytes = () => ['', '-wal', '-shm'].reduce((sum, suffix) => sum + (existsSync(path + suffix) ? statSync(path + suffix).size : 0), 0);

const checkpoints = new Map<number, number>();
const started = performance.now();
for (let done = 0; done < COUNT; done += 1000) {
  await store.memories.add(Array.from({ length: Math.min(1000, COUNT - done) }, (_, i) => ({
    character: 'Ana', text: `Memory ${done + i}: something that happened by the river on a grey morning.`, embedding: point(), emotion: emotion(), embeddingModel: 'bench',
  })));
  if ([1000, 10_000, 100_000].includes(done + 1000)) checkpoints.set(done + 1000, diskBytes());
}
const insertSeconds = (performance.now() - started) / 1000;

global.gc?.();
const heapBefore = process.memoryUsage();
const loadStarted = performance.now();
const vectors = await store.memories.vectors('Ana');
const loadMs = performance.now() - loadStarted;
global.gc?.();
const heapAfter = process.memoryUsage();
const ramBytes = (heapAfter.arrayBuffers - heapBefore.arrayBuffers) + (heapAfter.heapUsed - heapBefore.heapUsed);

const queries = Array.from({ length: QUERIES }, () => ({ embedding: point(), emotion: emotion() }));
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

console.log(`memory-recall: ${COUNT.toLocaleString('en')} memories × ${DIM} dimensions, one character; ${QUERIES} queries; Node ${process.version}`);
const buildStarted = performance.now();
const index = nearestIndex(vectors, { threshold: 0 });
const native = allDistances(vectors, { threshold: 0 });
const buildMs = performance.now() - buildStarted;
const float32 = queries.map((query) => Float32Array.from(query.embedding));
for (const strategy of ['semantic', 'c-a', 'c-m', 'semantic-first', 'emotion-first'] as Exclude<Strategy, 'lexical'>[]) {
  for (const indexed of [false, true]) {
    if (indexed && (strategy === 'emotion-first' || !index || !native)) continue;
    const times: number[] = [];
    let found = 0;
    let total = 0;
    const usesAll = strategy === 'c-a' || strategy === 'c-m';
    const rank = (i: number) => rankMemories(vectors, queries[i]!, strategy, {
      k: 10, ...(indexed ? (usesAll ? { distances: () => native!(float32[i]!) } : { nearest: (n: number) => index!(float32[i]!, n) }) : {}),
    });
    for (let i = 0; i < 10; i++) rank(i);
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now();
      const result = rank(i);
      times.push(performance.now() - t0);
      if (indexed) {
        const exact = new Set(rankMemories(vectors, queries[i]!, strategy, { k: 10 }).map((m) => m.id));
        found += result.filter((m) => exact.has(m.id)).length;
        total += exact.size;
      }
    }
    const via = strategy === 'c-a' || strategy === 'c-m' ? 'native float32 distances' : 'int8 index';
    const how = indexed ? `${via}, recall@10 ${(found / total).toFixed(3)} against exact` : 'exact scan';
    console.log(`  rank ${strategy.padEnd(15)} p50 ${percentile(times, 0.5).toFixed(1)} ms, p99 ${percentile(times, 0.99).toFixed(1)} ms (${how})`);
  }
}
if (index) console.log(`  int8 index built in ${buildMs.toFixed(0)} ms (usearch exact SIMD scan over quantised vectors, float32 re-rank)`);
// The whole recall as a turn pays it: vectors (and the index) cached in process, the ten memories read from the store.
for (const strategy of ['semantic', 'c-a'] as const) {
  const recallTimes: number[] = [];
  for (const query of queries) {
    const t0 = performance.now();
    await recall({ store: store.memories, character: 'Ana', query: { text: 'river', embedding: query.embedding, emotion: query.emotion }, strategy });
    recallTimes.push(performance.now() - t0);
  }
  console.log(`  recall() ${strategy}, end to end: p50 ${percentile(recallTimes, 0.5).toFixed(1)} ms, p99 ${percentile(recallTimes, 0.99).toFixed(1)} ms`);
}
console.log(`  insert: ${(COUNT / insertSeconds).toFixed(0)} memories/s; loading the vectors of all: ${loadMs.toFixed(0)} ms`);
for (const [count, bytes] of checkpoints) console.log(`  disk at ${count.toLocaleString('en')}: ${(bytes / 1e6).toFixed(1)} MB (${(bytes / count * 1000 / 1e6).toFixed(2)} MB per 1,000)`);
console.log(`  RAM for loaded vectors: ${(ramBytes / 1e6).toFixed(0)} MB (${(ramBytes / COUNT * 1000 / 1e6).toFixed(2)} MB per 1,000)`);
await store.close();
