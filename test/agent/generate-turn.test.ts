import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { generateTurn } from '../../src/agent/generate-turn.ts';

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };

function streamingModel(...replies: string[]) {
  let call = 0;
  return new MockLanguageModelV3({
    doStream: async () => {
      const text = replies[Math.min(call++, replies.length - 1)];
      const pieces = text.match(/.{1,7}/gs) ?? [];
      return {
        stream: simulateReadableStream({
          chunks: [
            { type: 'text-start' as const, id: 't' },
            ...pieces.map((delta) => ({ type: 'text-delta' as const, id: 't', delta })),
            { type: 'text-end' as const, id: 't' },
            { type: 'finish' as const, finishReason: { unified: 'stop' as const, raw: 'stop' }, usage },
          ],
        }),
      };
    },
  });
}

const valid = JSON.stringify({
  thought: { belief: 'b', intention: 'i', desire: 'd', emotion: 'calm', knowledge: 'k' },
  action: 'smiles',
  speech: 'Welcome, "traveller".\nRest here.',
});

describe('generateTurn', () => {
  it('parses a JSON turn, streams the speech and asks for json_schema output', async () => {
    const model = streamingModel(valid);
    const deltas: string[] = [];
    const turn = await generateTurn({ model, messages: [{ role: 'user', content: 'hi' }], mode: 'json', onSpeechDelta: (d) => deltas.push(d) });
    expect(turn.output.speech).toBe('Welcome, "traveller".\nRest here.');
    expect(turn.repaired).toBe(false);
    expect(deltas.join('')).toBe('Welcome, "traveller".\nRest here.');
    expect(deltas.length).toBeGreaterThan(1);
    expect(model.doStreamCalls[0].responseFormat).toMatchObject({ type: 'json', name: 'turn' });
  });

  it('repairs an invalid reply once, sending the bad reply back with the reason', async () => {
    const model = streamingModel('{"thought": {"belief": "unterminated', valid);
    const reasons: string[] = [];
    const turn = await generateTurn({ model, messages: [{ role: 'user', content: 'hi' }], mode: 'json', onRepair: (r) => reasons.push(r) });
    expect(turn.repaired).toBe(true);
    expect(reasons[0]).toMatch(/not valid JSON|no JSON object/);
    const repairPrompt = model.doStreamCalls[1].prompt;
    expect(repairPrompt.at(-2)).toMatchObject({ role: 'assistant' });
    expect(JSON.stringify(repairPrompt.at(-1))).toContain('could not be used');
  });

  it('fails with agent/invalid-output after a second invalid reply', async () => {
    const model = streamingModel("I'm sorry, I can't help with that.", '{"speech": 3}');
    await expect(generateTurn({ model, messages: [{ role: 'user', content: 'hi' }], mode: 'json' }))
      .rejects.toMatchObject({ code: 'agent/invalid-output' });
    expect(model.doStreamCalls).toHaveLength(2);
  });

  it('parses the tagged-text fallback and sends no response format', async () => {
    const tagged = '<thought>\nbelief: he is lost\nintention: help\ndesire: peace\nemotion: worry\nknowledge: the forest\n</thought>\n<action>kneels</action>\n<speech>You are safe here.</speech>';
    const model = streamingModel(tagged);
    const deltas: string[] = [];
    const turn = await generateTurn({ model, messages: [{ role: 'user', content: 'hi' }], mode: 'tagged', onSpeechDelta: (d) => deltas.push(d) });
    expect(turn.output).toEqual({
      thought: { belief: 'he is lost', intention: 'help', desire: 'peace', emotion: 'worry', knowledge: 'the forest' },
      action: 'kneels',
      speech: 'You are safe here.',
    });
    expect(deltas.join('')).toBe('You are safe here.');
    expect(model.doStreamCalls[0].responseFormat?.type ?? 'text').toBe('text');
  });

  it('ignores a reasoning block before the answer', async () => {
    const model = streamingModel(`<think>The user wants {a brace} and "speech": "nope"</think>\n${valid}`);
    const turn = await generateTurn({ model, messages: [{ role: 'user', content: 'hi' }], mode: 'json' });
    expect(turn.output.speech).toBe('Welcome, "traveller".\nRest here.');
    expect(turn.repaired).toBe(false);
  });
});
