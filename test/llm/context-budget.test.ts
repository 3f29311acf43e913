import { join } from 'node:path';
import { generateText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLanguageModel, createModelRuntime, disposeLocalModels, knownContextWindow, parseModelSpec, resolveContextBudget,
} from '../../src/llm/index.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { countTokens } from '../../src/text/tokens.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';
import { meteredModel, shortCharacter, type MeteredCall } from '../support/request-budget.ts';
import { writeTinyGguf } from '../support/tiny-gguf.ts';

let dir: string;
let small: string;
let medium: string;

beforeAll(async () => {
  dir = tempDir();
  small = (await writeTinyGguf(join(dir, 'ctx512.gguf'), { nCtx: 512 })).path;
  medium = (await writeTinyGguf(join(dir, 'ctx2048.gguf'), { nCtx: 2048 })).path;
});
afterAll(() => disposeLocalModels());

describe('the context budget follows the model', () => {
  it('knows the windows of well-known remote models, conservatively, and nothing of unknown ones', () => {
    const window = (spec: string) => knownContextWindow(parseModelSpec(spec));
    expect(window('openai:gpt-4o-mini')).toBe(128_000);
    expect(window('openai:gpt-4')).toBe(8_192);
    expect(window('anthropic:claude-sonnet-4-5')).toBe(200_000);
    expect(window('openai-compatible:Qwen/Qwen2.5-7B-Instruct')).toBe(32_768);
    expect(window('openai-compatible:meta-llama/Llama-3.1-8B-Instruct')).toBe(131_072);
    // Ollama serves its own context setting (4,096 by default), whatever the model could take.
    expect(window('ollama:llama3.1:8b')).toBe(4_096);
    expect(window('openai-compatible:my-model')).toBeUndefined();
  });

  it('takes a remote model’s window, a smaller --context-tokens, and 8,192 when nothing is known', async () => {
    const env = {};
    expect(await resolveContextBudget(parseModelSpec('openai:gpt-4o-mini'), { env })).toMatchObject({ contextTokens: 128_000, source: 'model' });
    expect(await resolveContextBudget(parseModelSpec('openai:gpt-4o-mini'), { env, requested: 8192 })).toMatchObject({ contextTokens: 8192, source: 'requested' });
    expect(await resolveContextBudget(parseModelSpec('ollama:qwen2.5:7b'), { env, requested: 8192 }))
      .toMatchObject({ contextTokens: 4096, note: expect.stringContaining('--context-tokens 8192 is more than the model can take (4096 tokens); using 4096') });
    expect(await resolveContextBudget(parseModelSpec('openai-compatible:fake'), { env })).toMatchObject({ contextTokens: 8192, source: 'default' });
  });

  it('reads a local model’s context from its GGUF metadata, and counts with its own vocabulary', async () => {
    const budget = await resolveContextBudget(parseModelSpec(`local:${small}`), { env: {} });
    expect(budget).toMatchObject({ contextTokens: 512, modelContext: 512, source: 'model' });
    // A byte vocabulary spends about a token per character; OpenAI's spends one per word.
    const text = 'The storm rolled in over the Black Sea and the lamp room shook.';
    expect(budget.countTokens!(text)).toBeGreaterThan(2 * countTokens(text));
    expect((await resolveContextBudget(parseModelSpec(`local:${small}`), { env: {}, requested: 1200 })))
      .toMatchObject({ contextTokens: 512, note: expect.stringContaining('--context-tokens 1200 is more than') });
    expect((await resolveContextBudget(parseModelSpec(`local:${medium}`), { env: { DRAMATIS_LOCAL_CONTEXT: '1024' } })).contextTokens).toBe(1024);
  });

  it('keeps every request of a 12-turn chat within a 2,048-token local model, as the model counts them', async () => {
    const spec = parseModelSpec(`local:${medium}`);
    const budget = await resolveContextBudget(spec, { env: {} });
    const base = createLanguageModel(spec, { env: {}, runtime: createModelRuntime(), local: { threads: 1 } });
    const calls: MeteredCall[] = [];
    const model = meteredModel(base, calls);
    const session = await openChatSession({
      store: openSqliteStore(':memory:'), character: shortCharacter, model, sessionId: 's', userName: 'Ann', mode: 'json',
      contextTokens: budget.contextTokens, countTokens: budget.countTokens, seed: 7,
      // Random weights now and then write an empty summary or never close the JSON: seeded, the run is the same every time.
      turnRetry: { retries: 3, baseDelayMs: 1 },
    });
    for (let turn = 0; turn < 12; turn++) await session.send(`Turn ${turn}: where does the ferry go tonight, and who is on it?`);
    expect(calls.length).toBeGreaterThanOrEqual(12);
    for (const call of calls) expect(call.prompt + (call.maxOutputTokens ?? 0)).toBeLessThanOrEqual(2048);
  });
});

describe('a local prompt larger than the context', () => {
  it('fails with llm/context-overflow saying which numbers to change, not llama.cpp’s raw context-shift error', async () => {
    const model = createLanguageModel(`local:${small}`, { env: {}, runtime: createModelRuntime(), local: { threads: 1 } });
    const error = await generateText({ model, system: 'You keep the lighthouse. '.repeat(40), prompt: 'Who are you?', maxOutputTokens: 64, maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'llm/context-overflow', message: expect.stringContaining("the model's 512-token context") });
    expect((error as Error).message).toContain('DRAMATIS_LOCAL_CONTEXT');
  });
});

describe('dramatis chat with a local model of a small context', () => {
  it('fails before any call, naming the sheet’s tokens and the budget, instead of llama.cpp’s context-shift error', async () => {
    const card = join(repoRoot, 'examples', 'cards', 'mirela.json');
    const result = await runCli(['chat', card, '--model', `local:${small}`, '--context-tokens', '1200', '--message', 'Who are you?'], {
      cwd: dir, env: { DRAMATIS_LOCAL_THREADS: '1' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('note: --context-tokens 1200 is more than');
    expect(result.stderr).toMatch(/character sheet takes \d{4} tokens and the reply needs 128, which leaves nothing of the context budget of 512 tokens/);
    expect(result.stderr).toContain('[agent/context-too-small]');
    expect(result.stderr).not.toMatch(/context shift/);
  });
});

describe('dramatis scene run with a local model of a small context', () => {
  it("budgets every role by its model's context: the episode fails before any call with both numbers", async () => {
    const scene = join(repoRoot, 'examples', 'scenes', 'lighthouse.yaml');
    const result = await runCli(['scene', 'run', scene, '--model', `local:${small}`, '--episodes', '1', '--turn-retries', '0', '--context-tokens', '1200'], {
      cwd: dir, env: { DRAMATIS_LOCAL_THREADS: '1' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('note: local:');
    expect(result.stderr).toContain('--context-tokens 1200 is more than the model can take (512 tokens)');
    // The narrator opens the scene: its sheet cannot fit, which is said before any call.
    expect(result.stderr).toMatch(/Narrator's prompt needs \d{4} tokens plus 128 for the reply, more than the context budget of 512/);
    expect(result.stderr).toContain('[agent/prompt-too-large]');
    expect(result.stdout + result.stderr).toContain('usage: 0 calls');
    expect(result.stderr).not.toMatch(/context shift/);
  });
});
