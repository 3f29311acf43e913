import type { InputFailure } from '../text/index.ts';

/** Stable codes of benchmark failures. */
export type EvalErrorCode =
  | 'eval/not-found'
  | 'eval/not-a-file'
  | 'eval/too-large'
  | 'eval/encoding'
  | 'eval/read'
  | 'eval/bad-data'
  | 'eval/bad-definition'
  | 'eval/unknown-benchmark'
  | 'eval/unknown-loader'
  | 'eval/unknown-scorer'
  | 'eval/no-items'
  /** A scene log without the characters' verbalized thoughts, given to a builder that needs them. */
  | 'eval/no-thoughts'
  | 'eval/model-failed'
  | 'eval/compare';

/**
 * A benchmark that could not be loaded, defined or run; `code` is stable (`eval/...`).
 * Data errors say which loader expected what, in which record and field: `FILE: record 12: a_idx: ...`.
 */
export class EvalError extends Error {
  readonly code: EvalErrorCode;
  /** Every problem, one line each (the message joins them). */
  readonly problems: string[];

  constructor(code: EvalErrorCode, message: string, options?: { problems?: string[]; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'EvalError';
    this.code = code;
    this.problems = options?.problems ?? [message];
  }
}

/** The shared input reader's failures as benchmark errors (`eval/not-found`, `eval/too-large`...). */
export function evalInputFailure(failure: InputFailure): EvalError {
  return new EvalError(`eval/${failure.problem}`, failure.message, { cause: failure.cause });
}
