import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cachedPathOf, LOCAL_CATALOG } from '../../src/llm/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';
import { writeTinyGguf } from '../support/tiny-gguf.ts';

// `dramatis chat` with no model flag, `local:` paths and Hub files, and `dramatis models`, against a local
// HTTP server standing in for the Hugging Face Hub (HF_ENDPOINT) that serves a generated GGUF model.

const card = join(repoRoot, 'examples', 'cards', 'mirela.png');
let tiny: Buffer;
let server: Server;
let hub: string;
let requests: { method?: string; url: string; range?: string }[] = [];
/** Cut the next response after this many bytes. */
let cutNextAfter: number | undefined;
/** The sha256 the Hub states for its files (`X-Linked-Etag`). */
let linkedSha: string;
/** The requests that fetched file bytes (from the CDN the Hub redirects to). */
const fileRequests = () => requests.filter((request) => request.url.startsWith('/cdn/'));

beforeAll(async () => {
  const path = join(tempDir(), 'tiny.gguf');
  await writeTinyGguf(path, { nCtx: 8192 });
  tiny = await readFile(path);
  // As the Hub does for large files: /resolve/ redirects to a CDN and states the file's sha256 and size.
  server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push({ method: req.method, url, range: req.headers.range });
    if (!url.startsWith('/cdn/') && /\/resolve\/[^/]+\/[^/]+\.gguf$/.test(url)) {
      return void res.writeHead(302, { location: `/cdn${url}`, 'x-linked-etag': `"${linkedSha}"`, 'x-linked-size': String(tiny.length) }).end();
    }
    if (!url.startsWith('/cdn/')) return void res.writeHead(404).end('Entry not found');
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const headers = { 'content-length': tiny.length - start, ...(start ? { 'content-range': `bytes ${start}-${tiny.length - 1}/${tiny.length}` } : {}) };
    res.writeHead(start ? 206 : 200, headers);
    const body = tiny.subarray(start);
    if (cutNextAfter !== undefined) {
      const cut = cutNextAfter;
      cutNextAfter = undefined;
      res.write(body.subarray(0, cut), () => res.socket?.destroy());
    } else res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let dir: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = tempDir();
  env = { DRAMATIS_MODELS_DIR: join(dir, 'models'), HF_ENDPOINT: hub, DRAMATIS_LOCAL_THREADS: '1' };
  requests = [];
  linkedSha = createHash('sha256').update(tiny).digest('hex');
});

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const chat = (...args: string[]) => runCli(['chat', card, '--message', 'Who are you?', ...args], { cwd: dir, env });
const defaultModel = LOCAL_CATALOG.find((model) => model.name === 'default')!;

describe('dramatis chat with an in-process model', () => {
  it('uses local:default when no model is named, from the model cache', async () => {
    const cached = cachedPathOf(defaultModel, env);
    await mkdir(dirname(cached), { recursive: true });
    await writeFile(cached, tiny);
    const result = await chat('--session', 's1', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { events } = JSON.parse(result.stdout) as { events: { kind: string; actor: string; text: string }[] };
    expect(events.map((event) => event.kind)).toEqual(expect.arrayContaining(['thought', 'speech']));
    expect(events.find((event) => event.kind === 'speech' && event.actor === 'Mirela')?.text.length).toBeGreaterThan(0);
    expect(requests).toHaveLength(0);
    const store = openSqliteStore(join(dir, '.dramatis', 'dramatis.db'));
    expect((await store.getEpisode('s1'))?.meta).toMatchObject({ model: 'local:default' });
    store.close();
  });

  it('refuses a download of the default model whose sha256 is not the pinned one, leaving no file behind', async () => {
    const result = await chat();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Downloading Qwen3 4B Instruct 2507, Q4_K_M \(local:default\): 2\.5 GB/);
    expect(result.stderr).toMatch(/is 580 KB \(580160 bytes\) but 2497280736 bytes were expected.*\[llm\/download-failed\]/);
    expect(requests[0]!.url).toBe(`/${defaultModel.repo}/resolve/${defaultModel.revision}/${defaultModel.file}`);
    expect(existsSync(cachedPathOf(defaultModel, env))).toBe(false);
  });

  it('says what to do instead when the Hub cannot be reached', async () => {
    const result = await runCli(['chat', card, '--message', 'Hi'], { cwd: dir, env: { ...env, HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\[llm\/offline\]/);
    for (const hint of ['--model local:PATH', 'ollama:NAME', 'OPENAI_API_KEY']) expect(result.stderr).toContain(hint);
  });

  it('runs a GGUF file by a path relative to the working directory', async () => {
    await writeFile(join(dir, 'mine.gguf'), tiny);
    const result = await chat('--model', 'local:./mine.gguf', '--session', 's2');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Mirela: /m);
    const store = openSqliteStore(join(dir, '.dramatis', 'dramatis.db'));
    expect((await store.getEpisode('s2'))?.meta).toMatchObject({ model: `local:${join(dir, 'mine.gguf')}` });
    store.close();
  });

  it('refuses a path that is not a GGUF model, naming it', async () => {
    await writeFile(join(dir, 'notes.gguf'), 'shopping list\n');
    const result = await chat('--model', 'local:notes.gguf');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(join(dir, 'notes.gguf'));
    expect(result.stderr).toMatch(/bad-model-file/);
    const missing = await chat('--model', 'local:./nowhere.gguf');
    expect(missing.stderr).toMatch(/nowhere\.gguf does not exist/);
  });
});

describe('dramatis scene run with local models', () => {
  it("reads a scene file's local: paths relative to the scene file, and runs every turn in process", async () => {
    await mkdir(join(dir, 'scenes', 'weights'), { recursive: true });
    await writeFile(join(dir, 'scenes', 'weights', 'tiny.gguf'), tiny);
    await writeFile(join(dir, 'scenes', 'duo.yaml'), [
      'title: Duo', 'models:', '  default: local:weights/tiny.gguf',
      'cast:', '  - character:', '      name: Ana', '  - character:', '      name: Bo', 'turns:', '  max: 3', '',
    ].join('\n'));
    const result = await runCli(['scene', 'run', 'scenes/duo.yaml', '--run-id', 'duo', '--quiet'], { cwd: dir, env });
    expect(result.stderr).not.toMatch(/error|warning/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^run duo: 1 done/m);
    const store = openSqliteStore(join(dir, '.dramatis', 'dramatis.db'));
    const speeches = (await store.listEvents('duo-e0')).filter((event) => event.kind === 'speech');
    // Round-robin; the random model may also end the scene early by having a character leave.
    expect(speeches.map((event) => event.actor).slice(0, 2)).toEqual(['Ana', 'Bo']);
    expect(speeches.every((event) => event.text.length > 0)).toBe(true);
    store.close();
  });
});

describe('dramatis models', () => {
  const hubSpec = 'hf:someone/Tiny-GGUF/tiny.gguf';

  it('pulls a Hub model with progress, resuming after a cut connection, then chats with it without downloading again', async () => {
    cutNextAfter = 200_000;
    const pulled = await runCli(['models', 'pull', hubSpec], { cwd: dir, env });
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toMatch(/Downloading someone\/Tiny-GGUF\/tiny\.gguf: 580 KB, once/);
    expect(pulled.stderr).toMatch(/downloading: 100% \(580 KB of 580 KB\)/);
    // The Hub was asked for the file's hash first, without following its redirect.
    expect(requests[0]).toMatchObject({ method: 'HEAD', url: '/someone/Tiny-GGUF/resolve/main/tiny.gguf' });
    // The second request resumes from the bytes that arrived before the cut (some may be lost in flight).
    const ranges = fileRequests().map((request) => request.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(200_000);
    const path = join(dir, 'models', 'someone', 'Tiny-GGUF', 'tiny.gguf');
    expect(pulled.stdout.trim()).toBe(`ready: local:${hubSpec} at ${path}`);
    expect(await readFile(path)).toEqual(tiny);

    const listed = await runCli(['models', 'list', '--json'], { cwd: dir, env });
    const { models } = JSON.parse(listed.stdout) as { models: { spec: string; status: string; bytes: number }[] };
    expect(models).toContainEqual(expect.objectContaining({ spec: `local:${hubSpec}`, status: 'ready', bytes: tiny.length }));
    expect(models).toContainEqual(expect.objectContaining({ spec: 'local:default', status: 'not downloaded', bytes: defaultModel.bytes }));

    const table = await runCli(['models', 'list'], { cwd: dir, env });
    expect(table.stdout).toContain(`Model cache: ${join(dir, 'models')}`);
    expect(table.stdout).toMatch(/local:default\s+2\.5 GB\s+not downloaded\s+Qwen3 4B Instruct 2507, Q4_K_M \(Apache-2\.0\)/);

    requests = [];
    const result = await chat('--model', `local:${hubSpec}`);
    expect(result.code).toBe(0);
    expect(requests).toHaveLength(0);
  });

  it('lists a partial download as partial, and the next pull resumes it', async () => {
    const part = join(dir, 'models', 'someone', 'Tiny-GGUF', 'tiny.gguf.part');
    await mkdir(dirname(part), { recursive: true });
    await writeFile(part, tiny.subarray(0, 100_000));
    const listed = JSON.parse((await runCli(['models', 'list', '--json'], { cwd: dir, env })).stdout) as { models: { spec: string; status: string }[] };
    expect(listed.models).toContainEqual(expect.objectContaining({ spec: `local:${hubSpec}`, status: 'partial' }));
    const pulled = await runCli(['models', 'pull', `local:${hubSpec}`], { cwd: dir, env });
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toMatch(/resuming after 100 KB/);
    expect(fileRequests().map((request) => request.range)).toEqual(['bytes=100000-']);
  });

  it('refuses a Hub file whose bytes do not match the sha256 the Hub states, keeping nothing', async () => {
    linkedSha = createHash('sha256').update('another file').digest('hex');
    const pulled = await runCli(['models', 'pull', hubSpec], { cwd: dir, env });
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toContain(`does not match its sha256 (expected ${linkedSha}`);
    expect(pulled.stderr).toContain('[llm/download-failed]');
    const path = join(dir, 'models', 'someone', 'Tiny-GGUF', 'tiny.gguf');
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.part`)).toBe(false);
  });
});
