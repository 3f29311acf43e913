import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Real-world data shipped beside the repository (never copied into it). */
export const sharedData = (...parts: string[]) => resolve(repoRoot, '..', 'shared', 'data', ...parts);

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs `dramatis ...args` in-process with captured output, a private working directory and store. */
export async function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => { out += String(chunk); });
  stderr.on('data', (chunk) => { err += String(chunk); });
  const code = await main(['node', 'dramatis', ...args], {
    stdout, stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: { ...options.env },
    cwd: options.cwd ?? tempDir(),
    onInterrupt: () => () => {},
  });
  return { code, stdout: out, stderr: err };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dramatis-cli-'));
}
