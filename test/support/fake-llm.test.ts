import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { instanceOf, parseFaultRates, startFakeLlm, type FakeFaultRates, type FakeLlm, type JsonSchema } from './fake-llm/index.ts';
import { advanceUntil, until } from './until.ts';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
afterEach(() => {
  vi.useRealTimers();
  fake.reset();
});

const post = (path: string, body: unknown, init: RequestInit = {}) =>
  fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...init });

/** A response's JSON, loosely typed for assertions. */
const json = (response: Response): Promise<any> => response.json();

/** The `data:` payloads of an SSE body. */
async function events(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

const hello = { model: 'fake', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }] };

describe('fake-llm chat completions', () => {
  it('answers a scripted text reply as a chat.completion with usage, and logs the request', async () => {
    fake.enqueue({ text: 'Good day.', usage: { promptTokens: 11, completionTokens: 3 } });
    const response = await post('/chat/completions', hello, { headers: { 'content-type': 'application/json', authorization: 'Bearer k' } });
    const body = await json(response);
    expect(response.status).toBe(200);
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'Good day.' }, finish_reason: 'stop' });
    expect(body.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: hello });
    expect(fake.requests[0].headers.authorization).toBe('Bearer k');
  });

  it('streams chunks, a finish reason, usage when asked, then [DONE]', async () => {
    fake.enqueue({ text: 'One two three four', chunkSize: 5 });
    const response = await post('/chat/completions', { ...hello, stream: true, stream_options: { include_usage: true } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const data = await events(response);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('One two three four');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta?.content).length).toBe(4);
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1).usage.completion_tokens).toBeGreaterThan(0);
  });

  it('serves tool calls in JSON and as streamed deltas', async () => {
    fake.enqueue({ toolCalls: [{ name: 'roll', arguments: { sides: 20 } }] }, { toolCalls: [{ name: 'roll', arguments: { sides: 6 } }], chunkSize: 4 });
    const completion = await json(await post('/chat/completions', hello));
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls[0]).toMatchObject({ type: 'function', function: { name: 'roll', arguments: '{"sides":20}' } });

    const chunks = (await events(await post('/chat/completions', { ...hello, stream: true }))).slice(0, -1).map((line) => JSON.parse(line));
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta?.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, function: { name: 'roll' } });
    expect(deltas.map((delta) => delta.function.arguments).join('')).toBe('{"sides":6}');
  });

  it('auto-replies with an instance of the requested JSON schema, and with an echo for text', async () => {
    const schema = z.object({
      thought: z.object({ belief: z.string(), emotion: z.enum(['calm', 'angry']) }),
      action: z.string().optional(),
      speech: z.string().max(30),
      mood: z.number().min(0.2).max(1),
      tags: z.array(z.string().min(3)).min(2),
      when: z.string().datetime(),
      kind: z.union([z.null(), z.literal('x')]),
    });
    const format = { type: 'json_schema', json_schema: { name: 'turn', schema: z.toJSONSchema(schema), strict: true } };
    const body = await json(await post('/chat/completions', { ...hello, response_format: format }));
    const value = JSON.parse(body.choices[0].message.content);
    expect(schema.parse(value)).toEqual(value);
    expect(value.speech).toContain('Hello there');

    const text = await json(await post('/chat/completions', hello));
    expect(text.choices[0].message.content).toContain('Hello there');
    const object = await json(await post('/chat/completions', { ...hello, response_format: { type: 'json_object' } }));
    expect(JSON.parse(object.choices[0].message.content)).toHaveProperty('reply');
  });

  it('builds instances through $ref, allOf and integer bounds', () => {
    const schema: JsonSchema = {
      $defs: { name: { type: 'string', minLength: 4, maxLength: 6 } },
      type: 'object',
      properties: { who: { $ref: '#/$defs/name' }, age: { type: 'integer', exclusiveMinimum: 17 }, both: { allOf: [{ properties: { a: { type: 'boolean' } } }, { properties: { b: { type: ['null', 'string'] } } }] } },
      required: ['who', 'age', 'both'],
    };
    const value = instanceOf(schema, { root: schema, echo: 'x', key: '', depth: 0 }) as { who: string; age: number; both: unknown };
    expect(value.who.length).toBeGreaterThanOrEqual(4);
    expect(value.who.length).toBeLessThanOrEqual(6);
    expect(value.age).toBe(18);
    expect(value.both).toEqual({ a: false, b: 'b…' });
  });

  it('answers invalid JSON when scripted, even when JSON was requested', async () => {
    fake.enqueue({ fault: 'invalid-json' });
    const body = await json(await post('/chat/completions', { ...hello, response_format: { type: 'json_object' } }));
    expect(() => JSON.parse(body.choices[0].message.content)).toThrow();
  });

  it('uses the handler first, then the queue, then the auto reply', async () => {
    const scripted = await startFakeLlm({ handler: (request) => (request.body.messages?.at(-1)?.content === 'ping' ? { text: 'pong' } : undefined) });
    try {
      scripted.enqueue({ text: 'queued' });
      const ask = async (content: string) => {
        const response = await fetch(`${scripted.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content }] }) });
        return (await json(response)).choices[0].message.content;
      };
      expect(await ask('ping')).toBe('pong');
      expect(await ask('other')).toBe('queued');
      expect(await ask('again')).toContain('again');
      expect(scripted.pending()).toBe(0);
    } finally {
      await scripted.close();
    }
  });
});

describe('fake-llm faults', () => {
  it('answers 429 with a fractional Retry-After, and 5xx with the chosen status', async () => {
    fake.enqueue({ fault: 'rate-limit', retryAfter: 0.05 }, { fault: 'server-error', status: 503 }, { fault: 'http-error', status: 400 });
    const limited = await post('/chat/completions', hello);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('0.05');
    expect((await json(limited)).error.type).toBe('rate_limit_error');
    expect((await post('/chat/completions', hello)).status).toBe(503);
    expect((await post('/chat/completions', hello)).status).toBe(400);
  });

  it('hangs until the client aborts', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fake.enqueue({ fault: 'hang' });
    const controller = new AbortController();
    let settled = false;
    const hanging = post('/chat/completions', hello, { signal: controller.signal }).finally(() => { settled = true; });
    await until(() => fake.inFlight === 1, 'the hanging request');
    // No timer answers it: a minute of the fake clock passes, and a request sent after it is answered while it waits.
    await vi.advanceTimersByTimeAsync(60_000);
    vi.useRealTimers();
    expect((await post('/chat/completions', hello)).status).toBe(200);
    expect(settled).toBe(false);
    controller.abort();
    await expect(hanging).rejects.toThrow();
    await until(() => fake.inFlight === 0, 'the server to let go of the aborted request');
  });

  it('cuts a stream without [DONE] and a JSON body mid-way', async () => {
    fake.enqueue({ fault: 'truncate', text: 'abcdefghijklmnop', afterChars: 6, chunkSize: 2 });
    const response = await post('/chat/completions', { ...hello, stream: true });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += decoder.decode(value);
        }
      })(),
    ).rejects.toThrow();
    expect(received).toContain('"content":"ef"');
    expect(received).not.toContain('ghij');
    expect(received).not.toContain('[DONE]');

    fake.enqueue({ fault: 'truncate', text: 'abcdefghijklmnop', afterChars: 3 });
    await expect((await post('/chat/completions', hello)).text()).rejects.toThrow();
  });

  it('delays replies by latencyMs and delayMs (on a fake clock)', async () => {
    const slow = await startFakeLlm({ latencyMs: 40 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      slow.enqueue({ text: 'late', delayMs: 40 });
      const started = Date.now();
      let answeredAt: number | undefined;
      void fetch(`${slow.url}/chat/completions`, { method: 'POST', body: JSON.stringify(hello) }).then(json).then(() => { answeredAt = Date.now(); });
      await advanceUntil(() => answeredAt !== undefined, 'the delayed reply');
      expect(answeredAt! - started).toBeGreaterThanOrEqual(80);
    } finally {
      vi.useRealTimers();
      await slow.close();
    }
  });

  it('serves at most `capacity` requests at once and records the concurrency it saw (on a fake clock)', async () => {
    const narrow = await startFakeLlm({ capacity: 1, latencyMs: 30 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const started = Date.now();
      const answeredAt: number[] = [];
      void Promise.all([1, 2, 3].map(() => fetch(`${narrow.url}/chat/completions`, { method: 'POST', body: JSON.stringify(hello) }).then(json).then(() => answeredAt.push(Date.now() - started))));
      await until(() => narrow.requests.length === 3, 'the three requests');
      await advanceUntil(() => answeredAt.length === 3, 'the three replies');
      // One at a time, 30 ms each: the replies come 30, 60 and 90 ms of the fake clock after the start, or later.
      expect(answeredAt.map((at, index) => at >= 30 * (index + 1))).toEqual([true, true, true]);
      expect(narrow.maxConcurrency).toBe(3);
    } finally {
      vi.useRealTimers();
      await narrow.close();
    }
  });

  it('requires the API key when configured', async () => {
    const guarded = await startFakeLlm({ apiKey: 'secret' });
    try {
      expect((await fetch(`${guarded.url}/models`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/models`, { headers: { authorization: 'Bearer secret' } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

describe('fake-llm random faults', () => {
  const issueRates: FakeFaultRates = { rateLimit: 0.3, serverError: 0.1, truncate: 0.05, invalidJson: 0.1 };
  const schema = { type: 'object', properties: { speech: { type: 'string' } }, required: ['speech'] };
  const asking = (i: number, stream = false) => ({
    ...hello, messages: [{ role: 'user', content: `question ${i}` }], stream,
    response_format: { type: 'json_schema', json_schema: { name: 'turn', schema } },
  });

  /** What a client sees for one request: the status, or `cut` / `badjson` / `ok` for a 200. */
  async function outcome(server: FakeLlm, body: ReturnType<typeof asking>): Promise<string> {
    const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: JSON.stringify(body) });
    if (response.status !== 200) return String(response.status);
    let text: string;
    try {
      text = await response.text();
    } catch {
      return 'cut';
    }
    const content = body.stream
      ? text.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => (JSON.parse(e.slice(6)) as any).choices[0]?.delta?.content ?? '').join('')
      : (JSON.parse(text) as any).choices[0].message.content;
    if (body.stream && !text.includes('[DONE]')) return 'cut';
    try {
      JSON.parse(content);
      return 'ok';
    } catch {
      return 'badjson';
    }
  }

  async function outcomes(rates: FakeFaultRates, count: number, stream = false): Promise<{ seen: string[]; counts: FakeLlm['faultCounts'] }> {
    const server = await startFakeLlm({ faults: rates });
    try {
      const seen: string[] = [];
      for (let i = 0; i < count; i++) seen.push(await outcome(server, asking(i, stream)));
      return { seen, counts: { ...server.faultCounts } };
    } finally {
      await server.close();
    }
  }

  it('parses --faults and refuses bad names, rates and sums', () => {
    expect(parseFaultRates('429:0.3,500:0.1,trunc:0.05,badjson:0.1')).toEqual(issueRates);
    expect(parseFaultRates('hang:0.01')).toEqual({ hang: 0.01 });
    expect(() => parseFaultRates('418:0.1')).toThrow(/'418:0.1' is not NAME:RATE/);
    expect(() => parseFaultRates('429:much')).toThrow(/must be a number from 0 to 1/);
    expect(() => parseFaultRates('429:0.7,500:0.5')).toThrow(/add up to 1.2/);
  });

  it('injects each fault at about its rate, the same ones for the same seed and requests, others for another seed', async () => {
    const [first, again, other] = await Promise.all([3, 3, 4].map((seed) => outcomes({ ...issueRates, seed }, 300)));
    const tally = (kind: string) => first.seen.filter((o) => o === kind).length;
    // 300 draws: each count is within about three standard deviations of its rate.
    expect(tally('429')).toBeGreaterThan(65);
    expect(tally('429')).toBeLessThan(115);
    expect(tally('500')).toBeGreaterThan(14);
    expect(tally('500')).toBeLessThan(46);
    expect(tally('cut')).toBeGreaterThan(3);
    expect(tally('cut')).toBeLessThan(27);
    expect(tally('badjson')).toBeGreaterThan(14);
    expect(tally('badjson')).toBeLessThan(46);
    expect(first.counts).toEqual({ rateLimit: tally('429'), serverError: tally('500'), truncate: tally('cut'), invalidJson: tally('badjson'), hang: 0 });
    expect(again.seen).toEqual(first.seen);
    expect(other.seen).not.toEqual(first.seen);
  });

  it('cuts streams after some content and asks 429s and 500s to wait; a repeated request draws anew', async () => {
    const streamed = await outcomes({ truncate: 0.5, invalidJson: 0.5 }, 40, true);
    expect(new Set(streamed.seen)).toEqual(new Set(['cut', 'badjson']));
    const server = await startFakeLlm({ faults: { rateLimit: 0.5, serverError: 0.5, retryAfterMs: 20 } });
    try {
      const statuses = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: JSON.stringify(hello) });
        expect(response.headers.get('retry-after-ms')).toBe('20');
        statuses.add(response.status);
      }
      // The same body twenty times: each repeat is a new draw, as a client's retry is.
      expect(statuses).toEqual(new Set([429, 500]));
    } finally {
      await server.close();
    }
    const cut = await startFakeLlm({ faults: { truncate: 1 } });
    try {
      const response = await fetch(`${cut.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ ...hello, stream: true }) });
      await expect(response.text()).rejects.toThrow();
    } finally {
      await cut.close();
    }
  });
});

describe('fake-llm embeddings and models', () => {
  it('returns deterministic normalized bag-of-words vectors, or scripted ones', async () => {
    const embed = async (input: string[]) => json(await post('/embeddings', { model: 'fake-embed', input }));
    const first = await embed(['the old lighthouse keeper', 'the lighthouse keeper, old', 'a recipe for bread']);
    expect(first.data).toHaveLength(3);
    const [a, b, c] = first.data.map((item: { embedding: number[] }) => item.embedding);
    expect(a).toHaveLength(64);
    const dot = (x: number[], y: number[]) => x.reduce((sum, value, i) => sum + value * y[i], 0);
    expect(dot(a, a)).toBeCloseTo(1, 6);
    expect(dot(a, b)).toBeCloseTo(1, 6);
    expect(dot(a, c)).toBeLessThan(0.5);
    expect(first.usage.prompt_tokens).toBeGreaterThan(0);
    expect((await embed(['the old lighthouse keeper'])).data[0].embedding).toEqual(a);

    fake.enqueueEmbeddings({ vectors: [[1, 0]] });
    expect((await embed(['x'])).data[0].embedding).toEqual([1, 0]);
  });

  it('lists models', async () => {
    const body = await json(await fetch(`${fake.url}/models`));
    expect(body).toMatchObject({ object: 'list', data: [{ id: 'fake', object: 'model' }] });
  });
});
