import { cachedEmbedder, createLanguageModel, createModelRuntime, formatModelSpec, parseModelSpec, type Env, type ModelRuntime } from '../llm/index.ts';
import { scoreEmotion, type Embed, type ScoreEmotion } from '../memory/index.ts';
import type { Store } from '../store/index.ts';
import { prepareModelSpecs, type DownloadModel } from './model-preparation.ts';

/** The models memories are recalled and written with: both optional. */
export interface MemoryModelSettings {
  /** Embeds memories and queries (semantic strategies). */
  embeddingModel?: string;
  /** Scores the emotions of memories and queries (the emotional strategies). */
  emotionModel?: string;
  baseURL?: string;
  /** Use the response and embedding cache (default true). */
  cache?: boolean;
}

export interface MemoryModels {
  embed?: Embed;
  /** The embedding model's spec, as stored with the vectors. */
  embeddingModel?: string;
  scoreEmotion?: ScoreEmotion;
}

export interface CreateMemoryModelsOptions extends MemoryModelSettings {
  env: Env;
  /** Caches the answers and embeddings. */
  store: Store;
  /** Default: a new runtime. */
  runtime?: ModelRuntime;
  /** The folder a relative `local:` emotion model is relative to (default: the process's). */
  cwd?: string;
  download?: DownloadModel;
  onWarning?: (warning: string) => void;
}

/** The embedder and emotion scorer the settings name (a `local:` emotion model is readied first). */
export async function createMemoryModels(options: CreateMemoryModelsOptions): Promise<MemoryModels> {
  const { env, store, onWarning } = options;
  const runtime = options.runtime ?? createModelRuntime();
  const embeddingModel = options.embeddingModel ? formatModelSpec(parseModelSpec(options.embeddingModel)) : undefined;
  const embed = embeddingModel ? cachedEmbedder(embeddingModel, { env, runtime, baseURL: options.baseURL, store, cache: options.cache, onWarning }) : undefined;
  let scoreEmotionWith: ScoreEmotion | undefined;
  if (options.emotionModel) {
    const [spec] = await prepareModelSpecs([options.emotionModel], { env, cwd: options.cwd ?? process.cwd(), download: options.download });
    const model = createLanguageModel(spec!, { env, runtime, baseURL: options.baseURL, store, cache: options.cache, onWarning });
    scoreEmotionWith = (input, signal) => scoreEmotion(model, input, { abortSignal: signal });
  }
  return { embed, embeddingModel, scoreEmotion: scoreEmotionWith };
}
