import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withFastStream } from '../../src/llm/fast-stream.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';

let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => fake.reset());

const sdkModel = (baseURL: string) => createOpenAICompatible({ baseURL, name: 'openai-compatible', includeUsage: true, supportsStructuredOutputs: true }).chatModel('fake');

async function partsOf(model: LanguageModelV3, options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamPart[]> {
  const { stream } = await model.doStream(options);
  const parts: LanguageModelV3StreamPart[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

const text = (parts: LanguageModelV3StreamPart[]) => parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');
const call: LanguageModelV3CallOptions = {
  prompt: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hello there.' }] }],
  responseFormat: { type: 'json', name: 'turn', schema: { type: 'object', properties: { speech: { type: 'string' } }, required: ['speech'], additionalProperties: false } },
  temperature: 0.7, seed: 42, maxOutputTokens: 64,
};

describe('the fast streaming path for OpenAI-compatible servers', () => {
  it('sends exactly the request the SDK sends, and yields the same text, finish and usage', async () => {
    const sdk = sdkModel(fake.url);
    fake.enqueue({ json: { speech: 'The lamp is lit.' }, chunkSize: 3 }, { json: { speech: 'The lamp is lit.' }, chunkSize: 3 });
    const viaSdk = await partsOf(sdk, call);
    const viaFast = await partsOf(withFastStream(sdk), call);
    const [a, b] = fake.chatRequests();
    expect(b.body).toEqual(a.body);
    expect(b.headers['content-type']).toBe(a.headers['content-type']);
    expect(text(viaFast)).toBe(text(viaSdk));
    const finish = (parts: LanguageModelV3StreamPart[]) => parts.find((p) => p.type === 'finish') as Extract<LanguageModelV3StreamPart, { type: 'finish' }>;
    expect(finish(viaFast).finishReason).toEqual(finish(viaSdk).finishReason);
    expect(finish(viaFast).usage.inputTokens.total).toBe(finish(viaSdk).usage.inputTokens.total);
    expect(finish(viaFast).usage.outputTokens.total).toBe(finish(viaSdk).usage.outputTokens.total);
    expect(viaFast[0].type).toBe('stream-start');
    expect(viaFast.map((p) => p.type)).toEqual(expect.arrayContaining(['response-metadata', 'text-start', 'text-end']));
  });

  it('merges the deltas of one network read, but streams pieces that arrive apart', async () => {
    const fast = withFastStream(sdkModel(fake.url));
    fake.enqueue({ text: 'abcdefghijklmnopqrstuvwxyz', chunkSize: 2 });
    const together = await partsOf(fast, { prompt: call.prompt });
    expect(together.filter((p) => p.type === 'text-delta').length).toBeLessThan(13);
    fake.enqueue({ text: 'abcdefghijklmnopqrstuvwxyz', chunkSize: 2, chunkDelayMs: 5 });
    const apart = await partsOf(fast, { prompt: call.prompt });
    expect(text(apart)).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(apart.filter((p) => p.type === 'text-delta').length).toBeGreaterThan(6);
  });

  it('leaves calls with tools to the SDK', async () => {
    const sdk = sdkModel(fake.url);
    fake.enqueue({ toolCalls: [{ name: 'roll', arguments: { sides: 6 } }] });
    const parts = await partsOf(withFastStream(sdk), {
      prompt: call.prompt, tools: [{ type: 'function', name: 'roll', inputSchema: { type: 'object', properties: { sides: { type: 'number' } } } }],
    });
    expect(parts.find((p) => p.type === 'tool-call')).toMatchObject({ toolName: 'roll' });
  });

  describe('against a server with its own ideas', () => {
    let server: ReturnType<typeof createServer>;
    let url = '';
    let events: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of events) res.write(event);
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c1', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

    it('reads reasoning before the text, usage without [DONE], and events split across reads', async () => {
      events = [chunk({ reasoning_content: 'Think' }), chunk({ reasoning_content: 'ing.' }), chunk({ content: 'Hel' }).slice(0, 20), chunk({ content: 'Hel' }).slice(20), chunk({ content: 'lo.' }, 'stop'),
        `data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 3 } } })}\n\n`];
      const parts = await partsOf(withFastStream(sdkModel(url)), { prompt: call.prompt });
      expect(parts.filter((p) => p.type === 'reasoning-delta').map((p) => (p as { delta: string }).delta).join('')).toBe('Thinking.');
      expect(text(parts)).toBe('Hello.');
      expect(parts.findIndex((p) => p.type === 'reasoning-end')).toBeLessThan(parts.findIndex((p) => p.type === 'text-start'));
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' }, usage: { inputTokens: { total: 9, cacheRead: 3, noCache: 6 }, outputTokens: { total: 4 } } });
    });

    it('reads events with CRLF line ends, split anywhere', async () => {
      const crlf = [chunk({ content: 'One ' }), chunk({ content: 'two.' }, 'stop'), 'data: [DONE]\n\n'].join('').replace(/\n/g, '\r\n');
      events = [crlf.slice(0, 7), crlf.slice(7, crlf.indexOf('\r\n') + 1), crlf.slice(crlf.indexOf('\r\n') + 1)];
      const parts = await partsOf(withFastStream(sdkModel(url)), { prompt: call.prompt });
      expect(text(parts)).toBe('One two.');
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });
    });

    it('turns an error event or a broken event into an error part', async () => {
      events = [chunk({ content: 'Hi' }), `data: ${JSON.stringify({ error: { message: 'overloaded, try later' } })}\n\n`];
      const parts = await partsOf(withFastStream(sdkModel(url)), { prompt: call.prompt });
      expect(parts.at(-1)).toMatchObject({ type: 'error', error: 'overloaded, try later' });
      events = [chunk({ content: 'Hi' }), 'data: {"choices": [\n\n'];
      const broken = await partsOf(withFastStream(sdkModel(url)), { prompt: call.prompt });
      expect(String((broken.at(-1) as { error: Error }).error.message)).toMatch(/not JSON/);
    });
  });
});

describe('the fast non-streamed path for OpenAI-compatible servers', () => {
  it('sends exactly the request the SDK sends, and returns what the SDK returns', async () => {
    const sdk = sdkModel(fake.url);
    fake.enqueue({ json: { speech: 'The lamp is lit.' }, usage: { promptTokens: 31, completionTokens: 7, cachedTokens: 4 } });
    fake.enqueue({ json: { speech: 'The lamp is lit.' }, usage: { promptTokens: 31, completionTokens: 7, cachedTokens: 4 } });
    const viaSdk = await sdk.doGenerate(call);
    const viaFast = await withFastStream(sdk).doGenerate(call);
    const [a, b] = fake.chatRequests();
    expect(b.body).toEqual(a.body);
    expect(b.body.stream).toBeUndefined();
    const comparable = (r: typeof viaSdk) => ({
      content: r.content, finishReason: r.finishReason, usage: r.usage, providerMetadata: r.providerMetadata, warnings: r.warnings,
      request: r.request, response: { id: r.response?.id, modelId: r.response?.modelId, timestamp: r.response?.timestamp, body: r.response?.body },
    });
    expect(comparable(viaFast)).toEqual(comparable(viaSdk));
    expect(viaFast.usage.inputTokens).toMatchObject({ total: 31, cacheRead: 4, noCache: 27 });
  });

  it('fails as the SDK fails on a body that is not JSON, a cut body, an error status and a reply without choices', async () => {
    let body = '';
    const server = createServer((request, response) => {
      request.resume();
      response.setHeader('content-type', 'application/json');
      if (body === 'cut') {
        response.write('{"id": "x", "choices": [{"message": {"content": "the lamp');
        setTimeout(() => response.destroy(), 5);
      } else {
        response.end(body);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const sdk = sdkModel(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
      const fast = withFastStream(sdk);
      const failure = (model: LanguageModelV3) => model.doGenerate(call).then(() => undefined, (error: Error) => ({ name: error.name, message: error.message }));
      for (const reply of ['<html>Bad gateway</html>', 'cut', JSON.stringify({ id: 'x', choices: [] })]) {
        body = reply;
        const [viaSdk, viaFast] = [await failure(sdk), await failure(fast)];
        expect(viaSdk).toBeDefined();
        expect(viaFast).toEqual(viaSdk);
      }
      expect(await failure(fast)).toMatchObject({ name: 'AI_InvalidResponseDataError' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    fake.enqueue({ fault: 'http-error', status: 401, message: 'no key' });
    await expect(withFastStream(sdkModel(fake.url)).doGenerate(call)).rejects.toMatchObject({ name: 'AI_APICallError', statusCode: 401 });
  });
});
