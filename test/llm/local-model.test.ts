import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateText, Output, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TurnOutput } from '../../src/agent/turn-output.ts';
import {
  createLanguageModel, createModelRuntime, disposeLocalModels, LlmError, loadBinding, toGrammarSchema, type ModelOptions,
} from '../../src/llm/index.ts';
import { tempDir } from '../support/cli.ts';
import { DEFAULT_BIAS, writeTinyGguf } from '../support/tiny-gguf.ts';
import { localModelHost } from '../../src/llm/local/llama-host.ts';
import { memoryStore } from './helpers.ts';

let dir: string;
let modelPath: string;

beforeAll(async () => {
  dir = tempDir();
  modelPath = (await writeTinyGguf(join(dir, 'tiny.gguf'))).path;
});
afterAll(() => disposeLocalModels());

/** One thread: on two shared cores, llama.cpp's thread handoff costs more than a tiny model's arithmetic. */
function localModel(spec = `local:${modelPath}`, options: Partial<ModelOptions> = {}, local: ModelOptions['local'] = {}) {
  return createLanguageModel(spec, { env: {}, runtime: createModelRuntime(), local: { threads: 1, ...local }, ...options });
}

const system = 'You are Seraphina, guardian of the Eldoria forest. Speak warmly, in the first person. '.repeat(4);

describe('local: provider on a generated GGUF model', () => {
  it('generates text, with usage counted from the model’s own token meter', async () => {
    const result = await generateText({ model: localModel(), system, prompt: 'Who are you?', maxOutputTokens: 64, seed: 3 });
    expect(result.finishReason).toMatch(/stop|length/);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.inputTokens).toBeGreaterThan(system.length / 2);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('streams: the deltas add up to the final text', async () => {
    const result = streamText({ model: localModel(), system, prompt: 'Tell me about the forest.', maxOutputTokens: 48, seed: 4 });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(await result.text);
  });

  it('is deterministic for a seed', async () => {
    const ask = () => generateText({ model: localModel(), system, prompt: 'Say something.', maxOutputTokens: 32, seed: 11, temperature: 0.9 });
    expect((await ask()).text).toBe((await ask()).text);
  });

  it('produces JSON that validates against the agent’s turn schema (grammar from the JSON Schema, no length limits)', async () => {
    const result = await generateText({
      model: localModel(), system, prompt: 'What do you do now?', maxOutputTokens: 1500, seed: 5,
      output: Output.object({ schema: TurnOutput }),
    });
    expect(TurnOutput.safeParse(result.output).success).toBe(true);
  });

  it('produces JSON for a schema with enums, booleans, arrays and optional fields', async () => {
    // No number: random weights write 400-digit integers, which JSON.parse reads as Infinity.
    const schema = z.object({
      mood: z.enum(['calm', 'wary', 'angry']),
      trusted: z.boolean(),
      names: z.array(z.string().max(12)).max(3),
      note: z.string().max(20).optional(),
    });
    const result = await generateText({ model: localModel(), prompt: 'Rate the stranger.', maxOutputTokens: 400, seed: 6, output: Output.object({ schema }) });
    expect(schema.safeParse(result.output).success).toBe(true);
  });

  it('keeps the sequence between turns: the second turn evaluates only what is new', async () => {
    const model = localModel(`local:${modelPath}`, {}, { sequences: 1 });
    const first = await generateText({ model, system, prompt: 'Hello.', maxOutputTokens: 24, seed: 1 });
    const second = await generateText({
      model, system, maxOutputTokens: 24, seed: 2,
      messages: [{ role: 'user', content: 'Hello.' }, { role: 'assistant', content: first.text }, { role: 'user', content: 'And then?' }],
    });
    const details = second.usage.inputTokenDetails;
    expect(details.cacheReadTokens).toBeGreaterThan(system.length * 0.8);
    // The new user message in its chat template, about 40 byte tokens, against ~400 kept.
    expect(details.noCacheTokens).toBeLessThan(80);
    expect(second.usage.inputTokens).toBe((details.cacheReadTokens ?? 0) + (details.noCacheTokens ?? 0));
  });

  it('gives each of two alternating conversations its own warm sequence', async () => {
    const model = localModel(`local:${modelPath}`, {}, { sequences: 2, contextSize: 1024 });
    const ask = (who: string, text: string) => generateText({ model, system: `${who}. ${system}`, prompt: text, maxOutputTokens: 8, seed: 1 });
    await ask('Alice', 'One.');
    await ask('Bob', 'One.');
    const alice = await ask('Alice', 'One.');
    const bob = await ask('Bob', 'One.');
    expect(alice.usage.inputTokenDetails.noCacheTokens).toBeLessThan(10);
    expect(bob.usage.inputTokenDetails.noCacheTokens).toBeLessThan(10);
  });

  it('stops when aborted mid-stream and serves the next call normally', async () => {
    const model = localModel();
    const controller = new AbortController();
    const result = streamText({
      model, system, prompt: 'Talk for a long time.', maxOutputTokens: 2000, abortSignal: controller.signal, maxRetries: 0,
      output: Output.object({ schema: z.object({ story: z.string() }) }),
    });
    let received = 0;
    let stoppedBy: unknown = 'end';
    try {
      for await (const delta of result.textStream) {
        received += delta.length;
        if (received > 5) controller.abort();
      }
    } catch (error) {
      stoppedBy = error;
    }
    // The stream ends (quietly or with the abort) long before 2,000 tokens.
    expect(received).toBeLessThan(100);
    if (stoppedBy !== 'end') expect(String(stoppedBy)).toMatch(/abort/i);
    const after = await generateText({ model, system, prompt: 'Again.', maxOutputTokens: 8, seed: 1 });
    expect(after.usage.outputTokens).toBeGreaterThan(0);
  });

  it('queues calls beyond its sequences, and a call cancelled while waiting does not hold up the next', async () => {
    const model = createLanguageModel(`local:${modelPath}`, {
      env: {}, runtime: createModelRuntime({ concurrency: 3 }), local: { threads: 1, sequences: 1, contextSize: 1536 },
    });
    const controller = new AbortController();
    const first = generateText({ model, prompt: 'One.', maxOutputTokens: 16, seed: 1 });
    const cancelled = generateText({ model, prompt: 'Two.', maxOutputTokens: 16, abortSignal: controller.signal, maxRetries: 0 });
    const third = generateText({ model, prompt: 'Three.', maxOutputTokens: 16, seed: 3 });
    controller.abort();
    await expect(cancelled).rejects.toThrow(/abort/i);
    expect((await first).usage.outputTokens).toBeGreaterThan(0);
    expect((await third).usage.outputTokens).toBeGreaterThan(0);
  });

  it('stops generating when the reader cancels the stream, freeing the sequence for the next call', async () => {
    // A model that never ends a reply by itself: the end tokens are kept out, as are invalid-UTF-8 bytes.
    const bias = { ...Object.fromEntries(Object.entries(DEFAULT_BIAS).filter(([, offset]) => offset < 0)), '</s>': -30, '<|im_end|>': -30 };
    const path = (await writeTinyGguf(join(dir, 'endless.gguf'), { bias, seed: 3 })).path;
    const settings = { threads: 1, sequences: 1, contextSize: 2048 };
    const model = localModel(`local:${path}`, {}, settings);
    const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Go on and on.' }] }], maxOutputTokens: 1500 });
    const reader = stream.getReader();
    let deltas = 0;
    for (let part = await reader.read(); !part.done && deltas < 5; part = await reader.read()) {
      if (part.value.type === 'text-delta') deltas++;
    }
    await reader.cancel();
    const after = await generateText({ model, prompt: 'Next.', maxOutputTokens: 8, seed: 1 });
    expect(after.usage.outputTokens).toBe(8);
    // The only sequence generated a few tokens for the cancelled stream and 8 for the next call, not 1,500.
    const host = await localModelHost(path, settings, `local:${path}`);
    const slot = await host.acquire('');
    const generated = slot.sequence.tokenMeter.getState().usedOutputTokens;
    host.release(slot);
    expect(generated).toBeLessThan(200);
  });

  it('answers from the response cache the second time, without loading the model again', async () => {
    const store = memoryStore();
    const ask = () => generateText({ model: localModel(`local:${modelPath}`, { store }), system, prompt: 'Cached?', maxOutputTokens: 8, seed: 9 });
    const first = await ask();
    const second = await ask();
    expect(second.text).toBe(first.text);
    expect(store.cache.size).toBe(1);
  });
});

describe('local: provider faults', () => {
  it('names a path that does not exist', async () => {
    const error = await generateText({ model: localModel(`local:${join(dir, 'missing.gguf')}`), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'llm/bad-model-file', message: expect.stringContaining('missing.gguf does not exist') });
  });

  it('refuses a file that is not GGUF', async () => {
    const path = join(dir, 'notes.gguf');
    await writeFile(path, 'these are not weights\n'.repeat(10));
    const error = await generateText({ model: localModel(`local:${path}`), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'llm/bad-model-file', message: expect.stringMatching(/not a GGUF/i) });
  });

  it('refuses a truncated GGUF before llama.cpp reads it', async () => {
    const { readFile } = await import('node:fs/promises');
    const path = join(dir, 'cut.gguf');
    const whole = await readFile(modelPath);
    await writeFile(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const error = await generateText({ model: localModel(`local:${path}`), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'llm/bad-model-file', message: expect.stringMatching(/truncated|incomplete/i) });
  });

  it('says how much memory a context too large needs, and what to do', async () => {
    const path = join(dir, 'long.gguf');
    await writeTinyGguf(path, { nCtx: 1 << 30 });
    const model = createLanguageModel(`local:${path}`, { env: { DRAMATIS_LOCAL_CONTEXT: String(1 << 29) }, runtime: createModelRuntime(), local: { threads: 1 } });
    const error = await generateText({ model, prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code: 'llm/not-enough-memory', message: expect.stringMatching(/536870912 tokens × 1 sequence needs about 275 GB .*DRAMATIS_LOCAL_CONTEXT/) });
  });

  it('explains a missing runtime with what to install or use instead', async () => {
    const error = await loadBinding(() => Promise.reject(new Error("Cannot find package 'node-llama-cpp' imported from x"))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'llm/local-runtime-missing', message: expect.stringContaining('npm install -E node-llama-cpp@3.21.1') });
    expect((error as Error).message).toMatch(/ollama:NAME/);
  });

  it('refuses bad DRAMATIS_LOCAL_* values before loading anything', () => {
    expect(() => createLanguageModel(`local:${modelPath}`, { env: { DRAMATIS_LOCAL_SEQUENCES: 'two' }, runtime: createModelRuntime() }))
      .toThrow(/DRAMATIS_LOCAL_SEQUENCES must be a positive whole number/);
  });
});

describe('toGrammarSchema', () => {
  it('rewrites anyOf and definitions, and lists what the grammar cannot enforce', () => {
    const { schema, dropped } = toGrammarSchema({
      $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: false,
      properties: { a: { anyOf: [{ type: 'string', pattern: '^x' }, { type: 'null' }] }, b: { $ref: '#/definitions/B' }, c: { type: 'integer', minimum: 0 } },
      required: ['a', 'b', 'c'], definitions: { B: { type: 'string', format: 'email' } },
    });
    expect(schema).toEqual({
      type: 'object',
      properties: { a: { oneOf: [{ type: 'string' }, { type: 'null' }] }, b: { $ref: '#/$defs/B' }, c: { type: 'integer' } },
      required: ['a', 'b', 'c'], $defs: { B: { type: 'string' } },
    });
    expect(dropped).toEqual(['format: email', 'minimum', 'pattern']);
  });
});
