import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLanguageModel, createModelRuntime, disposeLocalModels, parseModelSpec, readGgufHeader, resolveContextBudget } from '../../src/llm/index.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { tempDir } from '../support/cli.ts';
import { meteredModel, shortCharacter, type MeteredCall } from '../support/request-budget.ts';
import { DEFAULT_BIAS, writeTinyGguf } from '../support/tiny-gguf.ts';

// Issue 13's model: a 4,096-token context, a 471-token vocabulary, the ChatML template. Its strings never close
// (a quote is kept out), so a grammar-constrained turn can only end at the token limit.
let path: string;
beforeAll(async () => {
  path = (await writeTinyGguf(join(tempDir(), 'endless.gguf'), {
    nCtx: 4096, specialTokens: ['<think>', '</think>', '<tool_call>', '</tool_call>'],
    bias: { ...DEFAULT_BIAS, '"': -30, '<|im_end|>': -30, '</s>': -30 },
  })).path;
});
afterAll(() => disposeLocalModels());

describe('a structured turn on a local model that never completes its JSON', () => {
  it('stops each call at the reply reserve and fails the turn clearly, with the repair inside the context', async () => {
    expect((await readGgufHeader(path)).metadata['tokenizer.ggml.tokens']).toEqual({ type: 'array', length: 471 });
    const spec = parseModelSpec(`local:${path}`);
    const budget = await resolveContextBudget(spec, { env: {} });
    const base = createLanguageModel(spec, { env: {}, runtime: createModelRuntime(), local: { threads: 1 } });
    const calls: MeteredCall[] = [];
    const model = meteredModel(base, calls);
    const store = openSqliteStore(':memory:');
    const session = await openChatSession({ store, character: shortCharacter, model, sessionId: 's', userName: 'Ann', contextTokens: budget.contextTokens, countTokens: budget.countTokens });
    const error = await session.send('Where to tonight?').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'agent/reply-too-long', message: expect.stringContaining('within 1024 new tokens, twice') });
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call).toMatchObject({ maxOutputTokens: 1024, output: 1024, finish: 'length' });
      expect(call.prompt + call.output).toBeLessThanOrEqual(4096);
    }
    // Nothing of the failed first turn is stored, not even the session (issue 13 §7).
    expect(await store.listEvents('s')).toHaveLength(0);
  });
});
