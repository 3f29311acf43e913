import { cachedEmbedder, createLanguageModel, createModelRuntime, formatModelSpec, parseModelSpec, type Env } from '../llm/index.ts';
import { scoreEmotion, type Embed, type ScoreEmotion } from '../memory/index.ts';
import type { Store } from '../store/index.ts';
import type { CliIo } from './io.ts';
import { prepareModels } from './local-models.ts';

/** The memory flags shared by `memory import|search` and `chat`. */
export interface MemoryModelFlags {
  embeddingModel?: string;
  emotionModel?: string;
  baseUrl?: string;
  cache: boolean;
}

/** The embedder and emotion scorer the flags name; both optional. */
export async function memoryModels(options: MemoryModelFlags, io: CliIo, store: Store): Promise<{ embed?: Embed; embeddingModel?: string; scoreEmotion?: ScoreEmotion }> {
  const env: Env = io.env;
  const runtime = createModelRuntime();
  const onWarning = (message: string) => io.stderr.write(`warning: ${message}\n`);
  const embeddingModel = options.embeddingModel ? formatModelSpec(parseModelSpec(options.embeddingModel)) : undefined;
  const embed = embeddingModel ? cachedEmbedder(embeddingModel, { env, runtime, baseURL: options.baseUrl, store, cache: options.cache, onWarning }) : undefined;
  let scoreEmotionWith: ScoreEmotion | undefined;
  if (options.emotionModel) {
    const [spec] = await prepareModels([options.emotionModel], io);
    const model = createLanguageModel(spec!, { env, runtime, baseURL: options.baseUrl, store, cache: options.cache, onWarning });
    scoreEmotionWith = (input, signal) => scoreEmotion(model, input, { abortSignal: signal });
  }
  return { embed, embeddingModel, scoreEmotion: scoreEmotionWith };
}

