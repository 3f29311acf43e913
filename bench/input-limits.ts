// Hostile scene files: 5 MB and 8 MB of nested flow sequences (`setting: [[[[…]]]]`), which used to take 26 s and
// 2.8 GB (5 MB) or a minute and 4.4 GB before Node crashed (8 MB). Each file is validated by the real binary in a
// child process, with the default limits (refused by size) and with DRAMATIS_MAX_FILE_MB=16 (read, then refused
// by its nesting). Peak memory is the child's VmHWM from /proc (Linux), polled every 20 ms.
// DRAMATIS_BIN=path/to/bin/dramatis.js measures another checkout (an older one ignores DRAMATIS_MAX_FILE_MB).
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const bin = process.env.DRAMATIS_BIN ?? resolve(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'dramatis.js');
const KILL_AFTER_MS = Number(process.env.KILL_AFTER_MS ?? 120_000);
const dir = mkdtempSync(join(tmpdir(), 'dramatis-bench-input-'));

function nestedScene(bytes: number): string {
  const head = 'title: T\ncast:\n  - character: { name: Ann }\n  - character: { name: Bob }\nsetting: ';
  const depth = Math.floor((bytes - head.length - 1) / 2);
  return `${head}${'['.repeat(depth)}${']'.repeat(depth)}\n`;
}

function peakRss(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

async function validate(file: string, env: Record<string, string>): Promise<{ seconds: number; peak?: number; outcome: string }> {
  const start = performance.now();
  const child = spawn(process.execPath, [bin, 'scene', 'validate', file], { env: { PATH: process.env.PATH ?? '', ...env } });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += String(chunk); });
  let peak: number | undefined;
  const poll = setInterval(() => { peak = Math.max(peak ?? 0, peakRss(child.pid!) ?? 0) || peak; }, 20);
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (c, s) => done({ code: c, signal: s })));
  clearInterval(poll);
  clearTimeout(killer);
  const seconds = (performance.now() - start) / 1000;
  const crashed = /FATAL ERROR|heap out of memory/.test(stderr);
  const firstLine = stderr.split('\n').find((line) => line.startsWith('error:'))?.replace(dir, '…').slice(0, 110);
  const outcome = signal === 'SIGABRT' ? 'crashed (SIGABRT: JavaScript heap out of memory)' : signal ? `killed (${signal})` : crashed ? 'crashed: JavaScript heap out of memory' : `exit ${code}: ${firstLine ?? stderr.trim().slice(0, 110)}`;
  return { seconds, peak, outcome };
}

const mb = (bytes?: number) => (bytes === undefined ? '?' : `${(bytes / 1024 / 1024).toFixed(0)} MB`);
console.log(`scene validate on nested flow sequences (${bin})`);
const small = join(dir, 'small.yaml');
writeFileSync(small, 'title: T\ncast:\n  - character: { name: Ann }\n  - character: { name: Bob }\n');
const baseline = await validate(small, {});
console.log(`  a valid 80-byte scene (start-up) ${baseline.seconds.toFixed(2).padStart(6)} s, peak RSS ${mb(baseline.peak).padStart(7)}  ${baseline.outcome}`);
for (const size of [5_000_000, 8_000_000]) {
  const file = join(dir, `nested-${size / 1_000_000}mb.yaml`);
  writeFileSync(file, nestedScene(size));
  for (const [label, env] of [['default limits', {}], ['DRAMATIS_MAX_FILE_MB=16', { DRAMATIS_MAX_FILE_MB: '16' }]] as const) {
    const result = await validate(file, env);
    console.log(`  ${size / 1_000_000} MB, ${label.padEnd(24)} ${result.seconds.toFixed(2).padStart(6)} s, peak RSS ${mb(result.peak).padStart(7)}  ${result.outcome}`);
  }
}
rmSync(dir, { recursive: true, force: true });
