import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { Character } from '../../src/character/schema.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { requestTokens } from '../support/request-budget.ts';

const character = Character.parse({
  name: 'Mirela', description: 'The keeper of the lighthouse.', personality: 'guarded', scenario: '',
  first_mes: 'Who climbs my stairs?', mes_example: '', creator_notes: '', system_prompt: '',
  post_history_instructions: '', alternate_greetings: [], tags: [], creator: '', character_version: '',
  extensions: {}, group_only_greetings: [],
});

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };

/** A model whose every reply is `text`, ended for `reason`; `delayMs` between deltas, and `endless` never finishes. */
function streamingModel(text: string, options: { reason?: 'stop' | 'length'; delayMs?: number; endless?: boolean } = {}): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doStream: async (call: LanguageModelV3CallOptions) => {
      let index = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        start(controller) {
          controller.enqueue({ type: 'text-start', id: 't' });
          call.abortSignal?.addEventListener('abort', () => { clearTimeout(timer); controller.error(call.abortSignal!.reason); }, { once: true });
        },
        async pull(controller) {
          if (!options.endless && index >= text.length) {
            controller.enqueue({ type: 'text-end', id: 't' });
            controller.enqueue({ type: 'finish', finishReason: { unified: options.reason ?? 'stop', raw: options.reason ?? 'stop' }, usage });
            controller.close();
            return;
          }
          await new Promise((resolve) => { timer = setTimeout(resolve, options.delayMs ?? 0); });
          if (call.abortSignal?.aborted) return;
          controller.enqueue({ type: 'text-delta', id: 't', delta: options.endless ? 'a' : text.slice(index, index + 16) });
          index += 16;
        },
      });
      return { stream };
    },
  });
}

describe('a turn is bounded', () => {
  it('in time: a model that keeps streaming slowly fails the turn at its deadline, with a code and what to do', async () => {
    const store = openSqliteStore(':memory:');
    const model = streamingModel('', { endless: true, delayMs: 5 });
    const session = await openChatSession({ store, character, model, sessionId: 's', userName: 'Ann', turnTimeoutMs: 300 });
    const error = await session.send('Hello?').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'agent/turn-timeout', message: expect.stringContaining('--turn-timeout') });
    // Nothing of the failed first turn is stored, not even the session (issue 13 §7).
    expect(await store.listEvents('s')).toHaveLength(0);
    expect(await store.getEpisode('s')).toBeUndefined();
  });

  it('in tokens: every call asks for at most the reply reserve, and replies cut at that limit twice fail clearly', async () => {
    const store = openSqliteStore(':memory:');
    const cut = `{"thought": {"belief": "${'the lamp '.repeat(400)}`;
    const model = streamingModel(cut, { reason: 'length' });
    const session = await openChatSession({ store, character, model, sessionId: 's', userName: 'Ann', contextTokens: 2048 });
    const error = await session.send('Hello?').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'agent/reply-too-long', message: expect.stringContaining('512 new tokens') });
    expect(model.doStreamCalls).toHaveLength(2);
    for (const call of model.doStreamCalls) {
      expect(call.maxOutputTokens).toBe(512);
      // The repair repeats the cut reply only as far as the budget allows.
      expect(requestTokens(call)).toBeLessThanOrEqual(2048);
    }
    expect(JSON.stringify(model.doStreamCalls[1].prompt)).toContain('cut off at 512 tokens');
  });
});
