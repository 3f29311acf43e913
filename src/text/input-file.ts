/**
 * The one place that reads a user's input file: a regular file (never a FIFO or a device, which would block or
 * never end), within a size limit checked before reading, decoded as UTF-8 (a byte-order mark is accepted) or
 * UTF-16 with a byte-order mark; anything else is refused with a message that says what the file is.
 * Each folder turns a failure into its own error class through `fail`, keeping its stable codes.
 */
import { constants, type Stats } from 'node:fs';
import { open, readFile } from 'node:fs/promises';

/** What an input file holds; each kind has its own default size limit. */
export type InputKind = 'card' | 'lorebook' | 'scene' | 'benchmark' | 'data' | 'memory';

const MiB = 1024 * 1024;

/** Default size limits in bytes: data and memory files (whole datasets, embeddings) may be far larger than the rest. */
export const DEFAULT_MAX_FILE_BYTES: Readonly<Record<InputKind, number>> = {
  card: 20 * MiB,
  lorebook: 20 * MiB,
  scene: 4 * MiB,
  benchmark: 4 * MiB,
  data: 256 * MiB,
  memory: 256 * MiB,
};

const KIND_NAMES: Readonly<Record<InputKind, string>> = {
  card: 'character cards',
  lorebook: 'lorebooks',
  scene: 'scene files',
  benchmark: 'benchmark files',
  data: 'data files',
  memory: 'memory files',
};

/** What went wrong, as the last part of each folder's error code (`card/too-large`, `scene/not-a-file`...). */
export type InputProblem = 'not-found' | 'not-a-file' | 'too-large' | 'read' | 'encoding';

export interface InputFailure {
  problem: InputProblem;
  /** One line naming the file, what is wrong and what to do. */
  message: string;
  path: string;
  cause?: unknown;
}

/** An input file that could not be read, for callers that pass no `fail`; `code` is `input/<problem>`. */
export class InputFileError extends Error {
  readonly code: `input/${InputProblem}`;
  readonly problem: InputProblem;
  readonly path: string;

  constructor(failure: InputFailure) {
    super(failure.message, { cause: failure.cause });
    this.name = 'InputFileError';
    this.code = `input/${failure.problem}`;
    this.problem = failure.problem;
    this.path = failure.path;
  }
}

export interface ReadInputOptions {
  kind: InputKind;
  /** Largest accepted size in bytes; default `DEFAULT_MAX_FILE_BYTES[kind]`. */
  maxBytes?: number;
  /** Makes the caller's error from a failure; default an `InputFileError`. */
  fail?: (failure: InputFailure) => Error;
}

/** How users raise a limit: the CLI flag and its environment variable (the library's option is `maxBytes`). */
export const RAISE_LIMIT_HINT = (mib: number) => `raise the limit with --max-file-mb ${mib} (or DRAMATIS_MAX_FILE_MB=${mib})`;

/** Size in MiB with one decimal, for messages. */
export function formatMiB(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** The limit for `kind` given an override in bytes (`--max-file-mb`), for messages and checks. */
export function maxBytesFor(kind: InputKind, maxBytes?: number): number {
  return maxBytes ?? DEFAULT_MAX_FILE_BYTES[kind];
}

/**
 * A "too large" message: the size, the limit, and the flag value that would let this file through.
 * @example tooLargeMessage('big.yaml', 9e6, 4 * 1024 * 1024, 'scene files')
 */
export function tooLargeMessage(path: string, size: number, maxBytes: number, what: string): string {
  return `${path}: file is ${formatMiB(size)}, over the ${formatMiB(maxBytes)} limit for ${what}; check it is the right file, or ${RAISE_LIMIT_HINT(Math.ceil(size / MiB))}`;
}

/**
 * Reads a file's bytes: it must be a regular file no larger than the limit, checked before anything is read.
 * @example const bytes = await readInputBytes('seraphina.png', { kind: 'card' })
 */
export async function readInputBytes(path: string, options: ReadInputOptions): Promise<Uint8Array> {
  const fail = options.fail ?? ((failure: InputFailure) => new InputFileError(failure));
  const maxBytes = maxBytesFor(options.kind, options.maxBytes);
  const what = KIND_NAMES[options.kind];
  let handle;
  try {
    // Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw fail(openFailure(path, error));
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw fail({ problem: 'not-a-file', path, message: `${path}: ${fileType(info)}, not a regular file; give the path of a file (${what} are read whole)` });
    }
    if (info.size > maxBytes) throw fail({ problem: 'too-large', path, message: tooLargeMessage(path, info.size, maxBytes, what) });
    let bytes: Uint8Array;
    try {
      bytes = await readFile(handle);
    } catch (error) {
      throw fail({ problem: 'read', path, message: `${path}: cannot be read (${(error as Error).message})`, cause: error });
    }
    // It may have grown since `stat`.
    if (bytes.byteLength > maxBytes) throw fail({ problem: 'too-large', path, message: tooLargeMessage(path, bytes.byteLength, maxBytes, what) });
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Reads a text file: `readInputBytes`, then `decodeInputText`.
 * @example const text = await readInputText('scene.yaml', { kind: 'scene' })
 */
export async function readInputText(path: string, options: ReadInputOptions): Promise<string> {
  return decodeInputText(await readInputBytes(path, options), { ...options, path });
}

export interface DecodeOptions {
  path?: string;
  kind: InputKind;
  /** What the bytes are, as messages name it (default `this`, i.e. the file): `the 'chara' chunk`. */
  subject?: string;
  fail?: (failure: InputFailure) => Error;
}

/**
 * Decodes a text file's bytes: UTF-8 (its byte-order mark dropped) or UTF-16 with a byte-order mark. UTF-16
 * without one, UTF-32, binary data and invalid UTF-8 are refused, saying which (never printing the bytes).
 */
export function decodeInputText(bytes: Uint8Array, options: DecodeOptions): string {
  const fail = options.fail ?? ((failure: InputFailure) => new InputFileError(failure));
  const path = options.path ?? `(${options.kind} given in memory)`;
  const subject = options.subject ?? 'this';
  const refuse = (what: string, cause?: unknown) =>
    fail({ problem: 'encoding', path, message: `${path}: ${subject} ${what}; save it as UTF-8 text`, cause });
  if (startsWith(bytes, [0xff, 0xfe, 0, 0]) || startsWith(bytes, [0, 0, 0xfe, 0xff])) throw refuse('is UTF-32 text, which Dramatis does not read');
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(bytes);
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(bytes);
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const utf16 = utf16WithoutMark(bytes);
    throw refuse(utf16
      ? `is UTF-16 text (${utf16}, without a byte-order mark), not UTF-8`
      : `is binary data (a NUL byte at offset ${nul}), not text`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const offset = invalidUtf8Offset(bytes);
    throw refuse(`is not UTF-8 text (${offset === undefined ? 'it holds byte sequences that are not UTF-8' : `the bytes at offset ${offset} are not UTF-8`}; perhaps Latin-1 or Windows-1252)`, error);
  }
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** `little-endian` or `big-endian` when most characters of the first 4 KiB have a zero high byte on one side. */
function utf16WithoutMark(bytes: Uint8Array): string | undefined {
  const length = Math.min(bytes.length, 4096) & ~1;
  if (length < 2) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index < length; index += 2) {
    if (bytes[index] === 0) evenZeros++;
    if (bytes[index + 1] === 0) oddZeros++;
  }
  const pairs = length / 2;
  if (oddZeros >= pairs * 0.3 && evenZeros < pairs * 0.05) return 'little-endian';
  if (evenZeros >= pairs * 0.3 && oddZeros < pairs * 0.05) return 'big-endian';
  return undefined;
}

/** Offset of the first byte sequence that is not UTF-8 (structure only: enough to point at it). */
function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index];
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0) return index;
    for (let next = 1; next < length; next++) if ((bytes[index + next] & 0xc0) !== 0x80) return index;
    index += length;
  }
  return undefined;
}

function openFailure(path: string, error: unknown): InputFailure {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { problem: 'not-found', path, message: `${path}: no such file; check the path`, cause: error };
  if (code === 'EISDIR') return { problem: 'not-a-file', path, message: `${path}: a folder, not a regular file; give the path of a file`, cause: error };
  if (code === 'EACCES' || code === 'EPERM') return { problem: 'read', path, message: `${path}: permission denied; check the file's permissions`, cause: error };
  return { problem: 'read', path, message: `${path}: cannot be opened (${(error as Error).message})`, cause: error };
}

function fileType(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'a special file';
}
