import type { z } from 'zod';

/** Stable codes of character and lorebook file failures. */
export type CardErrorCode =
  | 'card/not-found'
  | 'card/not-a-file'
  | 'card/read'
  | 'card/encoding'
  | 'card/not-a-card'
  | 'card/too-large'
  | 'card/not-png'
  | 'card/truncated-png'
  | 'card/no-card-chunk'
  | 'card/bad-base64'
  | 'card/bad-json'
  | 'card/invalid'
  | 'card/missing-name'
  | 'card/bad-charx'
  | 'card/bad-output'
  | 'lorebook/not-found'
  | 'lorebook/not-a-file'
  | 'lorebook/read'
  | 'lorebook/encoding'
  | 'lorebook/too-large'
  | 'lorebook/bad-json'
  | 'lorebook/bad-format'
  | 'lorebook/invalid'
  | 'lorebook/bad-regex';

/**
 * A character card or lorebook that could not be read or written; `code` is stable (`card/...`, `lorebook/...`).
 * The message is one line: which file, which field, what was wrong and what to do.
 */
export class CardError extends Error {
  readonly code: CardErrorCode;
  /** The file the error is about, when there is one. */
  readonly path?: string;
  /** The first failing field, as a path like `data.character_book.entries[0].keys`. */
  readonly field?: string;

  constructor(code: CardErrorCode, message: string, options?: { path?: string; field?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'CardError';
    this.code = code;
    this.path = options?.path;
    this.field = options?.field;
  }
}

/** How a message names its input: the file path, or a stand-in when the bytes came from memory. */
export function describeInput(path: string | undefined, fallback = 'card'): string {
  return path ?? `(${fallback} given in memory)`;
}

/** Formats a zod-style path as `data.entries[0].keys`. */
export function formatFieldPath(parts: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

/** Lists zod issues as `path: message` items for one-line messages (at most five). */
export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>, prefix: string): { fields: string; first: string } {
  const items = issues.map((issue) => (issue.path.length || prefix ? `${formatFieldPath(issue.path, prefix)}: ${issue.message}` : issue.message));
  const more = items.length > 5 ? `; and ${items.length - 5} more` : '';
  return { fields: items.slice(0, 5).join('; ') + more, first: formatFieldPath(issues[0]?.path ?? [], prefix) };
}

export { formatMiB } from '../text/index.ts';
