// Engine CPU per turn and resident memory over a 2,000-episode scene run (4 turns each, 16 at a time) against
// the fake server with no latency, run in a child process so that its CPU is not counted. Memory must stay
// flat: events stream to the store, nothing per episode should outlive it. Run with --expose-gc (the bench
// script does) to sample the heap after a full collection.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createModelRuntime } from '../src/llm/index.ts';
import type { RunProgress } from '../src/run/local-runner.ts';
import { createSceneRun, executeSceneRun } from '../src/run/scene-run.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { benchScene, fixed, startFakeLlmProcess } from './scene-fixtures.ts';

const EPISODES = Number(process.env.EPISODES ?? 2000);
const TURNS = 4;
const CONCURRENCY = 16;
const WARM_UP_EPISODES = 64;
const SAMPLE_EVERY = 100;

interface Sample {
  episodes: number;
  rss: number;
  heapUsed: number;
  /** Heap V8 holds from the system (most of RSS beyond the live heap). */
  heapTotal: number;
  external: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const MB = 1024 * 1024;

const fake = await startFakeLlmProcess({ latencyMs: 0 });
const dir = mkdtempSync(join(tmpdir(), 'dramatis-bench-'));
const dbPath = join(dir, 'dramatis.db');
const store = openSqliteStore(dbPath);
const scene = await benchScene(TURNS);
let gcCpu = 0;

/** Memory now; after a full collection when gc is exposed (its CPU is kept apart from the engine's). */
function sample(episodes: number): Sample {
  if (gc) {
    const before = process.cpuUsage();
    gc();
    const spent = process.cpuUsage(before);
    gcCpu += spent.user + spent.system;
  }
  const usage = process.memoryUsage();
  return { episodes, rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external };
}

async function run(episodes: number, onProgress?: (progress: RunProgress) => void) {
  const created = await createSceneRun({
    store, scene, source: 'bench', episodes, seed: episodes, models: ['openai-compatible:fake'], env: {},
    settings: { baseURL: fake.url, cache: false },
  });
  const result = await executeSceneRun({
    store, run: created, scene, env: {}, runtime: createModelRuntime({ concurrency: CONCURRENCY }), concurrency: CONCURRENCY, onProgress,
  });
  if (result.counts.done !== episodes) throw new Error(`${result.counts.failed} of ${episodes} episodes failed`);
}

const started = performance.now();
await run(WARM_UP_EPISODES);
const samples: Sample[] = [sample(0)];
const before = await fake.stats();
gcCpu = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(EPISODES, (progress) => {
  const finished = progress.done + progress.failed;
  if (finished > samples.at(-1)!.episodes && finished % SAMPLE_EVERY === 0) samples.push(sample(finished));
});
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const after = await fake.stats();
const turns = after.chatRequests - before.chatRequests;
if (turns !== EPISODES * TURNS) throw new Error(`expected ${EPISODES * TURNS} model calls, the server saw ${turns}`);
const serverCpu = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
await store.close();
const storeBytes = ['', '-wal'].reduce((sum, suffix) => {
  try {
    return sum + statSync(dbPath + suffix).size;
  } catch {
    return sum;
  }
}, 0);
await fake.close();
rmSync(dir, { recursive: true, force: true });

/** Least-squares slope of `value` against episodes, in MB per 1000 episodes, over the samples from `from` (a share) on. */
function slope(value: (s: Sample) => number, from: number): number {
  const points = samples.filter((s) => s.episodes >= EPISODES * from);
  const meanX = points.reduce((sum, s) => sum + s.episodes, 0) / points.length;
  const meanY = points.reduce((sum, s) => sum + value(s), 0) / points.length;
  const num = points.reduce((sum, s) => sum + (s.episodes - meanX) * (value(s) - meanY), 0);
  const den = points.reduce((sum, s) => sum + (s.episodes - meanX) ** 2, 0);
  return ((num / den) * 1000) / MB;
}
const at = (share: number) => samples.find((s) => s.episodes >= EPISODES * share) ?? samples.at(-1)!;
const mb = (bytes: number) => fixed(bytes / MB, 1, 6);
const engineCpu = cpu.user + cpu.system - gcCpu;

console.log(`scene memory (${EPISODES} episodes × ${TURNS} turns, ${CONCURRENCY} at a time; fake server in a child process, 0 ms latency; ` +
  `SQLite on disk; heap ${gc ? 'after a forced full GC' : 'without forced GC (run with --expose-gc for cleaner figures)'})`);
console.log(`  ${'episodes'.padStart(8)} ${'RSS MB'.padStart(6)} ${'heap used MB'.padStart(12)} ${'heap held MB'.padStart(12)} ${'external MB'.padStart(11)}`);
for (const share of [0, 0.1, 0.5, 1]) {
  const s = share === 0 ? samples[0] : at(share);
  console.log(`  ${String(s.episodes).padStart(8)} ${mb(s.rss)} ${mb(s.heapUsed).padStart(12)} ${mb(s.heapTotal).padStart(12)} ${mb(s.external).padStart(11)}`);
}
const steady = samples.filter((s) => s.episodes >= EPISODES / 10);
console.log(`  from 10% to 100%: RSS between ${mb(Math.min(...steady.map((s) => s.rss))).trim()} and ${mb(Math.max(...steady.map((s) => s.rss))).trim()} MB, ` +
  `heap used between ${mb(Math.min(...steady.map((s) => s.heapUsed))).trim()} and ${mb(Math.max(...steady.map((s) => s.heapUsed))).trim()} MB (${steady.length} samples)`);
for (const from of [0.1, 0.5]) {
  console.log(`  slope from ${from * 100}% to 100%: RSS ${fixed(slope((s) => s.rss, from), 2)} MB, heap used ${fixed(slope((s) => s.heapUsed, from), 2)} MB per 1000 episodes`);
}
console.log(`  engine CPU ${fixed(engineCpu / 1000 / turns, 3)} ms/turn (user+system of this process over ${turns} turns, forced GCs excluded); ` +
  `server CPU ${fixed(serverCpu / 1000 / turns, 3)} ms/request`);
console.log(`  ${fixed(turns / seconds, 0)} turns/s over ${fixed(seconds, 1)} s; store on disk ${fixed(storeBytes / MB, 1)} MB (${fixed(storeBytes / turns / 1024, 2)} KB/turn)`);
console.log(`  bench took ${fixed((performance.now() - started) / 1000, 1)} s`);
