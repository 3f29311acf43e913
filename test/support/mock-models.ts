import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
const stop = { unified: 'stop' as const, raw: 'stop' };

export type Scripted = string | Error | ((options: LanguageModelV3CallOptions, call: number) => string | Error);

/** A turn reply in the JSON mode's shape. */
export function turnJson(speech: string, extra: { action?: string; belief?: string; emotion?: string } = {}): string {
  return JSON.stringify({
    thought: { belief: extra.belief ?? 'b', intention: 'i', desire: 'd', emotion: extra.emotion ?? 'e', knowledge: 'k' },
    action: extra.action ?? '',
    speech,
  });
}

/**
 * An AI SDK mock model answering streams and plain generations from a script (the last entry repeats).
 * Every call's options are recorded in `doStreamCalls` / `doGenerateCalls`.
 */
export function scriptedModel(...script: Scripted[]): MockLanguageModelV3 {
  let call = 0;
  const next = (options: LanguageModelV3CallOptions): string => {
    const entry = script[Math.min(call, script.length - 1)];
    const value = typeof entry === 'function' ? entry(options, call) : entry;
    call += 1;
    if (value instanceof Error) throw value;
    return value;
  };
  return new MockLanguageModelV3({
    doStream: async (options) => {
      const text = next(options);
      return {
        stream: simulateReadableStream({
          chunks: [
            { type: 'text-start' as const, id: 't' },
            ...(text.match(/[\s\S]{1,16}/g) ?? []).map((delta) => ({ type: 'text-delta' as const, id: 't', delta })),
            { type: 'text-end' as const, id: 't' },
            { type: 'finish' as const, finishReason: stop, usage },
          ],
        }),
      };
    },
    doGenerate: async (options) => ({
      content: [{ type: 'text' as const, text: next(options) }],
      finishReason: stop,
      usage,
      warnings: [],
    }),
  });
}

/** The text of every message of a recorded call's prompt, serialized. */
export function promptText(options: LanguageModelV3CallOptions): string {
  return JSON.stringify(options.prompt);
}
