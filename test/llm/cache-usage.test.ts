import { generateText, Output, streamText } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isCachedResult } from '../../src/llm/index.ts';
import type { UsageRecord } from '../../src/store/types.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { fakeModel, memoryStore } from './helpers.ts';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const messages = [{ role: 'user' as const, content: 'Tell me about the storm.' }];

describe('response cache', () => {
  it('answers a repeated generate call from the store without a request', async () => {
    const store = memoryStore();
    fake.enqueue({ text: 'It came at night.' }, { text: 'A different answer.' });
    const model = fakeModel(fake, { store });
    const first = await generateText({ model, messages, temperature: 0.7 });
    const second = await generateText({ model, messages, temperature: 0.7 });
    expect(second.text).toBe('It came at night.');
    expect(fake.chatRequests()).toHaveLength(1);
    expect(isCachedResult(first.providerMetadata)).toBe(false);
    expect(isCachedResult(second.providerMetadata)).toBe(true);
    expect(second.response.timestamp).toBeInstanceOf(Date);
  });

  it('replays a cached stream as a stream, structured output included', async () => {
    const store = memoryStore();
    const schema = z.object({ speech: z.string() });
    fake.enqueue({ json: { speech: 'The storm broke the mast.' }, chunkSize: 3, chunkDelayMs: 5 });
    const model = fakeModel(fake, { store });
    const run = () => streamText({ model, messages, output: Output.object({ schema }) });
    const first = run();
    expect(await first.output).toEqual({ speech: 'The storm broke the mast.' });
    const second = run();
    const deltas: string[] = [];
    for await (const delta of second.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(await second.output).toEqual({ speech: 'The storm broke the mast.' });
    expect(isCachedResult(await second.providerMetadata)).toBe(true);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('keys on everything that shapes the output: prompt, settings, schema, model, endpoint', async () => {
    const store = memoryStore();
    const model = fakeModel(fake, { store });
    await generateText({ model, messages });
    await generateText({ model, messages: [{ role: 'user', content: 'Something else.' }] });
    await generateText({ model, messages, temperature: 0.1 });
    await generateText({ model, messages, output: Output.object({ schema: z.object({ a: z.string() }) }) });
    await generateText({ model: fakeModel(fake, { store }, 'openai-compatible:other'), messages });
    await generateText({ model, messages });
    expect(fake.chatRequests()).toHaveLength(5);
    expect(store.cache.size).toBe(5);
  });

  it('bypasses reads and writes with cache: false', async () => {
    const store = memoryStore();
    const model = fakeModel(fake, { store, cache: false });
    await generateText({ model, messages });
    await generateText({ model, messages });
    const stream = streamText({ model, messages });
    await stream.text;
    expect(fake.chatRequests()).toHaveLength(3);
    expect(store.cache.size).toBe(0);
    expect(store.usage).toHaveLength(3);
  });

  it('does not store failed calls', async () => {
    const store = memoryStore();
    fake.enqueue({ fault: 'http-error', status: 400 }, { text: 'Now it works.' });
    const model = fakeModel(fake, { store });
    await expect(generateText({ model, messages })).rejects.toMatchObject({ code: 'llm/bad-request' });
    expect(store.cache.size).toBe(0);
    expect((await generateText({ model, messages })).text).toBe('Now it works.');
  });

  it('does not store JSON replies that do not parse or do not match the schema, so a retry can do better', async () => {
    const store = memoryStore();
    const schema = z.object({ speech: z.string() });
    const model = fakeModel(fake, { store });
    const ask = () => generateText({ model, messages, output: Output.object({ schema }) }).then((result) => result.output);
    fake.enqueue({ fault: 'invalid-json' }, { json: { speech: 42 } }, { json: { speech: 'At last.' } }, { json: { speech: 'Never asked.' } });
    await expect(ask()).rejects.toThrow();
    const stream = streamText({ model, messages, output: Output.object({ schema }) });
    await expect(stream.output).rejects.toThrow();
    expect(await ask()).toEqual({ speech: 'At last.' });
    expect(await ask()).toEqual({ speech: 'At last.' });
    expect(fake.chatRequests()).toHaveLength(3);
    expect(store.cache.size).toBe(1);
  });
});

describe('usage', () => {
  it('records tokens from the server for generate and stream, with the episode and spec', async () => {
    const store = memoryStore();
    const seen: UsageRecord[] = [];
    fake.enqueue(
      { text: 'First.', usage: { promptTokens: 120, completionTokens: 7, cachedTokens: 100 } },
      { text: 'Second.', usage: { promptTokens: 130, completionTokens: 9 } },
    );
    const model = fakeModel(fake, { store, episodeId: 'ep-1', onUsage: (usage) => seen.push(usage), cache: false });
    await generateText({ model, messages });
    await streamText({ model, messages }).text;
    expect(store.usage).toMatchObject([
      { episodeId: 'ep-1', model: 'openai-compatible:fake', inputTokens: 120, outputTokens: 7, cachedInputTokens: 100, cached: false },
      { episodeId: 'ep-1', model: 'openai-compatible:fake', inputTokens: 130, outputTokens: 9, cachedInputTokens: 0, cached: false },
    ]);
    expect(seen).toEqual(store.usage);
  });

  it('records cache hits as cached calls that spent no tokens', async () => {
    const store = memoryStore();
    fake.enqueue({ text: 'Once.', usage: { promptTokens: 50, completionTokens: 2 } });
    const model = fakeModel(fake, { store, episodeId: 'ep-2' });
    await streamText({ model, messages }).text;
    await streamText({ model, messages }).text;
    expect(store.usage).toMatchObject([
      { inputTokens: 50, outputTokens: 2, cached: false },
      { inputTokens: 0, outputTokens: 0, cached: true },
    ]);
  });

  it('records usage with onUsage alone, without a store', async () => {
    const seen: UsageRecord[] = [];
    fake.enqueue({ text: 'Hi.', usage: { promptTokens: 3, completionTokens: 1 } });
    await generateText({ model: fakeModel(fake, { onUsage: (usage) => seen.push(usage) }), messages });
    expect(seen).toMatchObject([{ inputTokens: 3, outputTokens: 1, cached: false }]);
  });
});
