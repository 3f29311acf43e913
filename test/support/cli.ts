import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

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
    // A private per-user data folder too: a test that runs where no .dramatis/ folder is found never touches the real one.
    env: { XDG_DATA_HOME: privateDataHome(), ...options.env },
    cwd: options.cwd ?? tempDir(),
    onInterrupt: () => () => {},
  });
  return { code, stdout: out, stderr: err };
}

/** A fresh working folder with its own `.dramatis/` folder, so the CLI's store there is private to the test. */
export function tempDir(): string {
  const dir = bareTempDir();
  mkdirSync(join(dir, '.dramatis'));
  return dir;
}

/** A fresh folder without a `.dramatis/` folder (for tests of where the store is found). */
export function bareTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dramatis-cli-'));
}

/** A fresh folder standing in for `$XDG_DATA_HOME`, the per-user store's parent. */
export function privateDataHome(): string {
  return mkdtempSync(join(tmpdir(), 'dramatis-data-'));
}
