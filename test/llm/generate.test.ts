import { generateText, NoObjectGeneratedError, Output, streamText, tool } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { fakeModel } from './helpers.ts';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

const Turn = z.object({
  thought: z.object({ belief: z.string(), intention: z.string(), desire: z.string(), emotion: z.string(), knowledge: z.string() }),
  action: z.string().optional(),
  speech: z.string(),
});
const turn = { thought: { belief: 'b', intention: 'i', desire: 'd', emotion: 'calm', knowledge: 'k' }, speech: 'Welcome, traveller.' };

describe('text through the real providers', () => {
  it('generates text with openai-compatible and sends the exact messages', async () => {
    fake.enqueue({ text: 'Well met.' });
    const result = await generateText({ model: fakeModel(fake), system: 'You are Ada.', prompt: 'Hello', maxRetries: 0 });
    expect(result.text).toBe('Well met.');
    expect(result.finishReason).toBe('stop');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].path).toBe('/v1/chat/completions');
    expect(fake.requests[0].body).toMatchObject({
      model: 'fake',
      messages: [{ role: 'system', content: 'You are Ada.' }, { role: 'user', content: 'Hello' }],
    });
  });

  it('uses chat completions (not the Responses API) for openai: with a base URL', async () => {
    fake.enqueue({ text: 'From the openai provider.' });
    const model = fakeModel(fake, { apiKey: 'test-key' }, 'openai:gpt-4o-mini');
    const result = await generateText({ model, prompt: 'Hi', maxRetries: 0 });
    expect(result.text).toBe('From the openai provider.');
    expect(fake.requests[0].path).toBe('/v1/chat/completions');
    expect(fake.requests[0].headers.authorization).toBe('Bearer test-key');
  });

  it('streams text in pieces with both providers', async () => {
    for (const [spec, extra] of [['openai-compatible:fake', {}], ['openai:gpt-4o-mini', { apiKey: 'k' }]] as const) {
      fake.enqueue({ text: 'The tide is turning, friend.', chunkSize: 4, chunkDelayMs: 5 });
      const result = streamText({ model: fakeModel(fake, extra, spec), prompt: 'Hi', maxRetries: 0 });
      const deltas: string[] = [];
      for await (const delta of result.textStream) deltas.push(delta);
      expect(deltas.join('')).toBe('The tide is turning, friend.');
      expect(deltas.length).toBeGreaterThan(3);
      expect((await result.usage).outputTokens).toBeGreaterThan(0);
      expect(fake.requests.at(-1)?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    }
  });

  it('passes tool calls through', async () => {
    fake.enqueue({ toolCalls: [{ name: 'roll', arguments: { sides: 20 } }] });
    const result = await generateText({
      model: fakeModel(fake),
      prompt: 'Roll',
      tools: { roll: tool({ inputSchema: z.object({ sides: z.number() }) }) },
      maxRetries: 0,
    });
    expect(result.toolCalls).toMatchObject([{ toolName: 'roll', input: { sides: 20 } }]);
    expect(fake.requests[0].body.tools?.[0].function.name).toBe('roll');
  });
});

describe('structured output', () => {
  it('sends response_format json_schema and parses the object (generate and stream)', async () => {
    fake.enqueue({ json: turn }, { json: turn, chunkSize: 5 });
    const generated = await generateText({ model: fakeModel(fake), prompt: 'Hi', output: Output.object({ schema: Turn, name: 'turn' }), maxRetries: 0 });
    expect(generated.output).toEqual(turn);
    const format = fake.requests[0].body.response_format;
    expect(format?.type).toBe('json_schema');
    expect(format?.json_schema?.name).toBe('turn');
    expect(format?.json_schema?.schema?.required).toEqual(['thought', 'speech']);

    const streamed = streamText({ model: fakeModel(fake), prompt: 'Hi', output: Output.object({ schema: Turn, name: 'turn' }), maxRetries: 0 });
    expect(await streamed.output).toEqual(turn);
    expect(fake.requests[1].body.response_format?.type).toBe('json_schema');
  });

  it('parses the auto reply when nothing is scripted (offline mode)', async () => {
    const result = await generateText({ model: fakeModel(fake), prompt: 'Who goes there?', output: Output.object({ schema: Turn }), maxRetries: 0 });
    expect(Turn.parse(result.output)).toEqual(result.output);
    expect(result.output.speech).toContain('Who goes there?');
  });

  it('sends json_object when structured outputs are turned off', async () => {
    fake.enqueue({ json: turn });
    await generateText({ model: fakeModel(fake, { structuredOutputs: false }), prompt: 'Hi', output: Output.object({ schema: Turn }), maxRetries: 0 });
    expect(fake.requests[0].body.response_format).toEqual({ type: 'json_object' });
  });

  it("leaves invalid JSON to the SDK's NoObjectGeneratedError, with the raw text for a repair", async () => {
    fake.enqueue({ fault: 'invalid-json' });
    const error = await generateText({ model: fakeModel(fake), prompt: 'Hi', output: Output.object({ schema: Turn }), maxRetries: 0 }).catch((caught: unknown) => caught);
    expect(NoObjectGeneratedError.isInstance(error)).toBe(true);
    expect((error as NoObjectGeneratedError).text).toBe('{"thought": {"belief": "unterminated');
    expect(fake.requests).toHaveLength(1);
  });
});
