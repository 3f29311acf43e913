import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { repoRoot } from './cli.ts';

const bin = join(repoRoot, 'bin', 'dramatis.js');

export type DramatisProcess = ChildProcessWithoutNullStreams & {
  out: () => string;
  err: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * Starts the real `dramatis` binary; returns a starter for the test file. A failed assertion must not leave a child
 * running: every child still alive after a test is killed.
 */
export function dramatisProcesses(): (args: string[], cwd: string) => DramatisProcess {
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return (args, cwd) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '' } });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += String(c); });
    child.stderr.on('data', (c) => { err += String(c); });
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    return Object.assign(child, { out: () => out, err: () => err, done });
  };
}

/** Waits until `condition` holds, polling every 20 ms; fails after `ms` naming `what`. */
export async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
