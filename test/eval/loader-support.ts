import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { EvalError } from '../../src/eval/errors.ts';

/** A scratch folder for this test file's data files (removed after its tests); returns a writer of files in it. */
export function scratchFiles(prefix: string): (name: string, text: string) => Promise<string> {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), `${prefix}-`)); });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return async (name, text) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
}

/** The `EvalError` a load fails with (the test fails if it does not fail, or fails otherwise). */
export async function loadError(load: Promise<unknown>): Promise<EvalError> {
  const error = await load.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(EvalError);
  return error as EvalError;
}
