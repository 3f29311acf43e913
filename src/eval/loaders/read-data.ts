import type { z } from 'zod';
import { readInputText, describeJsonError } from '../../text/index.ts';
import { EvalError, evalInputFailure } from '../errors.ts';
import type { DatasetLoader, LoadOptions } from './types.ts';

/**
 * Reads a data file's text through the shared input reader (a regular file within the size limit, UTF-8 with or
 * without a byte-order mark); a missing or unreadable file is an `EvalError` naming the loader and its format, and an
 * empty one (nothing but white space) an `eval/bad-data` error saying so.
 */
export async function readDataText(path: string, loader: Pick<DatasetLoader, 'name' | 'format'>, options: LoadOptions = {}): Promise<string> {
  const text = await readInputText(path, {
    kind: 'data',
    maxBytes: options.maxBytes,
    fail: (failure) => {
      const error = evalInputFailure(failure);
      if (failure.problem === 'not-found') return new EvalError('eval/not-found', `${path}: no such file (loader ${loader.name} expects ${loader.format})`, { cause: failure.cause });
      if (failure.problem === 'not-a-file') return new EvalError('eval/not-a-file', `${failure.message}; loader ${loader.name} reads one file (${loader.format})`, { cause: failure.cause });
      return error;
    },
  });
  // Every format says so the same way, before its parser reports something less plain (a JSON error at line 1, a missing column).
  if (text.trim() === '') throw dataError([`${path}: the file is empty`], loader);
  return text;
}

/** Parses a JSON data file, with the line and column of a syntax error (never a piece of the text). */
export function parseDataJson(text: string, path: string, loader: Pick<DatasetLoader, 'name' | 'format'>): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw dataError([`${path}: not valid JSON${describeJsonError(text, error)}`], loader, error);
  }
}

/** A parsed JSON value for messages: `null`, `a number`, `an object`... */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The records of a JSON data file whose top level must be a non-empty array: `${path}: the top level is null, not
 * an array of ${what}`, or `${path}: no records: the array is empty`.
 */
export function arrayOf(data: unknown, what: string, path: string, loader: Pick<DatasetLoader, 'name' | 'format'>): unknown[] {
  if (!Array.isArray(data)) throw dataError([`${path}: the top level is ${describeJsonValue(data)}, not an array of ${what}`], loader);
  if (data.length === 0) throw noRecordsError(path, 'the array is empty', loader);
  return data;
}

/** A well-formed data file without a single record (`[]`, a CSV header alone): `${path}: no records: ${why}`. */
export function noRecordsError(path: string, why: string, loader: Pick<DatasetLoader, 'name' | 'format'>): EvalError {
  return dataError([`${path}: no records: ${why}`], loader);
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
export function dataError(problems: string[], loader: Pick<DatasetLoader, 'name' | 'format'>, cause?: unknown): EvalError {
  const all = [...problems, `loader ${loader.name} expects ${loader.format}`];
  return new EvalError('eval/bad-data', all.join('\n'), { problems: all, ...(cause === undefined ? {} : { cause }) });
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
