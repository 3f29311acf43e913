import { Output, streamText, type LanguageModel, type ModelMessage } from 'ai';
import { AgentError } from './errors.ts';
import { SpeechStream } from './speech-stream.ts';
import { parseJsonOutput, parseTaggedOutput, TurnOutput, type OutputMode } from './turn-output.ts';

export interface GenerateTurnOptions {
  model: LanguageModel;
  messages: ModelMessage[];
  mode: OutputMode;
  /** Called with each new piece of speech while the reply streams, with the raw reply so far. */
  onSpeechDelta?: (delta: string, raw: string) => void;
  /** Called when the first reply was invalid and a repair is requested (a UI may want to discard the partial speech). */
  onRepair?: (reason: string) => void;
  abortSignal?: AbortSignal;
  temperature?: number;
  maxOutputTokens?: number;
}

export interface GeneratedTurn {
  output: TurnOutput;
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
  const parse = options.mode === 'json' ? parseJsonOutput : parseTaggedOutput;
  const first = await streamOnce(options, options.messages);
  const firstParse = parse(first);
  if (firstParse.ok) return { output: firstParse.output, raw: first, repaired: false };

  options.onRepair?.(firstParse.error);
  const repairMessages: ModelMessage[] = [
    ...options.messages,
    { role: 'assistant', content: first },
    { role: 'user', content: `Your last reply could not be used: ${firstParse.error}. Reply again as the same character, in the required format only.` },
  ];
  const second = await streamOnce(options, repairMessages);
  const secondParse = parse(second);
  if (secondParse.ok) return { output: secondParse.output, raw: second, repaired: true };
  throw new AgentError('agent/invalid-output', `the model's reply was invalid twice (repair attempted): ${secondParse.error}`, {
    details: { first: first.slice(0, 500), second: second.slice(0, 500) },
  });
}

async function streamOnce(options: GenerateTurnOptions, messages: ModelMessage[]): Promise<string> {
  const speech = new SpeechStream(options.mode);
  // The character sheet goes in `system`: the SDK places it first for every provider.
  const [head, ...rest] = messages;
  const system = head?.role === 'system' ? head.content : undefined;
  const result = streamText({
    model: options.model,
    system,
    messages: system === undefined ? messages : rest,
    ...(options.mode === 'json' ? { output: Output.object({ schema: TurnOutput, name: 'turn' }) } : {}),
    // Retries are the llm middleware's job (it honours Retry-After); the SDK's own would double them.
    maxRetries: 0,
    abortSignal: options.abortSignal,
    temperature: options.temperature,
    maxOutputTokens: options.maxOutputTokens,
    onError: () => {},
  });
  let text = '';
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') {
      text += part.text;
      const delta = speech.push(text);
      if (delta) options.onSpeechDelta?.(delta, text);
    } else if (part.type === 'error') {
      throw modelFailure(part.error);
    } else if (part.type === 'abort') {
      throw new AgentError('agent/aborted', 'the turn was cancelled before the model finished; nothing was stored');
    }
  }
  return text;
}

function modelFailure(error: unknown): Error {
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AgentError('agent/model-failed', `the model call failed: ${message}`, { cause: error });
}
