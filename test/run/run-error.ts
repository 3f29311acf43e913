import { expect } from 'vitest';
import { RunError } from '../../src/run/index.ts';

/** The RunError that `work` fails with (the test fails if it succeeds or fails otherwise). */
export async function runErrorOf(work: Promise<unknown>): Promise<RunError> {
  const error = await work.then(() => undefined, (failure: unknown) => failure);
  expect(error).toBeInstanceOf(RunError);
  return error as RunError;
}
