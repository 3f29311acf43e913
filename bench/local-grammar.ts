// Tokens per second with and without the JSON grammar on issue 13's test model (a generated llama GGUF: 4,096-token
// context, 471-token vocabulary, ChatML template, random weights whose strings never close, so every run writes
// exactly TOKENS tokens), through the real `local:` provider, with 1 thread and with llama.cpp's default (one per
// core). Then one structured chat turn on that model: it cannot complete its JSON, and must stop at its bounds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { toJsonSchema } from '../src/llm/structured-output/index.ts';
import { TurnOutput } from '../src/agent/turn-output.ts';
import { Character } from '../src/character/schema.ts';
import { createLanguageModel, createModelRuntime, disposeLocalModels, parseModelSpec, resolveContextBudget } from '../src/llm/index.ts';
import { openChatSession } from '../src/scene/chat-session.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { DEFAULT_BIAS, writeTinyGguf } from '../test/support/tiny-gguf.ts';

const TOKENS = 256;
const REPEATS = 3;
const dir = mkdtempSync(join(tmpdir(), 'dramatis-grammar-'));
const { path } = await writeTinyGguf(join(dir, 'issue13.gguf'), {
  nCtx: 4096, specialTokens: ['<think>', '</think>', '<tool_call>', '</tool_call>'],
  bias: { ...DEFAULT_BIAS, '"': -30, '<|im_end|>': -30, '</s>': -30 },
});

const prompt: LanguageModelV3CallOptions['prompt'] = [
  { role: 'system', content: 'You are Ana, a ferry pilot. Reply in character.' },
  { role: 'user', content: [{ type: 'text', text: 'Where does the ferry go tonight?' }] },
];

/** Decode speed: output tokens over the time from the first token to the last. */
async function tokensPerSecond(model: LanguageModelV3, json: boolean): Promise<number> {
  const started = performance.now();
  let first = Number.NaN;
  let output = 0;
  const { stream } = await model.doStream({
    prompt, maxOutputTokens: TOKENS, seed: 1,
    responseFormat: json ? { type: 'json', schema: toJsonSchema(TurnOutput) } : { type: 'text' },
  });
  for await (const part of stream) {
    if (part.type === 'text-delta' && Number.isNaN(first)) first = performance.now();
    if (part.type === 'finish') output = part.usage.outputTokens.total ?? 0;
    if (part.type === 'error') throw part.error;
  }
  return (output - 1) / ((performance.now() - (Number.isNaN(first) ? started : first)) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

console.log(`local grammar: ${TOKENS} tokens per run, median of ${REPEATS}, issue 13's model (4,096 context, 471 tokens, ChatML)`);
for (const threads of [1, undefined]) {
  const model = createLanguageModel(`local:${path}`, { env: {}, runtime: createModelRuntime(), local: { threads, reusePrefix: false } });
  await tokensPerSecond(model, false);
  const text: number[] = [];
  const json: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    text.push(await tokensPerSecond(model, false));
    json.push(await tokensPerSecond(model, true));
  }
  console.log(`  threads ${threads ?? 'default (one per core)'}: ${median(text).toFixed(0)} tokens/s without the grammar, ${median(json).toFixed(0)} with the JSON grammar`);
  await disposeLocalModels();
}

const spec = parseModelSpec(`local:${path}`);
const budget = await resolveContextBudget(spec, { env: {} });
const ana = Character.parse({
  name: 'Ana', description: 'A ferry pilot.', personality: 'calm', scenario: '', first_mes: 'Hi.', mes_example: '', creator_notes: '',
  system_prompt: '', post_history_instructions: '', alternate_greetings: [], tags: [], creator: '', character_version: '', extensions: {}, group_only_greetings: [],
});
const session = await openChatSession({
  store: openSqliteStore(':memory:'), character: ana, sessionId: 'b', userName: 'Ann', contextTokens: budget.contextTokens, countTokens: budget.countTokens,
  model: createLanguageModel(spec, { env: {}, runtime: createModelRuntime(), local: { threads: 1 } }),
});
const started = performance.now();
const outcome = await session.send('Where does the ferry go tonight?').then(() => 'a complete turn', (error: { code?: string }) => error.code ?? String(error));
console.log(`  one structured turn (budget ${budget.contextTokens} tokens, reply reserve 1024, 1 thread): ${outcome} after ${((performance.now() - started) / 1000).toFixed(1)} s`);
await disposeLocalModels();
