/** Stable codes of {@link LlmError}. */
export type LlmErrorCode =
  | 'llm/bad-spec'
  | 'llm/unsupported'
  | 'llm/no-base-url'
  | 'llm/no-api-key'
  | 'llm/rate-limited'
  | 'llm/server-error'
  | 'llm/timeout'
  | 'llm/network'
  | 'llm/stream-cut'
  | 'llm/bad-request'
  | 'llm/auth'
  | 'llm/offline'
  | 'llm/download-failed'
  | 'llm/bad-model-file'
  | 'llm/not-in-cache'
  | 'llm/local-runtime-missing'
  | 'llm/not-enough-memory'
  | 'llm/context-overflow';

/** A model could not be named, reached or used; `code` is stable, `message` is one line a user can act on. */
export class LlmError extends Error {
  readonly code: LlmErrorCode;
  /** The model spec, e.g. `openai:gpt-4o-mini`. */
  readonly model?: string;
  /** The last HTTP status, when there was one. */
  readonly status?: number;
  /** Attempts made (1 = no retry). */
  readonly attempts?: number;

  constructor(
    code: LlmErrorCode,
    message: string,
    options: { model?: string; status?: number; attempts?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'LlmError';
    this.code = code;
    this.model = options.model;
    this.status = options.status;
    this.attempts = options.attempts;
  }

  static isInstance(error: unknown): error is LlmError {
    return error instanceof LlmError;
  }
}
