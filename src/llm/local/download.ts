import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { LlmError } from '../errors.ts';
import { defaultSleep } from '../retry-policy.ts';

export interface DownloadProgress {
  /** Bytes in the part file so far, resumed bytes included. */
  received: number;
  /** Size of the whole file, when the server or the caller said. */
  total?: number;
  /** Bytes already on disk when the current request started. */
  resumedFrom: number;
}

/** Where downloaded bytes go; injectable so tests can simulate a full disk. */
export interface PartFileWriter {
  /** Writes all of `chunk`; resolves once written, so the caller never holds more than one chunk. */
  write(chunk: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the part file, appending to it or truncating it first. */
export type OpenPartFile = (path: string, mode: 'append' | 'truncate') => Promise<PartFileWriter>;

export interface DownloadOptions {
  url: string;
  /** Final path; bytes go to `destination + '.part'` until complete and verified. */
  destination: string;
  /** Expected hex digest; a mismatch deletes the part file and throws. */
  sha256?: string;
  expectedBytes?: number;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Retries after a cut connection or a 5xx, each resuming from the bytes on disk (default 3). */
  retries?: number;
  /** First backoff delay, doubled on each retry (default 500). */
  retryDelayMs?: number;
  openPartFile?: OpenPartFile;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** True when bytes already on disk (from an earlier call or attempt) were kept. */
  resumed: boolean;
  sha256: string;
}

/** A failure another attempt may fix; `error` is thrown if none is left. */
class RetryableFailure extends Error {
  constructor(readonly error: LlmError) {
    super(error.message);
  }
}

interface RunState {
  options: DownloadOptions;
  part: string;
  openPartFile: OpenPartFile;
  resumed: boolean;
  /** The hash of the part file's bytes, kept across attempts so a retry need not re-read them. */
  carried?: { hash: Hash; bytes: number };
}

/**
 * Downloads `url` to `destination`, resuming a `.part` file left by an earlier run (HTTP Range),
 * verifying size and sha256 before an atomic rename; the destination never holds a partial file.
 * @example await downloadModel({ url, destination: join(modelCacheDir(process.env), 'm.gguf'), sha256 })
 */
export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  if (!/^https?:$/.test(parseUrl(options.url)?.protocol ?? '')) {
    throw failed(`Cannot download ${JSON.stringify(options.url)}: not an http(s) URL`);
  }
  const retries = options.retries ?? 3;
  const baseDelay = options.retryDelayMs ?? 500;
  const state: RunState = {
    options,
    part: `${options.destination}.part`,
    openPartFile: options.openPartFile ?? openPartFile,
    resumed: false,
  };
  await mkdir(path.dirname(options.destination), { recursive: true }).catch((error: unknown) => {
    throw failed(`Cannot create ${path.dirname(options.destination)} for the download: ${describe(error)}`, { cause: error });
  });
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await attemptDownload(state);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (!(error instanceof RetryableFailure)) throw error;
      if (attempt > retries) {
        const { code, message, status } = error.error;
        throw new LlmError(code, message, { status, attempts: attempt, cause: error.error.cause });
      }
      await defaultSleep(baseDelay * 2 ** (attempt - 1), options.signal);
    }
  }
}

async function attemptDownload(state: RunState): Promise<DownloadResult> {
  const { options, part } = state;
  const { url, signal } = options;
  let onDisk = await fileSize(part);
  if (options.expectedBytes !== undefined && onDisk > options.expectedBytes) onDisk = await discardPart(state);
  let hash = state.carried?.bytes === onDisk ? state.carried.hash : await hashFile(part, onDisk);
  state.carried = { hash, bytes: onDisk };
  if (onDisk > 0 && onDisk === options.expectedBytes) {
    state.resumed = true;
    return finish(state, hash, onDisk);
  }

  for (;;) {
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (onDisk > 0) headers.range = `bytes=${onDisk}-`;
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, { headers, signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw connectFailure(error, state, onDisk);
    }

    const length = contentLength(response.headers);
    let total: number | undefined;
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (range?.start !== onDisk) {
        await response.body?.cancel();
        if (onDisk === 0) throw failed(`${url} sent a partial response (HTTP 206) that was not asked for`, { status: 206 });
        // The server resumed from somewhere else: start over rather than splice mismatched bytes.
        onDisk = await discardPart(state);
        hash = createHash('sha256');
        continue;
      }
      total = range.total ?? (length === undefined ? undefined : onDisk + length);
    } else if (response.status === 416 && onDisk > 0) {
      await response.body?.cancel();
      // Nothing left to send: the part is complete if the server's size matches it.
      if (parseContentRange(response.headers.get('content-range'))?.total === onDisk) {
        state.resumed = true;
        return finish(state, hash, onDisk);
      }
      onDisk = await discardPart(state);
      hash = createHash('sha256');
      continue;
    } else if (response.status === 200) {
      // The server ignored the range (or none was sent): the body is the whole file.
      if (onDisk > 0) hash = createHash('sha256');
      onDisk = 0;
      total = length;
    } else {
      await response.body?.cancel();
      throw statusFailure(response, url);
    }

    const { expectedBytes } = options;
    if (expectedBytes !== undefined && total !== undefined && total !== expectedBytes) {
      await response.body?.cancel();
      throw failed(
        `${url} is ${formatBytes(total)} (${total} bytes) but ${expectedBytes} bytes were expected; the URL may point to a different file`,
      );
    }
    if (!response.body) throw failed(`${url} answered HTTP ${response.status} with no body`);
    if (onDisk > 0) state.resumed = true;
    return streamBody(state, response.body, hash, { resumedFrom: onDisk, total: total ?? expectedBytes });
  }
}

async function streamBody(
  state: RunState,
  body: ReadableStream<Uint8Array>,
  hash: Hash,
  { resumedFrom, total }: { resumedFrom: number; total?: number },
): Promise<DownloadResult> {
  const { options, part } = state;
  const reader = body.getReader();
  let writer: PartFileWriter;
  try {
    writer = await state.openPartFile(part, resumedFrom > 0 ? 'append' : 'truncate');
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw writeFailure(error, state, resumedFrom, total);
  }
  let received = resumedFrom;
  let finished = false;
  try {
    options.onProgress?.({ received, total, resumedFrom });
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        state.carried = { hash, bytes: received };
        throw interrupted(state, received, total, error);
      }
      if (chunk.done) break;
      const bytes = chunk.value;
      if (total !== undefined && received + bytes.length > total) {
        throw failed(`${options.url} sent more than the ${total} bytes it announced; run the same command again to retry`);
      }
      try {
        await writer.write(bytes);
      } catch (error) {
        // A failed write may have stored part of the chunk: what counts for a resume is what is on disk.
        throw writeFailure(error, state, await fileSize(part).catch(() => received), total);
      }
      hash.update(bytes);
      received += bytes.length;
      state.carried = { hash, bytes: received };
      options.onProgress?.({ received, total, resumedFrom });
    }
    finished = true;
    if (total !== undefined && received < total) throw interrupted(state, received, total, new Error('the body ended early'));
    await writer.sync();
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    await writer.close().catch(() => {});
  }
  return finish(state, hash, received, { synced: true });
}

/** Verifies the complete part file and moves it into place. */
async function finish(state: RunState, hash: Hash, bytes: number, { synced = false } = {}): Promise<DownloadResult> {
  const { options, part } = state;
  const sha256 = hash.digest('hex');
  state.carried = undefined;
  const expected = options.sha256?.toLowerCase();
  if (expected !== undefined && sha256 !== expected) {
    await unlink(part).catch(() => {});
    throw failed(
      `${options.url} does not match its sha256 (expected ${expected}, got ${sha256}); the downloaded file was deleted. ` +
        'Check the URL and checksum, then run the same command again',
    );
  }
  if (!synced) {
    const writer = await state.openPartFile(part, 'append');
    await writer.sync().finally(() => writer.close());
  }
  await rename(part, options.destination);
  await syncDirectory(path.dirname(options.destination));
  return { path: options.destination, bytes, resumed: state.resumed, sha256 };
}

/** `1.2 GB`, `580 KB`, `12 B` (powers of 1000, as download sizes are usually quoted). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (unit < units.length - 1 && Math.abs(value) >= 999.95) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const text = Math.abs(value) < 9.95 ? value.toFixed(1) : String(Math.round(value));
  return `${text} ${units[unit]}`;
}

// ----- failures -----

function failed(message: string, options: { status?: number; cause?: unknown } = {}): LlmError {
  return new LlmError('llm/download-failed', message, options);
}

function resumeHint(state: RunState, received: number): string {
  return received > 0 ? `; the ${formatBytes(received)} downloaded so far are kept in ${state.part}` : '';
}

function interrupted(state: RunState, received: number, total: number | undefined, cause: unknown): RetryableFailure {
  const of = total === undefined ? '' : ` of ${formatBytes(total)}`;
  return new RetryableFailure(
    failed(
      `Download of ${state.options.url} was interrupted at ${formatBytes(received)}${of} (${describe(cause)})` +
        `${resumeHint(state, received)}; run the same command again to resume`,
      { cause },
    ),
  );
}

function statusFailure(response: Response, url: string): LlmError | RetryableFailure {
  const { status } = response;
  const error = failed(
    `Download of ${url} failed: HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}` +
      (status === 401 || status === 403 ? '; the file may need a token or may not be public' : '') +
      (status === 404 ? '; check the URL' : ''),
    { status },
  );
  return status >= 500 || status === 408 || status === 429 ? new RetryableFailure(error) : error;
}

const OFFLINE_CODES = new Set([
  'ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** A request that got no response: offline errors are final, others (a reset) may be retried. */
function connectFailure(error: unknown, state: RunState, onDisk: number): LlmError | RetryableFailure {
  const code = errorCodes(error).find((candidate) => OFFLINE_CODES.has(candidate));
  if (code === undefined) return interrupted(state, onDisk, undefined, error);
  const host = hostOf(state.options.url);
  const reason =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `could not resolve ${host}`
      : code === 'ECONNREFUSED'
        ? `${host} refused the connection`
        : `${host} is unreachable`;
  return new LlmError(
    'llm/offline',
    `Cannot download ${state.options.url}: ${reason} (${code})${resumeHint(state, onDisk)}. ` +
      'Check the network and run the same command again, or use a model that needs no download: ' +
      '--model local:PATH with a GGUF file you have, --model ollama:NAME with Ollama running, ' +
      'or an API key (OPENAI_API_KEY) with --model openai:gpt-4o-mini',
    { cause: error },
  );
}

function writeFailure(error: unknown, state: RunState, received: number, total: number | undefined): LlmError {
  const where = path.dirname(state.part);
  if (errorCodes(error).includes('ENOSPC')) {
    const needed = total === undefined ? 'the rest of the file' : `${formatBytes(total - received)} more`;
    return failed(
      `Disk full while downloading ${state.options.url}: ${needed} needed in ${where}` +
        `${resumeHint(state, received)}. Free some space (or set DRAMATIS_MODELS_DIR to another disk and move the part file there), ` +
        'then run the same command again to resume',
      { cause: error },
    );
  }
  return failed(`Cannot write ${state.part}: ${describe(error)}`, { cause: error });
}

function errorCodes(error: unknown, seen = new Set<unknown>()): string[] {
  if (typeof error !== 'object' || error === null || seen.has(error)) return [];
  seen.add(error);
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof code === 'string' ? [code] : [];
  const nested = Array.isArray(errors) ? errors.flatMap((inner) => errorCodes(inner, seen)) : [];
  return [...own, ...errorCodes(cause, seen), ...nested];
}

/** The messages along the cause chain (`fetch failed: connect ECONNRESET`), then the first code. */
function describe(error: unknown): string {
  const messages: string[] = [];
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message && !messages.includes(message)) messages.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  const text = messages.join(': ');
  const code = errorCodes(error)[0];
  return code !== undefined && !text.includes(code) ? `${text}, ${code}` : text;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string {
  return parseUrl(url)?.host ?? url;
}

// ----- files and headers -----

const openPartFile: OpenPartFile = async (file, mode) => {
  const handle = await open(file, mode === 'append' ? 'a' : 'w');
  return {
    async write(chunk) {
      for (let offset = 0; offset < chunk.length; ) {
        const { bytesWritten } = await handle.write(chunk, offset);
        offset += bytesWritten;
      }
    },
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
};

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

async function discardPart(state: RunState): Promise<number> {
  await unlink(state.part).catch(() => {});
  state.carried = undefined;
  return 0;
}

/** Hashes the first `bytes` of a file, streaming it. */
async function hashFile(file: string, bytes: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (bytes === 0) return hash;
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1 })) hash.update(chunk as Buffer);
  return hash;
}

/** Makes the rename durable where the platform allows opening a directory. */
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r').catch(() => undefined);
  await handle?.sync().catch(() => {});
  await handle?.close();
}

function contentLength(headers: Headers): number | undefined {
  const value = headers.get('content-length');
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

// `bytes 100-199/1000` gives start 100 and total 1000; a 416's `bytes */1000` gives the total only.
function parseContentRange(value: string | null): { start?: number; total?: number } | undefined {
  const match = value?.match(/^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i);
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    total: match[2] === '*' ? undefined : Number(match[2]),
  };
}
