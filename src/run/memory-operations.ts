import type { Env } from '../llm/index.ts';
import {
  importMemories, memoryLines, recall, reembedMemories, type ImportResult, type MemoryFileEntry, type RecallOptions, type RecallResult,
} from '../memory/index.ts';
import type { Memory, OwnerFilter } from '../memory-model/index.ts';
import type { MemoryCharacter, Store } from '../store/index.ts';
import { createMemoryModels, type MemoryModelSettings } from './memory-models.ts';
import type { DownloadModel } from './model-preparation.ts';

// Characters' long-term memories: import, list, search, export and re-embed, with the models the settings name.

/** What the memory operations need to call models. */
export interface MemoryOperationOptions extends MemoryModelSettings {
  store: Store;
  env: Env;
  /** The folder a relative `local:` emotion model is relative to (default: the process's). */
  cwd?: string;
  download?: DownloadModel;
  onWarning?: (warning: string) => void;
}

/**
 * Stores parsed memory lines (see `readMemoryFile`), embedding and scoring the emotion of lines that bring none when
 * the models are given; resumable: lines already stored are skipped.
 */
export async function importCharacterMemories(options: MemoryOperationOptions & {
  entries: readonly MemoryFileEntry[];
  batchSize?: number;
  onProgress?: (progress: { done: number; total: number; added: number; skipped: number }) => void;
  signal?: AbortSignal;
}): Promise<ImportResult & { characters: string[] }> {
  const models = await createMemoryModels(options);
  const result = await importMemories({
    store: options.store.memories, entries: options.entries, embed: models.embed, embeddingModel: models.embeddingModel,
    scoreEmotion: models.scoreEmotion, batchSize: options.batchSize, onProgress: options.onProgress, signal: options.signal,
  });
  return { ...result, characters: [...new Set(options.entries.map((entry) => entry.character))] };
}

/** Who has memories: each character with its count, how many are embedded, and with which model. */
export async function memoryCharacters(store: Store): Promise<MemoryCharacter[]> {
  return store.memories.characters();
}

/** A character's memories, oldest first, without their embeddings (`owners` filters by owner; `limit` keeps the first N). */
export async function listMemories(options: { store: Store; character: string; owners?: OwnerFilter; limit?: number }): Promise<Omit<Memory, 'embedding'>[]> {
  const memories = await options.store.memories.list(options.character, { limit: options.limit, owners: options.owners });
  return memories.map(({ embedding: _embedding, ...rest }) => rest);
}

/** Recalls a character's memories for a query with a strategy of Emotional RAG, calling the models the settings name. */
export async function searchMemories(options: MemoryOperationOptions & Omit<RecallOptions, 'store' | 'embed' | 'scoreEmotion'>): Promise<RecallResult> {
  const { store, env, cwd, download, onWarning, embeddingModel, emotionModel, baseURL, cache, ...query } = options;
  const models = await createMemoryModels({ store, env, cwd, download, onWarning, embeddingModel, emotionModel, baseURL, cache });
  return recall({ ...query, store: store.memories, embed: models.embed, scoreEmotion: models.scoreEmotion });
}

/** A character's memories as JSONL lines (owners, embeddings and emotions included), for `importCharacterMemories` elsewhere. */
export async function exportMemories(options: { store: Store; character: string; owners?: OwnerFilter }): Promise<string[]> {
  return memoryLines(await options.store.memories.list(options.character, { embeddings: true, owners: options.owners }));
}

/** Re-embeds a character's memories with another embedding model (resumable). */
export async function reembedCharacterMemories(options: MemoryOperationOptions & {
  character: string;
  embeddingModel: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}): Promise<{ embedded: number; embeddingModel: string }> {
  const models = await createMemoryModels({ ...options, emotionModel: undefined });
  const { embedded } = await reembedMemories({
    store: options.store.memories, character: options.character, embed: models.embed!, embeddingModel: models.embeddingModel!,
    onProgress: options.onProgress, signal: options.signal,
  });
  return { embedded, embeddingModel: models.embeddingModel! };
}
