import { generateText, streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelRuntime, Semaphore } from '../../src/llm/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { fakeModel } from './helpers.ts';

let fake: FakeLlm | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('concurrency limit', () => {
  it('keeps 10 parallel calls to at most 2 in flight, shared by every model of the runtime', async () => {
    fake = await startFakeLlm({ latencyMs: 30 });
    const runtime = createModelRuntime({ concurrency: { 'openai-compatible': 2 } });
    const a = fakeModel(fake, { runtime });
    const b = fakeModel(fake, { runtime }, 'openai-compatible:other');
    const calls = Array.from({ length: 10 }, (_, i) =>
      i % 2 ? generateText({ model: a, prompt: `call ${i}` }).then((result) => result.text) : streamText({ model: b, prompt: `call ${i}` }).text,
    );
    const texts = await Promise.all(calls);
    expect(texts).toHaveLength(10);
    expect(fake.requests).toHaveLength(10);
    expect(fake.maxConcurrency).toBe(2);
  });

  it('gives each provider endpoint its own limiter', async () => {
    // Whichever server gets its request second records whether the other one's is still in flight.
    let overlapped = false;
    let other: FakeLlm | undefined;
    fake = await startFakeLlm({ latencyMs: 300, handler: () => { overlapped ||= other!.inFlight === 1; return undefined; } });
    other = await startFakeLlm({ latencyMs: 300, handler: () => { overlapped ||= fake!.inFlight === 1; return undefined; } });
    try {
      const runtime = createModelRuntime({ concurrency: 1 });
      await Promise.all([generateText({ model: fakeModel(fake, { runtime }), prompt: 'a' }), generateText({ model: fakeModel(other, { runtime }), prompt: 'b' })]);
      expect(overlapped).toBe(true);
      expect(runtime.limiter('openai-compatible', fake.url)).toBe(runtime.limiter('openai-compatible', fake.url));
      expect(runtime.limiter('openai-compatible', fake.url)).not.toBe(runtime.limiter('openai-compatible', other.url));
      expect(runtime.limiter('ollama', fake.url)).not.toBe(runtime.limiter('openai-compatible', fake.url));
    } finally {
      await other!.close();
    }
  });

  it('lets a waiting caller leave the queue when it aborts', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    expect(semaphore.waiting).toBe(1);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(semaphore.waiting).toBe(0);
    release();
    expect(semaphore.active).toBe(0);
  });
});
