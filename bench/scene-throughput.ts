// Scene-run throughput against a fake server of known capacity (32 slots × 50 ms per reply = 640 replies/s):
// 200 episodes × 10 turns with 32 concurrent slots, beside the ceiling a bare `fetch` pool of 32 reaches
// against the same server in the same process run (measured before and after the engine), the model layer
// alone (the AI SDK provider and Dramatis's middleware, replaying one real engine request), and a sequential loop.
// The server runs in a child process; on a 2-core machine it still shares the cores with the engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LanguageModelV3CallOptions, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { createLanguageModel, createModelRuntime } from '../src/llm/index.ts';
import { activeEpisodesFor, createSceneRun, executeSceneRun } from '../src/run/scene-run.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { benchScene, fixed, startFakeLlmProcess, timeAgainst } from './scene-fixtures.ts';

const SLOTS = 32;
const LATENCY_MS = 50;
const CAPACITY = SLOTS / (LATENCY_MS / 1000);
const EPISODES = 200;
const TURNS = 10;
const BARE_REQUESTS = 2000;
const SEQUENTIAL_EPISODES = 10;

interface Measured {
  turns: number;
  seconds: number;
  /** Engine-process CPU per turn (ms). */
  cpuMs: number;
  /** Server-process CPU per request (ms). */
  serverCpuMs: number;
  maxConcurrency: number;
}

const fake = await startFakeLlmProcess({ latencyMs: LATENCY_MS, capacity: SLOTS });
const dir = mkdtempSync(join(tmpdir(), 'dramatis-bench-'));
const store = openSqliteStore(join(dir, 'dramatis.db'));
const scene = await benchScene(TURNS);
const endpoint = `${fake.url}/chat/completions`;

/** Times `work`, which makes `expected` chat requests, with the CPU of both processes. */
async function measure(expected: number, work: () => Promise<void>): Promise<Measured> {
  const timed = await timeAgainst(fake, work);
  if (timed.requests !== expected) throw new Error(`expected ${expected} model calls, the server saw ${timed.requests}`);
  return {
    turns: timed.requests, seconds: timed.seconds, cpuMs: timed.engineCpuUs / 1000 / expected, serverCpuMs: timed.serverCpuUs / 1000 / expected,
    maxConcurrency: timed.maxConcurrency,
  };
}

async function engine(episodes: number, concurrency: number, activeEpisodes?: number): Promise<Measured> {
  const run = await createSceneRun({
    store, scene, source: 'bench', episodes, seed: episodes * 1000 + concurrency, models: ['openai-compatible:fake'], env: {},
    settings: { baseURL: fake.url, cache: false },
  });
  return measure(episodes * TURNS, async () => {
    const result = await executeSceneRun({ store, run, scene, env: {}, runtime: createModelRuntime({ concurrency }), concurrency, activeEpisodes });
    if (result.counts.done !== episodes) throw new Error(`${result.counts.failed} of ${episodes} episodes failed`);
  });
}

/** `concurrency` loops that POST `body` and read the whole SSE reply, `requests` in all. */
async function barePool(body: string, requests: number, concurrency: number): Promise<Measured> {
  return measure(requests, async () => {
    let issued = 0;
    const loop = async () => {
      while (issued < requests) {
        issued++;
        const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await response.text();
        if (!response.ok || !text.endsWith('data: [DONE]\n\n')) throw new Error(`bare request failed: ${response.status} ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
  });
}

/** The model layer alone: `createLanguageModel` (provider, retry, limiter, timeout) streaming `body`'s request. */
async function modelPool(body: string, requests: number, concurrency: number): Promise<Measured> {
  const wire = JSON.parse(body) as { messages: { role: string; content: string }[]; seed?: number; response_format: { json_schema: { schema: unknown } } };
  const prompt = wire.messages.map((m) => (m.role === 'system'
    ? { role: 'system', content: m.content }
    : { role: m.role, content: [{ type: 'text', text: m.content }] })) as LanguageModelV3Prompt;
  const call: LanguageModelV3CallOptions = {
    prompt, seed: wire.seed, responseFormat: { type: 'json', schema: wire.response_format.json_schema.schema as never, name: 'turn' },
  };
  const model = createLanguageModel('openai-compatible:fake', { env: {}, runtime: createModelRuntime({ concurrency }), baseURL: fake.url });
  return measure(requests, async () => {
    let issued = 0;
    const loop = async () => {
      while (issued < requests) {
        issued++;
        const reader = (await model.doStream(call)).stream.getReader();
        let text = '';
        for (let part = await reader.read(); !part.done; part = await reader.read()) if (part.value.type === 'text-delta') text += part.value.delta;
        if (!text.endsWith('}')) throw new Error(`the model layer returned ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
  });
}

const started = performance.now();
// Warm-up: JIT, connection pools, SQLite pages; and one real engine request body to replay.
await engine(4, 4);
const body = await fake.lastChatBody();
if (!body.includes('"stream":true') || !body.includes('json_schema')) throw new Error('the captured engine request is not a streamed json_schema request');
await barePool(body, 16 * SLOTS, SLOTS);
await modelPool(body, 8 * SLOTS, SLOTS);

const bareBefore = await barePool(body, BARE_REQUESTS, SLOTS);
const modelOnly = await modelPool(body, BARE_REQUESTS, SLOTS);
const concurrent = await engine(EPISODES, SLOTS);
const bareAfter = await barePool(body, BARE_REQUESTS, SLOTS);
const sequential = await engine(SEQUENTIAL_EPISODES, 1, 1);
const bareSequential = await barePool(body, SEQUENTIAL_EPISODES * TURNS, 1);

await store.close();
await fake.close();
rmSync(dir, { recursive: true, force: true });

const rate = (m: Measured) => m.turns / m.seconds;
const ceiling = (rate(bareBefore) + rate(bareAfter)) / 2;
const line = (label: string, m: Measured) => console.log(
  `  ${label.padEnd(42)} ${fixed(rate(m), 1, 7)} turns/s  ${fixed(rate(m) / CAPACITY, 3, 5)} of capacity  ` +
  `${fixed((m.seconds * 1000) / m.turns, 2, 6)} ms/turn  engine CPU ${fixed(m.cpuMs, 3, 6)} ms/turn  server CPU ${fixed(m.serverCpuMs, 3)} ms/req  ` +
  `peak in flight ${m.maxConcurrency}`,
);
console.log(`scene throughput (fake server in a child process: ${SLOTS} slots × ${LATENCY_MS} ms = ${CAPACITY} replies/s; ` +
  `${body.length}-byte request body; response cache off; SQLite on disk)`);
line(`bare fetch pool of ${SLOTS}, before (${BARE_REQUESTS})`, bareBefore);
line(`model layer alone, pool of ${SLOTS} (${BARE_REQUESTS})`, modelOnly);
line(`engine, ${EPISODES} ep. × ${TURNS} turns, ${SLOTS} slots, ${activeEpisodesFor(SLOTS)} ep. active`, concurrent);
line(`bare fetch pool of ${SLOTS}, after (${BARE_REQUESTS})`, bareAfter);
line(`engine, ${SEQUENTIAL_EPISODES} episodes one at a time`, sequential);
line(`bare fetch, one at a time (${SEQUENTIAL_EPISODES * TURNS})`, bareSequential);
console.log(`  engine / bare-pool ceiling: ${fixed(rate(concurrent) / ceiling, 3)} (goal ≥ 0.95; ceiling = mean of before and after, ${fixed(ceiling / CAPACITY, 3)} of capacity); ` +
  `model layer alone / ceiling: ${fixed(rate(modelOnly) / ceiling, 3)}`);
console.log(`  sequential engine overhead over a bare request: ${fixed((sequential.seconds / sequential.turns - bareSequential.seconds / bareSequential.turns) * 1000, 2)} ms/turn`);
console.log(`  bench took ${fixed((performance.now() - started) / 1000, 1)} s`);
