import type { JSONSchema7, LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { ModelMessage } from 'ai';
import { toJsonSchema } from '../llm/index.ts';
import { AgentError } from './errors.ts';
import { SpeechStream } from './speech-stream.ts';
import { parseJsonOutput, parseTaggedOutput, turnSchema, TurnOutput, type OutputMode, type ParsedTurn, type SceneMoves } from './turn-output.ts';

export interface GenerateTurnOptions {
  model: LanguageModelV3;
  messages: ModelMessage[];
  mode: OutputMode;
  /** Called with each new piece of speech while the reply streams, with the raw reply so far. */
  onSpeechDelta?: (delta: string, raw: string) => void;
  /** Called when the first reply was invalid and a repair is requested (a UI may want to discard the partial speech). */
  onRepair?: (reason: string) => void;
  abortSignal?: AbortSignal;
  temperature?: number;
  topP?: number;
  /** Sampling seed sent to the provider (also makes a cached reply specific to it). */
  seed?: number;
  maxOutputTokens?: number;
  /** In a scene: the whisper and leave moves this character may make. */
  moves?: SceneMoves;
  /** Shortens the invalid reply a repair request repeats, so that the request still fits the context budget. */
  repairEcho?: (reply: string) => string;
}

/** Tokens a repair request adds besides the repeated reply: its instruction and the framing of both messages. */
export const REPAIR_REQUEST_TOKENS = 80;

export interface GeneratedTurn {
  output: ParsedTurn;
  /** The model's raw reply that was accepted. */
  raw: string;
  /** True when the first reply was invalid and the repair attempt succeeded. */
  repaired: boolean;
}

/**
 * Asks the model for one structured turn (thought, action, speech), streaming the speech as it comes.
 * An invalid reply is repaired once; a second invalid reply fails with `agent/invalid-output`.
 */
export async function generateTurn(options: GenerateTurnOptions): Promise<GeneratedTurn> {
  const schema = formatFor(options.moves).zod;
  const parse = (raw: string) => (options.mode === 'json' ? parseJsonOutput(raw, schema) : parseTaggedOutput(raw, schema));
  const first = await streamOnce(options, options.messages);
  const firstParse = parse(first.text);
  if (firstParse.ok) return { output: firstParse.output, raw: first.text, repaired: false };

  const cut = first.finishReason === 'length';
  const reason = cut ? `the reply was cut off at the limit of ${options.maxOutputTokens} new tokens before it was complete` : firstParse.error;
  options.onRepair?.(reason);
  const repairMessages: ModelMessage[] = [
    ...options.messages,
    { role: 'assistant', content: options.repairEcho ? options.repairEcho(first.text) : first.text },
    {
      role: 'user',
      content: cut
        ? `Your last reply was cut off at ${options.maxOutputTokens} tokens before it was complete. Reply again as the same character, in the required format only, keeping every field short.`
        : `Your last reply could not be used: ${firstParse.error}. Reply again as the same character, in the required format only.`,
    },
  ];
  const second = await streamOnce(options, repairMessages);
  const secondParse = parse(second.text);
  if (secondParse.ok) return { output: secondParse.output, raw: second.text, repaired: true };
  const details = { first: first.text.slice(0, 500), second: second.text.slice(0, 500) };
  if (cut && second.finishReason === 'length') {
    throw new AgentError('agent/reply-too-long',
      `the model did not finish a turn within ${options.maxOutputTokens} new tokens, twice: its replies were cut off before the format was complete. ` +
        'A model that follows the format needs far fewer; use a model that follows instructions, or raise the reply reserve', { details });
  }
  throw new AgentError('agent/invalid-output', `the model's reply was invalid twice (repair attempted): ${secondParse.error}`, { details });
}

const turnFormat = { zod: TurnOutput, json: toJsonSchema(TurnOutput) };
const sceneFormats = new Map<string, { zod: ReturnType<typeof turnSchema>; json: JSONSchema7 }>();

/** The turn schema (zod and JSON Schema) for a cast's moves, built once per distinct cast: zod is slow on a fresh schema. */
function formatFor(moves: SceneMoves | undefined): { zod: ReturnType<typeof turnSchema>; json: JSONSchema7 } {
  if (!moves) return turnFormat;
  const key = JSON.stringify(moves);
  let format = sceneFormats.get(key);
  if (!format) {
    const zod = turnSchema(moves);
    format = { zod, json: toJsonSchema(zod) };
    if (sceneFormats.size > 1000) sceneFormats.clear();
    sceneFormats.set(key, format);
  }
  return format;
}

/**
 * One streamed model call. It talks to the AI SDK model interface directly: `streamText` re-validates the
 * whole message history on every call (~1.5 ms for 400 messages), which is most of a turn's engine overhead.
 * Middleware (retry, cache, usage...) lives on the model, so it applies all the same.
 */
async function streamOnce(options: GenerateTurnOptions, messages: ModelMessage[]): Promise<{ text: string; finishReason?: string }> {
  const speech = new SpeechStream(options.mode);
  let finishReason: string | undefined;
  const text = await streamModelText({
    model: options.model,
    messages,
    responseFormat: options.mode === 'json' ? { type: 'json', schema: formatFor(options.moves).json, name: 'turn' } : { type: 'text' },
    abortSignal: options.abortSignal,
    temperature: options.temperature,
    topP: options.topP,
    seed: options.seed,
    maxOutputTokens: options.maxOutputTokens,
    onText: options.onSpeechDelta && ((text) => {
      const delta = speech.push(text);
      if (delta) options.onSpeechDelta!(delta, text);
    }),
    onFinish: (reason) => { finishReason = reason; },
  });
  return { text, finishReason };
}

export interface StreamModelTextOptions {
  model: LanguageModelV3;
  messages: ModelMessage[];
  responseFormat: LanguageModelV3CallOptions['responseFormat'];
  abortSignal?: AbortSignal;
  temperature?: number;
  topP?: number;
  seed?: number;
  maxOutputTokens?: number;
  /** Called with the whole reply so far after each text delta. */
  onText?: (text: string) => void;
  /** Called with the unified finish reason (`stop`, `length`...) when the model says why it stopped. */
  onFinish?: (finishReason: string) => void;
}

/** One streamed model call returning its whole text; failures become errors with a stable code. */
export async function streamModelText(options: StreamModelTextOptions): Promise<string> {
  let text = '';
  try {
    const { stream } = await options.model.doStream({
      prompt: toModelPrompt(options.messages),
      responseFormat: options.responseFormat,
      abortSignal: options.abortSignal,
      temperature: options.temperature,
      topP: options.topP,
      seed: options.seed,
      maxOutputTokens: options.maxOutputTokens,
    });
    const reader = stream.getReader();
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      if (part.type === 'text-delta') {
        text += part.delta;
        options.onText?.(text);
      } else if (part.type === 'finish') {
        options.onFinish?.(part.finishReason.unified);
      } else if (part.type === 'error') {
        await reader.cancel().catch(() => {});
        throw part.error;
      }
    }
  } catch (error) {
    if (options.abortSignal?.aborted) {
      throw new AgentError('agent/aborted', 'the turn was cancelled before the model finished; nothing was stored', { cause: error });
    }
    throw modelFailure(error);
  }
  return text;
}

/** Text-only chat messages in the model interface's prompt shape. */
export function toModelPrompt(messages: readonly ModelMessage[]): LanguageModelV3Prompt {
  return messages.map((message): LanguageModelV3Prompt[number] => {
    const text = typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
    if (message.role === 'system') return { role: 'system', content: text };
    if (message.role === 'assistant') return { role: 'assistant', content: [{ type: 'text', text }] };
    return { role: 'user', content: [{ type: 'text', text }] };
  });
}

function modelFailure(error: unknown): Error {
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AgentError('agent/model-failed', `the model call failed: ${message}`, { cause: error });
}
