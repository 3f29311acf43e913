// Issue 13 §4: a 5-episode × 20-turn scene run (two characters and a narrator) against the fake server injecting
// 429:0.3,500:0.1,trunc:0.05,badjson:0.1, without turn retries (as before) and with the default 3. Prints the
// episodes done and failed in one pass, turn retries, call-level retries and the faults the server injected.
// FAULT_SEEDS=1,2,3 picks the fault seeds (one run each).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createModelRuntime } from '../src/llm/index.ts';
import { createSceneRun, executeSceneRun, sceneRunRetries } from '../src/run/scene-run.ts';
import { resolveScene } from '../src/scene/scene-file.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { startFakeLlm, type FakeFaultRates } from '../test/support/fake-llm/index.ts';
import { fixed } from './scene-fixtures.ts';

const EPISODES = 5;
const TURNS = 20;
const CONCURRENCY = 4;
const RATES: FakeFaultRates = { rateLimit: 0.3, serverError: 0.1, truncate: 0.05, invalidJson: 0.1 };
const seeds = (process.env.FAULT_SEEDS ?? '1,2,3').split(',').map(Number);

const scene = await resolveScene({
  title: 'The storm',
  setting: 'A lighthouse in a winter storm.',
  cast: [
    { character: { name: 'Ana', description: 'The keeper.' }, secret: 'She signals the smugglers.' },
    { character: { name: 'Ben', description: 'A customs officer.' }, secret: 'He suspects her.' },
  ],
  narrator: { enabled: true, style: 'terse' },
  turns: { policy: 'round-robin', max: TURNS },
  models: { default: 'openai-compatible:fake' },
  seed: 7,
}, { baseDir: process.cwd() });

interface Outcome { done: number; failed: number; turnRetries: number; callRetries: number; calls: number; seconds: number; faults: string }

async function once(seed: number, turnRetries: number): Promise<Outcome> {
  const fake = await startFakeLlm({ faults: { ...RATES, seed } });
  const dir = mkdtempSync(join(tmpdir(), 'dramatis-bench-'));
  const store = openSqliteStore(join(dir, 'dramatis.db'));
  try {
    const run = await createSceneRun({
      store, scene, source: 'bench', episodes: EPISODES, models: ['openai-compatible:fake'], env: {},
      settings: { baseURL: fake.url, turnRetries },
    });
    let callRetries = 0;
    const started = performance.now();
    const result = await executeSceneRun({
      store, run, scene, env: {}, concurrency: CONCURRENCY, runtime: createModelRuntime({ concurrency: CONCURRENCY }),
      onModelRetry: () => void callRetries++,
    });
    const seconds = (performance.now() - started) / 1000;
    const { rateLimit, serverError, truncate, invalidJson } = fake.faultCounts;
    return {
      done: result.counts.done, failed: result.counts.failed, turnRetries: (await sceneRunRetries(store, run.id)).total, callRetries,
      calls: fake.chatRequests().length, seconds, faults: `429 ×${rateLimit}, 500 ×${serverError}, trunc ×${truncate}, badjson ×${invalidJson}`,
    };
  } finally {
    await store.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`fault run: ${EPISODES} episodes × ${TURNS} turns (2 characters, a narrator), concurrency ${CONCURRENCY}, faults 429:0.3,500:0.1,trunc:0.05,badjson:0.1`);
console.log('seed  turn retries allowed  done  failed  turn retries  call retries  requests  seconds  server faults');
for (const seed of seeds) {
  for (const allowed of [0, 3]) {
    const o = await once(seed, allowed);
    console.log(`${String(seed).padStart(4)}  ${String(allowed).padStart(20)}  ${String(o.done).padStart(4)}  ${String(o.failed).padStart(6)}  ${String(o.turnRetries).padStart(12)}  ${String(o.callRetries).padStart(12)}  ${String(o.calls).padStart(8)}  ${fixed(o.seconds, 1, 7)}  ${o.faults}`);
  }
}
