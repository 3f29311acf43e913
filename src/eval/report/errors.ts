/** Stable codes of report failures. */
export type ReportErrorCode = 'report/unknown-format';

/** A report that cannot be written as asked; `code` is stable (`report/...`). */
export class ReportError extends Error {
  readonly code: ReportErrorCode;

  constructor(code: ReportErrorCode, message: string) {
    super(message);
    this.name = 'ReportError';
    this.code = code;
  }
}
