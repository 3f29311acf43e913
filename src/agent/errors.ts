/** A failed agent turn; `code` is stable (`agent/...`). Nothing of a failed turn is stored. */
export class AgentError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, { cause: options?.cause });
    this.name = 'AgentError';
    this.code = code;
    this.details = options?.details;
  }
}
