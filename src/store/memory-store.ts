import type { Memory, MemoryKind, NewMemory, OwnerFilter } from '../memory-model/index.ts';

export interface MemoryPatch {
  id: string;
  /** null removes it. */
  embedding?: ArrayLike<number> | null;
  embeddingModel?: string;
  emotion?: readonly number[] | null;
}

/** Every embedded memory of a character as one matrix (row i is memory ids[i]), with emotions beside. */
export interface MemoryVectors {
  /** The character's revision these vectors were read at. */
  revision: number;
  ids: string[];
  dimension: number;
  embeddingModel?: string;
  /** ids.length × dimension, row-major. */
  matrix: Float32Array;
  /** ids.length × 8; a row of NaN for a memory without an emotion. */
  emotions: Float32Array;
  /** When each memory happened, in milliseconds since 1970 (NaN if its time does not parse). */
  times: Float64Array;
}

export interface MemoryCharacter {
  character: string;
  count: number;
  embedded: number;
  /** The one embedding width of its memories, if any are embedded. */
  dimension?: number;
  embeddingModel?: string;
}

/**
 * Where characters' memories live. Implemented on SQLite (FTS5 for words, embeddings as float32 blobs) and later
 * on Postgres; `test/store/memory-store-contract.ts` is the suite both pass.
 */
export interface MemoryStore {
  /**
   * Adds memories in one transaction: all or none. One character's embeddings keep one width. With `ifAbsent`,
   * a memory whose id is already stored (another process imported the same file) is skipped, not an error; the
   * result holds only what was added.
   */
  add(memories: readonly NewMemory[], options?: { ifAbsent?: boolean }): Promise<Memory[]>;
  /** A character's memories in insertion order (embeddings left out unless asked), of some owners only if asked. */
  list(character: string, options?: { kind?: MemoryKind; limit?: number; offset?: number; embeddings?: boolean; owners?: OwnerFilter }): Promise<Memory[]>;
  /** The memories with these ids, in the order asked; unknown ids are skipped. */
  get(ids: readonly string[]): Promise<Memory[]>;
  /** Sets or clears embeddings and emotions, in one transaction. */
  update(patches: readonly MemoryPatch[]): Promise<void>;
  /** Removes a character's memories (these ids, or all); returns how many. */
  remove(character: string, ids?: readonly string[]): Promise<number>;
  characters(): Promise<MemoryCharacter[]>;
  /** BM25 over a character's memory texts (of some owners only if asked), best first; `score` is bm25 (smaller is better). */
  searchText(character: string, query: string, k: number, options?: { owners?: OwnerFilter }): Promise<{ id: string; score: number }[]>;
  /** A character's embedded memories (of some owners only if asked), in insertion order. */
  vectors(character: string, options?: { owners?: OwnerFilter }): Promise<MemoryVectors>;
  /** A number that changes whenever a character's memories change (0 for none yet). */
  revision(character: string): Promise<number>;
}
