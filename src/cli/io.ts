import type { Readable, Writable } from 'node:stream';

/** Everything the CLI touches outside the library, injectable so tests run commands in-process. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Registers a Ctrl-C handler; returns a function that removes it. */
  onInterrupt: (handler: () => void) => () => void;
}

export function processIo(): CliIo {
  // A reader that goes away (`dramatis scene show X | head`) is not an error: stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

/** Exit codes: ok / failure / usage error (DESIGN.md §4). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** An error the CLI reports as a usage error (exit 2). */
export class UsageError extends Error {
  readonly code = 'cli/usage';
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

export function printJson(io: CliIo, value: unknown): void {
  writeLine(io.stdout, JSON.stringify(value, null, 2));
}
