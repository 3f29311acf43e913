import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { Character } from '../../src/character/schema.ts';
import { countTokens, MESSAGE_FRAMING_TOKENS } from '../../src/text/tokens.ts';

/** The tokens a request asks of the model's context, by the engine's count: every message with its framing, plus the reply it may write. */
export function requestTokens(call: LanguageModelV3CallOptions): number {
  let tokens = call.maxOutputTokens ?? 0;
  for (const message of call.prompt) {
    const text = typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    tokens += countTokens(text) + MESSAGE_FRAMING_TOKENS;
  }
  return tokens;
}

/** What a streamed call used, as the model's own meter reports it. */
export interface MeteredCall {
  prompt: number;
  output: number;
  maxOutputTokens?: number;
  finish: string;
}

/** `model` with each streamed call's usage (the model's own token count) pushed to `calls` when it finishes. */
export function meteredModel(model: LanguageModelV3, calls: MeteredCall[]): LanguageModelV3 {
  return {
    ...model, doGenerate: model.doGenerate.bind(model),
    doStream: async (options) => {
      const result = await model.doStream(options);
      return {
        ...result,
        stream: result.stream.pipeThrough(new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
          transform(part, controller) {
            if (part.type === 'finish') {
              calls.push({ prompt: part.usage.inputTokens.total ?? 0, output: part.usage.outputTokens.total ?? 0, maxOutputTokens: options.maxOutputTokens, finish: part.finishReason.unified });
            }
            controller.enqueue(part);
          },
        })),
      };
    },
  };
}

/** A character with a sheet as short as a sheet gets: small local contexts can hold it. */
export const shortCharacter = Character.parse({
  name: 'Ana', description: 'A ferry pilot.', personality: 'calm', scenario: '', first_mes: 'Hi.', mes_example: '',
  creator_notes: '', system_prompt: '', post_history_instructions: '', alternate_greetings: [], tags: [], creator: '',
  character_version: '', extensions: {}, group_only_greetings: [],
});
