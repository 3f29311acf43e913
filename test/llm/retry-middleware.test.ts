import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { simulateReadableStream, streamText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { retryMiddleware } from '../../src/llm/middleware/retry.ts';
import { timeoutMiddleware } from '../../src/llm/middleware/timeout.ts';
import { DEFAULT_RETRY } from '../../src/llm/retry-policy.ts';

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
const finish: LanguageModelV3StreamPart = { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage };
const text = (delta: string): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 't', delta });
const networkError = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

function scripted(...streams: LanguageModelV3StreamPart[][]) {
  let call = 0;
  return new MockLanguageModelV3({
    doStream: async () => ({ stream: simulateReadableStream({ chunks: streams[Math.min(call++, streams.length - 1)] }) }),
  });
}

const retry = (model: MockLanguageModelV3) =>
  wrapLanguageModel({
    model,
    middleware: retryMiddleware({ model: 'mock:m', retry: { ...DEFAULT_RETRY, baseDelayMs: 1 }, sleep: async () => {}, random: () => 0 }),
  });

describe('retry middleware on streams (mock model)', () => {
  it('turns an error part after output into a failed stream, so text rejects instead of coming back short', async () => {
    const model = scripted([{ type: 'text-start', id: 't' }, text('Hel'), { type: 'error', error: new Error('upstream overloaded') }, finish]);
    const result = streamText({ model: retry(model), prompt: 'x', onError: () => {} });
    await expect(result.text).rejects.toMatchObject({ code: 'llm/stream-cut', message: 'mock:m: the reply stream broke off after 3 characters: upstream overloaded' });
    expect(model.doStreamCalls).toHaveLength(1);
  });

  it('retries when the error part comes before any output', async () => {
    const model = scripted(
      [{ type: 'stream-start', warnings: [] }, { type: 'error', error: networkError }],
      [{ type: 'text-start', id: 't' }, text('Fine.'), { type: 'text-end', id: 't' }, finish],
    );
    expect(await streamText({ model: retry(model), prompt: 'x' }).text).toBe('Fine.');
    expect(model.doStreamCalls).toHaveLength(2);
  });

  it('passes an empty reply through untouched', async () => {
    const model = scripted([{ type: 'stream-start', warnings: [] }, finish]);
    expect(await streamText({ model: retry(model), prompt: 'x' }).text).toBe('');
  });
});

describe('timeout middleware (mock model)', () => {
  it('fails a stream whose source ignores the abort signal', async () => {
    const never = new MockLanguageModelV3({ doStream: async () => ({ stream: new ReadableStream<LanguageModelV3StreamPart>({ pull: () => new Promise(() => {}) }) }) });
    const model = wrapLanguageModel({ model: never, middleware: timeoutMiddleware({ timeoutMs: 50, idleTimeoutMs: 50 }) });
    const result = streamText({ model, prompt: 'x', onError: () => {} });
    await expect(result.text).rejects.toMatchObject({ code: 'llm/timeout', message: 'no answer within 50 ms' });
  });
});
