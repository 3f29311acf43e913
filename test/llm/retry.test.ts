import { generateText, Output, streamText } from 'ai';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { LlmError } from '../../src/llm/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { advanceUntil, until } from '../support/until.ts';
import { fakeModel, memoryStore, recordingSleep } from './helpers.ts';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
afterEach(() => {
  vi.useRealTimers();
  fake.reset();
});

async function failure(run: () => Promise<unknown>): Promise<LlmError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof LlmError)) throw new Error(`expected an LlmError, got ${String(error)}`);
  return error;
}

/** Consumes a streamText result the way callers do, returning the text or throwing the stream's error. */
async function streamedText(result: ReturnType<typeof streamText>): Promise<string> {
  let text = '';
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'error') throw part.error;
  }
  return text;
}

describe('retries', () => {
  it('honours a fractional Retry-After on 429, then succeeds', async () => {
    const { waits, sleep } = recordingSleep();
    fake.enqueue({ fault: 'rate-limit', retryAfter: 0.05 }, { text: 'Patience rewarded.' });
    const result = await generateText({ model: fakeModel(fake, { sleep, retry: { baseDelayMs: 10_000 } }), prompt: 'Hi' });
    expect(result.text).toBe('Patience rewarded.');
    expect(fake.chatRequests()).toHaveLength(2);
    expect(waits).toHaveLength(1);
    // The header's 50 ms plus at most 10 % jitter, not the 10 s backoff.
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(55);
  });

  it('really waits for Retry-After with the default sleep (request times on a fake clock)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    fake.enqueue({ fault: 'rate-limit', retryAfter: 0.05 }, { text: 'ok' });
    const reply = generateText({ model: fakeModel(fake, { retry: { baseDelayMs: 1 } }), prompt: 'Hi' });
    await advanceUntil(() => fake.chatRequests().length === 2, 'the retried request');
    expect((await reply).text).toBe('ok');
    const [first, second] = fake.chatRequests();
    // The server stamps requests with Date.now(), which moves only with the fake clock: no retry before the 50 ms.
    expect(second.at - first.at).toBeGreaterThanOrEqual(50);
  });

  it('reads retry-after-ms', async () => {
    const { waits, sleep } = recordingSleep();
    fake.enqueue({ fault: 'rate-limit', retryAfterMs: 30 }, { text: 'ok' });
    await generateText({ model: fakeModel(fake, { sleep, random: () => 0 }), prompt: 'Hi' });
    expect(waits).toEqual([30]);
  });

  it('gives up on a 429 storm with llm/rate-limited, naming the model and the attempts', async () => {
    const { waits, sleep } = recordingSleep();
    fake.enqueue(...Array.from({ length: 10 }, () => ({ fault: 'rate-limit' as const, retryAfter: 0.05 })));
    const error = await failure(() => generateText({ model: fakeModel(fake, { sleep, retry: { maxRetries: 3 } }), prompt: 'Hi' }));
    expect(error.code).toBe('llm/rate-limited');
    expect(error.attempts).toBe(4);
    expect(error.status).toBe(429);
    expect(error.model).toBe('openai-compatible:fake');
    expect(error.message).toBe('openai-compatible:fake: rate limited after 4 attempts (last status HTTP 429): wait and retry, or lower the concurrency');
    expect(error.message).not.toContain('\n');
    expect(fake.chatRequests()).toHaveLength(4);
    expect(waits).toHaveLength(3);
  });

  it('stops at once when Retry-After asks for longer than maxRetryAfterMs', async () => {
    const { waits, sleep } = recordingSleep();
    fake.enqueue({ fault: 'rate-limit', retryAfter: 120 });
    const error = await failure(() => generateText({ model: fakeModel(fake, { sleep }), prompt: 'Hi' }));
    expect(error.code).toBe('llm/rate-limited');
    expect(error.message).toContain('the server asked to wait 120 s, longer than the 60 s allowed');
    expect(error.attempts).toBe(1);
    expect(waits).toEqual([]);
  });

  it('retries 5xx with exponential backoff, then succeeds', async () => {
    const { waits, sleep } = recordingSleep();
    fake.enqueue({ fault: 'server-error' }, { fault: 'server-error', status: 503 }, { text: 'Back on my feet.' });
    const model = fakeModel(fake, { sleep, random: () => 1, retry: { baseDelayMs: 100, maxDelayMs: 150 } });
    expect((await generateText({ model, prompt: 'Hi' })).text).toBe('Back on my feet.');
    expect(waits).toEqual([100, 150]);
  });

  it('fails 5xx for good with llm/server-error and the last status', async () => {
    const { sleep } = recordingSleep();
    fake.enqueue({ fault: 'server-error', status: 502 }, { fault: 'server-error', status: 503 });
    const error = await failure(() => generateText({ model: fakeModel(fake, { sleep, retry: { maxRetries: 1 } }), prompt: 'Hi' }));
    expect(error).toMatchObject({ code: 'llm/server-error', status: 503, attempts: 2 });
  });

  it('does not retry 400 (llm/bad-request) or 401 (llm/auth)', async () => {
    const { waits, sleep } = recordingSleep();
    fake.enqueue({ fault: 'http-error', status: 400, message: 'context too long' }, { fault: 'http-error', status: 401 });
    const bad = await failure(() => generateText({ model: fakeModel(fake, { sleep }), prompt: 'Hi' }));
    expect(bad).toMatchObject({ code: 'llm/bad-request', status: 400, attempts: 1 });
    expect(bad.message).toContain('context too long');
    const auth = await failure(() => generateText({ model: fakeModel(fake, { sleep }), prompt: 'Hi' }));
    expect(auth).toMatchObject({ code: 'llm/auth', status: 401 });
    expect(auth.message).toContain('DRAMATIS_API_KEY');
    expect(fake.chatRequests()).toHaveLength(2);
    expect(waits).toEqual([]);
  });

  it('retries a connection refused, then fails with llm/network', async () => {
    const closed = await startFakeLlm();
    await closed.close();
    const { waits, sleep } = recordingSleep();
    const error = await failure(() => generateText({ model: fakeModel(closed, { sleep, retry: { maxRetries: 2 } }), prompt: 'Hi' }));
    expect(error).toMatchObject({ code: 'llm/network', attempts: 3 });
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(waits).toHaveLength(2);
  });

  it('retries a JSON body cut off mid-way', async () => {
    const { sleep } = recordingSleep();
    fake.enqueue({ fault: 'truncate', text: 'Half a reply that', afterChars: 4 }, { text: 'Whole reply.' });
    expect((await generateText({ model: fakeModel(fake, { sleep }), prompt: 'Hi' })).text).toBe('Whole reply.');
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('stops retrying when the caller aborts, with the abort error', async () => {
    fake.enqueue(...Array.from({ length: 5 }, () => ({ fault: 'server-error' as const })));
    const controller = new AbortController();
    const sleep = async () => controller.abort();
    const error = await generateText({ model: fakeModel(fake, { sleep }), prompt: 'Hi', abortSignal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(LlmError);
    expect(fake.chatRequests()).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('turns a hung request into llm/timeout within the configured time, retrying a timeout once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    fake.enqueue({ fault: 'hang' }, { fault: 'hang' }, { fault: 'hang' });
    const { sleep } = recordingSleep();
    let settled = false;
    const outcome = failure(() => generateText({ model: fakeModel(fake, { sleep, timeoutMs: 200 }), prompt: 'Hi' })).finally(() => { settled = true; });
    // Each attempt has 200 ms of the fake clock: nothing happens a millisecond before, the next step happens at it.
    for (const attempt of [1, 2]) {
      await until(() => fake.chatRequests().length === attempt, `attempt ${attempt}`);
      await vi.advanceTimersByTimeAsync(199);
      await delay(20); // what an early timeout would have done, it has done by now
      expect(settled, `attempt ${attempt} gave up before 200 ms`).toBe(false);
      expect(fake.chatRequests()).toHaveLength(attempt);
      await vi.advanceTimersByTimeAsync(1);
    }
    const error = await outcome;
    expect(fake.chatRequests()).toHaveLength(2);
    expect(error).toMatchObject({ code: 'llm/timeout', attempts: 2 });
    expect(error.message).toBe('openai-compatible:fake: no answer within 200 ms (2 attempts)');
    vi.useRealTimers();
    await until(() => fake.inFlight === 0, 'the server to see both requests abandoned');
  });

  it('retries a hung stream, and times out a stream that stalls after output as llm/stream-cut', async () => {
    const { sleep } = recordingSleep();
    fake.enqueue({ fault: 'hang' }, { text: 'Recovered.' });
    const recovered = streamText({ model: fakeModel(fake, { sleep, timeoutMs: 200 }), prompt: 'Hi' });
    expect(await streamedText(recovered)).toBe('Recovered.');

    fake.enqueue({ text: 'Slow words drip out.', chunkSize: 5, chunkDelayMs: 400 });
    const stalled = streamText({ model: fakeModel(fake, { sleep, timeoutMs: 1000, idleTimeoutMs: 150 }), prompt: 'Hi' });
    const error = await failure(() => streamedText(stalled));
    expect(error.code).toBe('llm/stream-cut');
    expect(error.message).toMatch(/broke off after 5 characters: the reply stalled for 150 ms/);
  });
});

describe('streams cut mid-reply', () => {
  it('surfaces a cut after output as llm/stream-cut: fullStream throws and text rejects, no retry', async () => {
    const { sleep } = recordingSleep();
    fake.enqueue({ fault: 'truncate', text: 'I remember the night the lighthouse went dark', afterChars: 12, chunkSize: 4 });
    const result = streamText({ model: fakeModel(fake, { sleep }), prompt: 'Hi', onError: () => {} });
    const error = await failure(() => streamedText(result));
    expect(error.code).toBe('llm/stream-cut');
    expect(error.message).toMatch(/^openai-compatible:fake: the reply stream broke off after 12 characters/);
    await expect(result.text).rejects.toThrow();
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('also rejects streamText().text for callers that only await the text', async () => {
    fake.enqueue({ fault: 'truncate', text: 'A short-changed reply', afterChars: 8 });
    const result = streamText({ model: fakeModel(fake), prompt: 'Hi', onError: () => {} });
    await expect(result.text).rejects.toMatchObject({ code: 'llm/stream-cut' });
  });

  it('retries a stream cut before any output, invisibly', async () => {
    const { sleep } = recordingSleep();
    fake.enqueue({ fault: 'truncate', text: 'lost', afterChars: 0 }, { text: 'Second time lucky.' });
    const result = streamText({ model: fakeModel(fake, { sleep }), prompt: 'Hi' });
    expect(await streamedText(result)).toBe('Second time lucky.');
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('retries a 429 before a structured stream starts', async () => {
    const { waits, sleep } = recordingSleep();
    fake.enqueue({ fault: 'rate-limit', retryAfter: 0.05 }, { json: { speech: 'Hello.' } });
    const result = streamText({ model: fakeModel(fake, { sleep }), prompt: 'Hi', output: Output.object({ schema: z.object({ speech: z.string() }) }) });
    expect(await result.output).toEqual({ speech: 'Hello.' });
    expect(waits).toHaveLength(1);
  });

  it('never caches or records usage for a cut stream', async () => {
    const store = memoryStore();
    fake.enqueue({ fault: 'truncate', text: 'Half of a story', afterChars: 6 });
    const result = streamText({ model: fakeModel(fake, { store, episodeId: 'e1' }), prompt: 'Hi', onError: () => {} });
    await expect(streamedText(result)).rejects.toMatchObject({ code: 'llm/stream-cut' });
    expect(store.cache.size).toBe(0);
    expect(store.usage).toEqual([]);
  });
});
