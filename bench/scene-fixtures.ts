// Shared by the scene benches: a two-character scene without a narrator, and the fake LLM server run as a
// child process, so its CPU is not charged to the engine's event loop (on a 2-core machine the two still
// share the cores). Run as a script, this file is that child.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveScene } from '../src/scene/scene-file.ts';
import type { Scene } from '../src/scene/scene-schema.ts';
import { autoContent } from '../test/support/fake-llm/auto-reply.ts';
import { startFakeLlm } from '../test/support/fake-llm/server.ts';

const CHILD_FLAG = '--fake-llm-child';

/** Two inline characters, round-robin, no narrator: each episode is exactly `turns` model calls. */
export async function benchScene(turns: number): Promise<Scene> {
  return resolveScene({
    title: 'Bench lighthouse',
    setting: 'The lighthouse on Cape Tuzla, winter 1897. A storm has shut the harbour; a customs officer knocks at the keeper\'s door.',
    cast: [
      {
        character: {
          name: 'Mirela', description: 'The lighthouse keeper, a widow of fifty who has kept the lamp for twenty years. '.repeat(4),
          personality: 'guarded, dry, hospitable out of duty', speakingStyle: 'short sentences, sea words',
        },
        secret: 'She signals the smugglers from the lamp room.', goals: ['Keep the visitor out of the lamp room'],
      },
      {
        character: {
          name: 'Tomas', description: 'A customs officer from Constanța, young, careful, and cold from the cape road. '.repeat(4),
          personality: 'polite, persistent, observant', speakingStyle: 'formal, asks questions',
        },
        secret: 'He is Ilie\'s son and suspects her.', goals: ['Find out who lights the second lamp'],
      },
    ],
    turns: { policy: 'round-robin', max: turns, order: ['Mirela', 'Tomas'], allowRepeat: false },
    models: { default: 'openai-compatible:fake' },
    seed: 7,
  }, { baseDir: process.cwd() });
}

/** Formats a number with a fixed number of decimals, right-aligned to `width`. */
export function fixed(value: number, decimals: number, width = 0): string {
  return value.toFixed(decimals).padStart(width);
}

export interface FakeLlmStats {
  /** Chat-completions requests served since the child started. */
  chatRequests: number;
  /** Most requests in flight at once since the previous `stats()`. */
  maxConcurrency: number;
  /** CPU time of the server process since it started (µs). */
  cpu: NodeJS.CpuUsage;
}

export interface FakeLlmProcess {
  url: string;
  stats(): Promise<FakeLlmStats>;
  /** The raw body of the latest chat request (to replay it from a bare client). */
  lastChatBody(): Promise<string>;
  close(): Promise<void>;
}

type ChildMessage = { type: 'ready'; url: string } | { type: 'stats'; stats: FakeLlmStats } | { type: 'body'; body: string };

export interface FakeLlmProcessOptions {
  latencyMs: number;
  capacity?: number;
  /** Characters per streamed content chunk (the fake's default is 8). */
  chunkSize?: number;
}

export interface TimedWork {
  /** Chat requests the server saw during the work. */
  requests: number;
  seconds: number;
  /** CPU of this process and of the server process during the work (µs). */
  engineCpuUs: number;
  serverCpuUs: number;
  maxConcurrency: number;
}

/** Times `work` against the fake server: wall time, chat requests seen, and the CPU of both processes. */
export async function timeAgainst(fake: FakeLlmProcess, work: () => Promise<void>): Promise<TimedWork> {
  const before = await fake.stats();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const after = await fake.stats();
  return {
    requests: after.chatRequests - before.chatRequests, seconds, engineCpuUs: cpu.user + cpu.system,
    serverCpuUs: after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system, maxConcurrency: after.maxConcurrency,
  };
}

/** Starts the fake OpenAI-compatible server in a child process (its request log is trimmed at each `stats()`). */
export async function startFakeLlmProcess(options: FakeLlmProcessOptions): Promise<FakeLlmProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, JSON.stringify(options)], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ChildMessage['type']>(type: T) => new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<ChildMessage, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`the fake LLM child exited (${code}) before answering '${type}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  const { url } = await next('ready');
  return {
    url,
    stats: async () => {
      const answer = next('stats');
      child.send({ type: 'stats' });
      return (await answer).stats;
    },
    lastChatBody: async () => {
      const answer = next('body');
      child.send({ type: 'body' });
      return (await answer).body;
    },
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

async function serveAsChild(options: FakeLlmProcessOptions): Promise<void> {
  const { chunkSize } = options;
  const fake = await startFakeLlm({
    latencyMs: options.latencyMs, capacity: options.capacity,
    ...(chunkSize ? { handler: (request) => (request.path.endsWith('/chat/completions') ? { text: autoContent(request.body), chunkSize } : undefined) } : {}),
  });
  let counted = 0;
  let lastBody = '';
  const send = (message: ChildMessage) => process.send!(message);
  process.on('message', (message: { type: string }) => {
    const chat = fake.chatRequests();
    if (chat.length > 0) lastBody = chat[chat.length - 1].rawBody;
    if (message.type === 'stats') {
      counted += chat.length;
      const maxConcurrency = fake.maxConcurrency;
      fake.reset();
      send({ type: 'stats', stats: { chatRequests: counted, maxConcurrency, cpu: process.cpuUsage() } });
    } else if (message.type === 'body') {
      send({ type: 'body', body: lastBody });
    }
  });
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  send({ type: 'ready', url: fake.url });
}

if (process.argv[2] === CHILD_FLAG && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await serveAsChild(JSON.parse(process.argv[3]) as FakeLlmProcessOptions);
}
