import { readFile, stat } from 'node:fs/promises';
import type { z } from 'zod';
import { EvalError } from '../errors.ts';
import type { DatasetLoader } from './types.ts';

/** Reads a data file's text; a missing or unreadable file is an `EvalError` naming the loader and its format. */
export async function readDataText(path: string, loader: Pick<DatasetLoader, 'name' | 'format'>): Promise<string> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new EvalError('eval/read', `${path}: is a folder; loader ${loader.name} reads one file (${loader.format})`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof EvalError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new EvalError('eval/not-found', `${path}: no such file (loader ${loader.name} expects ${loader.format})`, { cause: error });
    throw new EvalError('eval/read', `${path}: cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

/** Parses a JSON data file, with the position of a syntax error. */
export function parseDataJson(text: string, path: string, loader: Pick<DatasetLoader, 'name' | 'format'>): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EvalError('eval/bad-data', `${path}: not valid JSON (${(error as Error).message}); loader ${loader.name} expects ${loader.format}`, { cause: error });
  }
}

/**
 * Validates each record against the loader's record schema; every bad record is reported (up to 20), each line
 * `FILE: record N: field: problem`, closed by what the loader expects.
 */
export function validateRecords<T>(records: readonly unknown[], schema: z.ZodType<T>, path: string, loader: Pick<DatasetLoader, 'name' | 'format'>): T[] {
  const problems: string[] = [];
  const valid: T[] = [];
  records.forEach((record, index) => {
    const result = schema.safeParse(record);
    if (result.success) {
      valid.push(result.data);
      return;
    }
    for (const issue of result.error.issues) {
      if (problems.length < 20) problems.push(`${path}: record ${index + 1}: ${issue.path.join('.') || '(record)'}: ${issue.message}`);
    }
  });
  if (problems.length) throw dataError(problems, loader);
  return valid;
}

/** An `eval/bad-data` error from problem lines, closed by the loader's expected format. */
export function dataError(problems: string[], loader: Pick<DatasetLoader, 'name' | 'format'>): EvalError {
  const all = [...problems, `loader ${loader.name} expects ${loader.format}`];
  return new EvalError('eval/bad-data', all.join('\n'), { problems: all });
}

/** Ids made unique in load order: a repeated id gets `~2`, `~3`... (runs and resumes match items by id). */
export function uniqueIds<T extends { id: string }>(items: T[]): T[] {
  const seen = new Map<string, number>();
  for (const item of items) {
    const count = (seen.get(item.id) ?? 0) + 1;
    seen.set(item.id, count);
    if (count > 1) item.id = `${item.id}~${count}`;
  }
  return items;
}
