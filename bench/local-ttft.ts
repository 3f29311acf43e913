// Time to first token on turn 20 of a chat with an in-process model, with the context sequence kept between
// turns (prefix reuse) and with every prompt evaluated from scratch. The model is a generated llama GGUF with
// random weights, large enough that prompt evaluation dominates (see MODEL below); no real weights exist here.
// Each run: a 20-turn chat session with the example card through the real `local:` provider (turn 20's time to
// first token in that session is printed); then turn 20's prompt is sent again REPEATS times on a sequence
// holding turn 19's prompt (as the session had it) and on a cleared one, alternating.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { readCharacterFile } from '../src/character/card-parse.ts';
import { createLanguageModel, createModelRuntime, disposeLocalModels } from '../src/llm/index.ts';
import { openChatSession } from '../src/scene/chat-session.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { writeTinyGguf } from '../test/support/tiny-gguf.ts';

const TURNS = 20;
const REPEATS = 5;
const MODEL = { nEmbd: 384, nLayer: 6, nHead: 6, nCtx: 8192 };
const THREADS = Number(process.env.DRAMATIS_LOCAL_THREADS ?? 2);

const dir = mkdtempSync(join(tmpdir(), 'dramatis-ttft-'));
const { path, bytes } = await writeTinyGguf(join(dir, 'bench.gguf'), MODEL);
const { character } = await readCharacterFile(join(import.meta.dirname, '..', 'examples', 'cards', 'mirela.png'));

/** The model, keeping every call's options so turn 20's exact prompt can be sent again. */
function recordingModel(reusePrefix: boolean): { model: LanguageModelV3; calls: LanguageModelV3CallOptions[]; firstTokenMs: number[] } {
  const model = createLanguageModel(`local:${path}`, { env: {}, runtime: createModelRuntime(), local: { threads: THREADS, reusePrefix } });
  const calls: LanguageModelV3CallOptions[] = [];
  const firstTokenMs: number[] = [];
  const doStream: LanguageModelV3['doStream'] = async (options) => {
    calls.push(options);
    const started = performance.now();
    const result = await model.doStream(options);
    let seen = false;
    const timed = result.stream.pipeThrough(new TransformStream({
      transform(part, controller) {
        if (!seen && part.type === 'text-delta') { seen = true; firstTokenMs.push(performance.now() - started); }
        controller.enqueue(part);
      },
    }));
    return { ...result, stream: timed };
  };
  return { calls, firstTokenMs, model: { ...model, doGenerate: model.doGenerate.bind(model), doStream } as LanguageModelV3 };
}

/** Milliseconds from the call to its first text, and the prompt tokens it evaluated anew. */
async function firstToken(model: LanguageModelV3, call: LanguageModelV3CallOptions): Promise<{ ms: number; evaluated: number; prompt: number }> {
  const started = performance.now();
  const { stream } = await model.doStream(call);
  let ms = Number.NaN;
  let evaluated = 0;
  let prompt = 0;
  for await (const part of stream) {
    if (part.type === 'text-delta' && Number.isNaN(ms)) ms = performance.now() - started;
    if (part.type === 'finish') {
      evaluated = part.usage.inputTokens.noCache ?? 0;
      prompt = part.usage.inputTokens.total ?? 0;
    }
    if (part.type === 'error') throw part.error;
  }
  return { ms, evaluated, prompt };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const warm = recordingModel(true);
const session = await openChatSession({ store: openSqliteStore(':memory:'), character, model: warm.model, sessionId: 'ttft', userName: 'Ann', contextTokens: 6000 });
for (let turn = 1; turn < TURNS; turn++) await session.send(`Turn ${turn}: tell me more about the lamp and the storm, please.`);
await session.send(`Turn ${TURNS}: and what happens tonight?`);
const turn20 = warm.calls.at(-1)!;
const inSession = warm.firstTokenMs.at(-1)!;
const cold = recordingModel(false);

const withReuse: number[] = [];
const without: number[] = [];
let sample = { warm: { evaluated: 0, prompt: 0 }, cold: { evaluated: 0, prompt: 0 } };
// A warm sequence holds turn 20's prompt plus its reply; each warm sample first restores "turn 19 done".
const turn19 = warm.calls.at(-2)!;
for (let repeat = 0; repeat < REPEATS; repeat++) {
  await firstToken(warm.model, { ...turn19, maxOutputTokens: 1 });
  warm.firstTokenMs.length = 0;
  const hot = await firstToken(warm.model, { ...turn20, maxOutputTokens: 1 });
  const fresh = await firstToken(cold.model, { ...turn20, maxOutputTokens: 1 });
  withReuse.push(hot.ms);
  without.push(fresh.ms);
  sample = { warm: hot, cold: fresh };
}

console.log(`local-ttft: generated llama GGUF ${(bytes / 1e6).toFixed(0)} MB (n_embd ${MODEL.nEmbd}, ${MODEL.nLayer} layers, byte vocabulary), ${THREADS} threads, CPU`);
console.log(`turn ${TURNS} prompt: ${sample.cold.prompt} tokens; in the session, turn ${TURNS}'s first token came after ${inSession.toFixed(0)} ms`);
console.log(`time to first token, turn ${TURNS}, with prefix reuse:    median ${median(withReuse).toFixed(0)} ms (evaluated ${sample.warm.evaluated} new tokens)  [${withReuse.map((v) => v.toFixed(0)).join(', ')}]`);
console.log(`time to first token, turn ${TURNS}, without prefix reuse: median ${median(without).toFixed(0)} ms (evaluated ${sample.cold.evaluated} tokens)  [${without.map((v) => v.toFixed(0)).join(', ')}]`);
console.log(`speed-up: ${(median(without) / median(withReuse)).toFixed(1)}x`);
await disposeLocalModels();
