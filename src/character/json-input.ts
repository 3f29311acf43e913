/** Card and lorebook files read as JSON: within their size limit, decoded, parsed, each failure a `CardError` naming the file. */
import { describeJsonError, decodeInputText, DEFAULT_MAX_FILE_BYTES, readInputBytes, type InputFailure } from '../text/index.ts';
import { CardError, describeInput } from './errors.ts';

type FileKind = 'card' | 'lorebook';

export const DEFAULT_MAX_BYTES = DEFAULT_MAX_FILE_BYTES.card;

/** The shared reader's failures as card or lorebook errors, keeping the folder's codes (`card/too-large`...). */
export const cardInputFailure = (kind: FileKind) => (failure: InputFailure): CardError =>
  new CardError(`${kind}/${failure.problem}`, failure.message, { path: failure.path, cause: failure.cause });

/** Reads a card or lorebook file: a regular file within `maxBytes`, checked before it is read. */
export async function readFileWithLimit(path: string, maxBytes: number, kind: FileKind): Promise<Uint8Array> {
  return readInputBytes(path, { kind, maxBytes, fail: cardInputFailure(kind) });
}

/** Decodes text (UTF-8 with or without BOM, or UTF-16 with BOM) and parses it as JSON, naming the line and column on failure. */
export function parseJsonBytes(bytes: Uint8Array, path: string | undefined, kind: FileKind, what = 'file'): unknown {
  const subject = what === 'file' || what === kind ? 'this' : `the ${what}`;
  const text = decodeInputText(bytes, { path: describeInput(path, kind), kind, subject, fail: cardInputFailure(kind) });
  return parseJsonText(text, path, kind, what);
}

export function parseJsonText(text: string, path: string | undefined, kind: FileKind, what = 'file'): unknown {
  const file = describeInput(path, kind);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trim()) throw new CardError(`${kind}/bad-json` as const, `${file}: the ${what} is empty; expected JSON`, { path });
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new CardError(`${kind}/bad-json` as const, `${file}: the ${what} is not valid JSON${describeJsonError(body, error)}; fix the JSON or re-export it`, { path, cause: error });
  }
}
