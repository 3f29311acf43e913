import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';

// A second, independently written OpenAI-compatible server that speaks the wire format the way other
// implementations do: CRLF line ends, no space after `data:`, keep-alive comments, a role-only first delta,
// `content: null` chunks, no usage, and (optionally) no `[DONE]`. It keeps its own request log.
type Variant = { done: boolean };
let server: Server;
let url: string;
const log: { path: string; body: Record<string, unknown> }[] = [];
let variant: Variant = { done: true };

const reply = JSON.stringify({
  thought: { belief: 'A stranger at the door.', intention: 'Test them.', desire: 'Quiet.', emotion: 'wary', knowledge: 'The cape.' },
  action: 'raises the lantern',
  speech: 'State your business — quickly, the wind is cold.',
});

function handle(request: IncomingMessage, response: ServerResponse): void {
  let raw = '';
  request.on('data', (c) => { raw += String(c); });
  request.on('end', () => {
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    log.push({ path: request.url ?? '', body });
    const base = { id: 'cmpl-x', object: 'chat.completion.chunk', created: 1, model: 'other' };
    if (body.stream !== true) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }] }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    const send = (chunk: unknown) => response.write(`data:${JSON.stringify(chunk)}\r\n\r\n`);
    response.write(': keep-alive\r\n\r\n');
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] });
    for (let i = 0; i < reply.length; i += 11) send({ ...base, choices: [{ index: 0, delta: { content: reply.slice(i, i + 11) }, finish_reason: null }] });
    send({ ...base, choices: [{ index: 0, delta: { content: null }, finish_reason: 'stop' }] });
    if (variant.done) response.write('data:[DONE]\r\n\r\n');
    response.end();
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => { await new Promise((resolve) => server.close(resolve)); });

const chat = (session: string) => runCli(
  ['chat', join(repoRoot, 'examples', 'cards', 'mirela.png'), '--model', 'openai-compatible:other', '--base-url', url, '--message', `Who goes there? (${session})`, '--session', session],
  { cwd: tempDir(), env: {} },
);

describe('another OpenAI-compatible server implementation', () => {
  it.each([
    ['CRLF SSE without usage, with [DONE]', { done: true }],
    ['CRLF SSE that just closes after the finish chunk', { done: false }],
  ])('chats over %s', async (_name, v) => {
    variant = v;
    log.length = 0;
    const { code, stdout, stderr } = await chat(`w${v.done}`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Mirela: *raises the lantern*');
    expect(stdout).toContain('State your business — quickly, the wind is cold.');
    expect(log).toHaveLength(1);
    expect(log[0].path).toBe('/v1/chat/completions');
    expect(log[0].body).toMatchObject({ model: 'other', stream: true });
  });
});
