// Several `dramatis` processes writing one store at once (issue 13 §1). Two scene runs (EPISODES each,
// --concurrency 8) against the fake server in a child process, then a chat, a scene run, a benchmark run and a
// memory import at the same time. Prints the episodes and commands that finished; a store that cannot share
// its file between processes shows `database is locked` failures here.
//   npx tsx bench/two-writers.ts [--episodes 40] [--writers 2]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeLlmProcess } from './scene-fixtures.ts';

const { values } = parseArgs({ options: { episodes: { type: 'string', default: '40' }, writers: { type: 'string', default: '2' } } });
const EPISODES = Number(values.episodes);
const WRITERS = Number(values.writers);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'dramatis.js');
const scene = join(root, 'examples', 'scenes', 'lighthouse.yaml');
const card = join(root, 'examples', 'cards', 'mirela.json');
const benchData = join(root, 'test', 'fixtures', 'bench', 'beyond-one-world', 'characters_canon_events.json');

interface Finished { code: number | null; stdout: string; stderr: string; seconds: number }

/** Runs the real binary in `cwd` (its store is `cwd/.dramatis/dramatis.db`). */
function dramatis(args: string[], cwd: string): Promise<Finished> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += String(chunk); });
  child.stderr.on('data', (chunk) => { stderr += String(chunk); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 })));
}

/** The errors a run printed, counted by message (ids and numbers folded). */
function errorsOf(stderr: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of stderr.split('\n')) {
    const match = /failed: (.*)$/.exec(line) ?? /^error: (.*)$/.exec(line);
    if (!match) continue;
    const message = match[1].replace(/[0-9a-f-]{36}|\d+/g, 'N').slice(0, 120);
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return counts;
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dramatis-two-writers-'));
  mkdirSync(join(dir, '.dramatis'));
  return dir;
}

const fake = await startFakeLlmProcess({ latencyMs: 20 });
const model = ['--model', 'openai-compatible:fake', '--base-url', fake.url];
const dirs: string[] = [];
try {
  // 1. WRITERS scene runs on one store.
  const dir = freshDir();
  dirs.push(dir);
  const runs = await Promise.all(Array.from({ length: WRITERS }, (_, i) => dramatis(
    ['scene', 'run', scene, '--episodes', String(EPISODES), '--concurrency', '8', '--run-id', `w${i}`, '--no-cache', '--json', ...model], dir,
  )));
  let done = 0;
  let failed = 0;
  const errors = new Map<string, number>();
  for (const run of runs) {
    try {
      const summary = JSON.parse(run.stdout) as { episodes: { done: number; failed: number; unfinished: number } };
      done += summary.episodes.done;
      failed += summary.episodes.failed + summary.episodes.unfinished;
    } catch {
      failed += EPISODES;
    }
    for (const [message, n] of errorsOf(run.stderr)) errors.set(message, (errors.get(message) ?? 0) + n);
  }
  const seconds = Math.max(...runs.map((r) => r.seconds));
  console.log(`${WRITERS} scene runs × ${EPISODES} episodes, --concurrency 8, one store: ${done}/${WRITERS * EPISODES} episodes finished, ${failed} failed or unfinished (${seconds.toFixed(1)} s)`);
  for (const [message, n] of errors) console.log(`  ${String(n).padStart(4)} × ${message}`);

  // 2. A chat, a scene run, a benchmark run and a memory import at the same time on one store.
  const mixed = freshDir();
  dirs.push(mixed);
  const memories = join(mixed, 'memories.jsonl');
  writeFileSync(memories, Array.from({ length: 2000 }, (_, i) => JSON.stringify({ text: `Memory number ${i} of the cape road and the lamp.` })).join('\n'));
  const chat = async () => {
    const results: Finished[] = [];
    for (let turn = 0; turn < 10; turn++) results.push(await dramatis(['chat', card, '--session', 'c1', '--message', `Line ${turn}`, '--no-cache', ...model], mixed));
    const bad = results.find((r) => r.code !== 0);
    return bad ?? results[results.length - 1];
  };
  const commands = {
    'chat (10 turns)': chat(),
    'scene run (20 episodes)': dramatis(['scene', 'run', scene, '--episodes', '20', '--concurrency', '8', '--run-id', 'mixed', '--no-cache', '--json', ...model], mixed),
    'bench run (40 items)': dramatis(['bench', 'run', 'beyond-one-world-canon', '--data', benchData, '--limit', '40', '--concurrency', '8', '--run-id', 'b1', '--no-cache', '--json', ...model], mixed),
    'memory import (2,000 lines, batches of 16)': dramatis(['memory', 'import', memories, '--character', 'Mirela', '--batch-size', '16'], mixed),
  };
  const outcomes = await Promise.all(Object.values(commands));
  const names = Object.keys(commands);
  const finished = outcomes.filter((o) => o.code === 0).length;
  console.log(`chat + scene run + bench run + memory import at once, one store: ${finished}/${outcomes.length} finished`);
  outcomes.forEach((outcome, i) => {
    const first = [...errorsOf(outcome.stderr).keys()][0];
    console.log(`  ${names[i].padEnd(44)} exit ${outcome.code}${first ? `  ${first}` : ''}`);
  });
} finally {
  await fake.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
