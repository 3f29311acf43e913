import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { privateDataHome, repoRoot } from './cli.ts';

export { until } from './until.ts';

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
    // XDG_DATA_HOME: a run in a folder without .dramatis/ uses a private per-user store, never the real one.
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: privateDataHome() } });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += String(c); });
    child.stderr.on('data', (c) => { err += String(c); });
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    return Object.assign(child, { out: () => out, err: () => err, done });
  };
}

/** The user file permissions apply to: this one, or `nobody` when the tests run as root (root ignores chmod). */
export const unprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/**
 * Runs the real binary to completion as a user that file permissions apply to (see {@link unprivileged}); the
 * folders it must reach are made searchable by that user.
 */
export function runUnprivileged(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dataHome = privateDataHome();
  for (const dir of [cwd, dataHome]) chmodSync(dir, 0o777);
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: dataHome, ...env }, ...unprivileged });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => { stdout += String(c); });
  child.stderr.on('data', (c) => { stderr += String(c); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
