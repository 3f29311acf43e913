import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmError } from '../../src/llm/errors.ts';
import {
  downloadModel,
  formatBytes,
  type DownloadOptions,
  type DownloadProgress,
  type OpenPartFile,
} from '../../src/llm/local/download.ts';

const file = randomBytes(300_000);
const fileSha = createHash('sha256').update(file).digest('hex');

/** How the test server misbehaves; reset before each test. */
interface Behaviour {
  body: Buffer;
  ignoreRange: boolean;
  /** Cut the connection after this many body bytes, for the next `cutTimes` responses. */
  cutAfter?: number;
  cutTimes: number;
  /** Send this many body bytes, then hang until the client goes away. */
  stallAfter?: number;
  status?: number;
  /** Answer a range request from `start + rangeShift` instead of `start`. */
  rangeShift: number;
}

const fresh = (): Behaviour => ({ body: file, ignoreRange: false, cutTimes: 1, rangeShift: 0 });
let behaviour = fresh();
let requests: { range?: string; sent: number }[] = [];
let server: Server;
let url: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const record: { range?: string; sent: number } = { range: req.headers.range, sent: 0 };
    requests.push(record);
    const { body } = behaviour;
    if (behaviour.status !== undefined) {
      res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end('nope');
      return;
    }
    let start = 0;
    const match = behaviour.ignoreRange ? null : req.headers.range?.match(/^bytes=(\d+)-$/);
    if (match) {
      start = Number(match[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      start = Math.max(0, start + behaviour.rangeShift);
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
    } else {
      res.writeHead(200, { 'content-length': body.length });
    }
    const rest = body.subarray(start);
    const limit = behaviour.cutTimes > 0 ? behaviour.cutAfter : undefined;
    if (limit !== undefined) {
      behaviour.cutTimes--;
      record.sent = limit;
      res.write(rest.subarray(0, limit), () => res.socket?.destroy());
    } else if (behaviour.stallAfter !== undefined) {
      record.sent = behaviour.stallAfter;
      res.write(rest.subarray(0, behaviour.stallAfter));
    } else {
      record.sent = rest.length;
      res.end(rest);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/tiny.gguf`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(async () => {
  behaviour = fresh();
  requests = [];
  dir = await mkdtemp(path.join(os.tmpdir(), 'dramatis-download-'));
});

afterEach(async () => {
  server.closeAllConnections();
  await rm(dir, { recursive: true, force: true });
});

const destination = () => path.join(dir, 'models', 'tiny.gguf');
const part = () => `${destination()}.part`;
const download = (options: Partial<DownloadOptions> = {}) =>
  downloadModel({ url, destination: destination(), sha256: fileSha, retryDelayMs: 0, ...options });

async function rejection(promise: Promise<unknown>): Promise<LlmError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

/** Buffer.equals: toEqual walks 300 000 bytes one by one and takes a second. */
async function expectDownloaded(): Promise<void> {
  expect((await readFile(destination())).equals(file)).toBe(true);
}

async function writePart(bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(part()), { recursive: true });
  await writeFile(part(), bytes);
}

describe('downloadModel', () => {
  it('downloads the whole file with monotonic progress, verified, and leaves no part file', async () => {
    const progress: DownloadProgress[] = [];
    const result = await download({ onProgress: (p) => progress.push(p) });

    expect(result).toEqual({ path: destination(), bytes: file.length, resumed: false, sha256: fileSha });
    await expectDownloaded();
    expect(existsSync(part())).toBe(false);
    expect(requests).toEqual([{ range: undefined, sent: file.length }]);
    const received = progress.map((p) => p.received);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ received: file.length, total: file.length, resumedFrom: 0 });
  });

  it('resumes within the same call after the connection is cut mid-body', async () => {
    behaviour.cutAfter = 100_000;
    const progress: DownloadProgress[] = [];
    const result = await download({ onProgress: (p) => progress.push(p) });

    expect(result.resumed).toBe(true);
    await expectDownloaded();
    expect(requests).toHaveLength(2);
    const resumedFrom = progress.at(-1)!.resumedFrom;
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(100_000);
    expect(requests[1]).toEqual({ range: `bytes=${resumedFrom}-`, sent: file.length - resumedFrom });
    expect(progress.at(-1)!.received).toBe(file.length);
  });

  it('keeps the part file when retries run out, and a second call fetches only the missing bytes', async () => {
    behaviour.cutAfter = 100_000;
    const error = await rejection(download({ retries: 0 }));
    expect(error.code).toBe('llm/download-failed');
    expect(error.message).toMatch(/interrupted at .* of 300 KB/);
    expect(error.message).toContain(part());
    expect(error.message).toContain('run the same command again to resume');
    expect(existsSync(destination())).toBe(false);
    const kept = (await stat(part())).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(100_000);

    const result = await download();
    expect(result).toEqual({ path: destination(), bytes: file.length, resumed: true, sha256: fileSha });
    expect(requests[1]).toEqual({ range: `bytes=${kept}-`, sent: file.length - kept });
    await expectDownloaded();
  });

  it('restarts from zero when the server ignores the range', async () => {
    behaviour.ignoreRange = true;
    await writePart(randomBytes(150_000));
    requests = [];

    const result = await download();
    expect(result.resumed).toBe(false);
    await expectDownloaded();
    expect(requests).toEqual([{ range: 'bytes=150000-', sent: file.length }]);
  });

  it('restarts from zero when a 206 starts somewhere other than the bytes on disk', async () => {
    behaviour.rangeShift = -10;
    await writePart(file.subarray(0, 50_000));
    requests = [];

    const result = await download();
    await expectDownloaded();
    expect(requests.map((r) => r.range)).toEqual(['bytes=50000-', undefined]);
    expect(result.resumed).toBe(false);
  });

  it('finishes a part that already holds every byte (416 from the server, or no request at all)', async () => {
    await writePart(file);
    requests = [];
    expect(await download()).toMatchObject({ bytes: file.length, resumed: true, sha256: fileSha });
    expect(requests).toEqual([{ range: `bytes=${file.length}-`, sent: 0 }]);

    await rm(destination());
    await writePart(file);
    requests = [];
    await download({ expectedBytes: file.length });
    expect(requests).toEqual([]);
    await expectDownloaded();
  });

  it('refuses a file whose sha256 does not match and leaves nothing behind', async () => {
    behaviour.body = randomBytes(file.length);
    const error = await rejection(download());
    expect(error.code).toBe('llm/download-failed');
    expect(error.message).toContain(`expected ${fileSha}`);
    expect(existsSync(destination())).toBe(false);
    expect(existsSync(part())).toBe(false);
  });

  it('refuses a file whose size differs from the expected size', async () => {
    const error = await rejection(download({ expectedBytes: file.length + 1 }));
    expect(error.code).toBe('llm/download-failed');
    expect(error.message).toContain(`${file.length + 1} bytes were expected`);
    expect(existsSync(destination())).toBe(false);
  });

  it('reports llm/offline with the alternatives when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const error = await rejection(download({ url: `http://127.0.0.1:${port}/tiny.gguf` }));
    expect(error.code).toBe('llm/offline');
    expect(error.message).toContain(`127.0.0.1:${port} refused the connection`);
    expect(error.message).toContain('--model local:PATH');
    expect(error.message).toContain('--model ollama:NAME');
    expect(error.message).toContain('--model openai:gpt-4o-mini');
    expect(existsSync(destination())).toBe(false);
  });

  it('refuses a URL that is not http(s) before touching the disk', async () => {
    const error = await rejection(download({ url: 'ftp://example.org/tiny.gguf' }));
    expect(error.code).toBe('llm/download-failed');
    expect(error.message).toContain('not an http(s) URL');
    expect(existsSync(path.dirname(destination()))).toBe(false);
  });

  it('fails on a 404 without retrying, naming the status and URL', async () => {
    behaviour.status = 404;
    const error = await rejection(download());
    expect(error.code).toBe('llm/download-failed');
    expect(error.status).toBe(404);
    expect(error.message).toContain(url);
    expect(error.message).toContain('HTTP 404');
    expect(requests).toHaveLength(1);
  });

  it('retries a 500, then fails naming the status', async () => {
    behaviour.status = 500;
    const error = await rejection(download({ retries: 1 }));
    expect(error).toMatchObject({ code: 'llm/download-failed', status: 500, attempts: 2 });
    expect(error.message).toContain('HTTP 500');
    expect(requests).toHaveLength(2);
  });

  it('reports a full disk with the space needed, keeps the part, and resumes later', async () => {
    const capacity = 120_000;
    let used = 0;
    // Stores what fits, then fails like a full disk.
    const tinyDisk: OpenPartFile = async (file, mode) => {
      const handle = await open(file, mode === 'append' ? 'a' : 'w');
      return {
        async write(chunk) {
          const fits = Math.min(chunk.length, capacity - used);
          await handle.write(chunk.subarray(0, fits));
          used += fits;
          if (fits < chunk.length) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    };

    const error = await rejection(download({ openPartFile: tinyDisk }));
    expect(error.code).toBe('llm/download-failed');
    expect(error.message).toContain(`Disk full while downloading ${url}: 180 KB more needed in ${path.dirname(part())}`);
    expect(error.message).toContain(`the 120 KB downloaded so far are kept in ${part()}`);
    expect(requests).toHaveLength(1);
    expect(existsSync(destination())).toBe(false);
    expect((await stat(part())).size).toBe(capacity);

    const result = await download();
    expect(result.resumed).toBe(true);
    expect(requests[1].range).toBe(`bytes=${capacity}-`);
    await expectDownloaded();
  });

  it('stops on abort and keeps the part file', async () => {
    behaviour.stallAfter = 100_000;
    const controller = new AbortController();
    const promise = download({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.received === 100_000) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(destination())).toBe(false);
    expect((await stat(part())).size).toBe(100_000);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1_000, '1.0 KB'],
    [580_000, '580 KB'],
    [999_999, '1.0 MB'],
    [12_345_678, '12 MB'],
    [1_234_567_890, '1.2 GB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
