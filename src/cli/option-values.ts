import type { OutputMode } from '../agent/index.ts';
import { UsageError } from './io.ts';

/** Parsers for option values shared by commands; a bad value is a usage error (exit 2). */

/** Collects a repeatable option's values (`--model a --model b`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function parseMode(value: string | undefined): OutputMode | undefined {
  if (value === undefined || value === 'json' || value === 'tagged') return value;
  throw new UsageError(`--output-mode must be json or tagged, not '${value}'`);
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number, not '${value}'`);
  return n;
}

export function nonNegativeInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number ≥ 0, not '${value}'`);
  return n;
}

export function positiveNumber(value: string | undefined, flag: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new UsageError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, not '${value}'`);
  return n;
}
