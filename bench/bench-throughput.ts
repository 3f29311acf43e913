// Benchmark-run throughput against a fake server of known capacity (32 slots × 50 ms per reply = 640 replies/s):
// a 2,000-item multiple-choice run (ToMATO-shaped items, one model, 32 items in flight) beside the ceiling a bare
// `fetch` pool of 32 reaches against the same server in the same process run (before and after the engine), and
// engine CPU per item. Then the same benchmark run again: network calls made (all answers from the cache) and wall time.
// The server runs in a child process; on a 2-core machine it still shares the cores with the engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { tomatoBenchmark } from '../src/eval/benchmarks/tomato.ts';
import { BenchmarkDefinition } from '../src/eval/definition.ts';
import type { BenchItem } from '../src/eval/item.ts';
import { createModelRuntime } from '../src/llm/index.ts';
import { createBenchRun, executeBenchRun, summarizeBenchRun } from '../src/run/bench-run.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { fixed, startFakeLlmProcess, timeAgainst } from './scene-fixtures.ts';

const SLOTS = 32;
const LATENCY_MS = 50;
const CAPACITY = SLOTS / (LATENCY_MS / 1000);
const ITEMS = 2000;

interface Measured { requests: number; seconds: number; cpuMs: number }

const fake = await startFakeLlmProcess({ latencyMs: LATENCY_MS, capacity: SLOTS });
const dir = mkdtempSync(join(tmpdir(), 'dramatis-bench-'));
const store = openSqliteStore(join(dir, 'dramatis.db'));
const definition = BenchmarkDefinition.parse(tomatoBenchmark);
const benchmark = { definition, dataPath: 'synthetic', origin: 'built-in' };
const endpoint = `${fake.url}/chat/completions`;

/** ToMATO-shaped items: a 14-line conversation, a question, four options. */
function items(count: number, salt: string): BenchItem[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${salt}-${i}`,
    record: i + 1,
    vars: {
      conversation: Array.from({ length: 14 }, (_, t) => `${t % 2 ? 'Liam' : 'Ethan'}: "Line ${t} of conversation ${i}, about the restaurant and the bills."`).join('\n'),
      q: `When Ethan says line ${i % 14}, how does he think that Liam feels? (${salt} ${i})`,
    },
    options: ['He thinks that he feels concerned', 'He thinks that he feels empathetic', 'He thinks that he feels optimistic', 'He thinks that he feels relieved'],
    answer: i % 4,
    categories: { mental_state: ['belief', 'desire', 'emotion', 'intention', 'knowledge'][i % 5], order: 1 + (i % 2), false_belief: i % 3 === 0 },
  }));
}

/** Times `work` over `items` items; `expected` (when given) is the number of chat requests it must make. */
async function measure(items: number, expected: number | undefined, work: () => Promise<void>): Promise<Measured> {
  const timed = await timeAgainst(fake, work);
  if (expected !== undefined && timed.requests !== expected) throw new Error(`expected ${expected} model calls, the server saw ${timed.requests}`);
  return { requests: timed.requests, seconds: timed.seconds, cpuMs: timed.engineCpuUs / 1000 / items };
}

async function engine(list: BenchItem[], cache: boolean, expected?: number): Promise<Measured> {
  const run = await createBenchRun({ store, benchmark, items: list, models: ['openai-compatible:fake'], env: {}, settings: { baseURL: fake.url, cache } });
  return measure(list.length, expected, async () => {
    const result = await executeBenchRun({ store, run, env: {}, runtime: createModelRuntime({ concurrency: SLOTS }), concurrency: SLOTS });
    if (result.counts.done !== list.length) throw new Error(`${result.counts.failed} of ${list.length} items failed`);
  });
}

/** `SLOTS` loops that POST `body` and read the whole reply (SSE or JSON, as the engine asks), `requests` in all. */
async function barePool(body: string, requests: number): Promise<Measured> {
  return measure(requests, requests, async () => {
    let issued = 0;
    const loop = async () => {
      while (issued < requests) {
        issued++;
        const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await response.text();
        if (!response.ok || !(streamed ? text.endsWith('data: [DONE]\n\n') : text.includes('"choices"'))) throw new Error(`bare request failed: ${response.status} ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: SLOTS }, loop));
  });
}

const started = performance.now();
// Warm-up: JIT, connection pools, SQLite pages; and one real engine request body to replay.
await engine(items(4 * SLOTS, 'warm'), false, 4 * SLOTS);
const body = await fake.lastChatBody();
const streamed = body.includes('"stream":true');
await barePool(body, 8 * SLOTS);

const list = items(ITEMS, 'run');
const bareBefore = await barePool(body, ITEMS);
const first = await engine(list, true, ITEMS);
const bareAfter = await barePool(body, ITEMS);
const again = await engine(list, true);
const lastRun = (await store.listRuns({ kind: 'bench' })).at(-1)!;
const summarized = performance.now();
const summary = await summarizeBenchRun(store, lastRun, {});
const summaryMs = performance.now() - summarized;

await store.close();
await fake.close();
rmSync(dir, { recursive: true, force: true });

const rate = (m: Measured) => (m.requests || ITEMS) / m.seconds;
const ceiling = (rate(bareBefore) + rate(bareAfter)) / 2;
const line = (label: string, m: Measured) => console.log(
  `  ${label.padEnd(44)} ${fixed(ITEMS / m.seconds, 1, 7)} items/s  ${fixed(ITEMS / m.seconds / CAPACITY, 3, 5)} of capacity  engine CPU ${fixed(m.cpuMs, 3, 6)} ms/item`,
);
console.log(`benchmark-run throughput (fake server in a child process: ${SLOTS} slots × ${LATENCY_MS} ms = ${CAPACITY} replies/s; ` +
  `${body.length}-byte ${streamed ? 'streamed' : 'JSON'} request; SQLite on disk)`);
line(`bare fetch pool of ${SLOTS}, before (${ITEMS})`, bareBefore);
line(`engine, ${ITEMS} items, ${SLOTS} in flight`, first);
line(`bare fetch pool of ${SLOTS}, after (${ITEMS})`, bareAfter);
console.log(`  engine / bare-pool ceiling: ${fixed(rate(first) / ceiling, 3)} (goal ≥ 0.95; ceiling = mean of before and after, ${fixed(ceiling / CAPACITY, 3)} of capacity)`);
console.log(`  re-run of the finished benchmark: ${again.requests} network calls (goal 0), ${fixed(again.seconds, 2)} s wall ` +
  `(${fixed((again.seconds * 1000) / ITEMS, 3)} ms/item, engine CPU ${fixed(again.cpuMs, 3)} ms/item), ${summary.models[0].usage.cachedCalls} answers from the cache`);
console.log(`  summary of ${ITEMS} items with bootstrap intervals and ${summary.models[0].breakdowns.length} breakdowns: ${fixed(summaryMs, 0)} ms`);
console.log(`  bench took ${fixed((performance.now() - started) / 1000, 1)} s`);
