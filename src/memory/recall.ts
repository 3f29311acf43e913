import { unitLength } from '../llm/index.ts';
import type { Memory, OwnerFilter } from '../memory-model/index.ts';
import type { MemoryStore, MemoryVectors } from '../store/index.ts';
import { allDistances, nearestIndex } from './nearest-index.ts';
import { DEFAULT_K, DEFAULT_POOL, EMOTIONAL_STRATEGIES, rankMemories, type RankOptions, type Strategy } from './retrieval.ts';

/** Embeds texts (any length; the memory store normalises). */
export type Embed = (texts: string[], signal?: AbortSignal) => Promise<number[][]>;
/** Scores the emotion a character expresses in a text; undefined when the answer could not be read. */
export type ScoreEmotion = (input: { character: string; text: string }, signal?: AbortSignal) => Promise<number[] | undefined>;

export interface RecallQuery {
  text: string;
  /** Used instead of embedding `text`. */
  embedding?: readonly number[];
  /** Used instead of scoring `text`'s emotion. */
  emotion?: readonly number[];
}

export interface RecallOptions {
  store: MemoryStore;
  character: string;
  /**
   * Whose memories may be recalled (`visibleTo(user)`: the shared ones and that user's); unset, every memory of
   * the character. Sessions always set it (`AgentMemory`), so one user's memories never reach another's prompt.
   */
  owners?: OwnerFilter;
  query: RecallQuery;
  strategy?: Strategy;
  k?: number;
  pool?: number;
  embed?: Embed;
  scoreEmotion?: ScoreEmotion;
  /** Extensions, off by default: see `RankOptions`. */
  weights?: RankOptions['weights'];
  /** Older memories rank lower, with this half-life in days (an extension, off by default). */
  recencyHalfLifeDays?: number;
  signal?: AbortSignal;
}

export interface Recalled {
  memory: Memory;
  rank: number;
  /** Euclidean distance between embeddings (vector strategies). */
  dSem?: number;
  /** 1 − cosine similarity of emotions (when both have one). */
  dEmo?: number;
  /** What the memory was ranked by, smaller is better: the strategy's formula, or bm25 for `lexical`. */
  score: number;
}

export interface RecallResult {
  /** The strategy asked for. */
  requested: Strategy;
  /** The strategy used: `lexical` without embeddings, `semantic` without a query emotion. */
  strategy: Strategy;
  memories: Recalled[];
  queryEmotion?: number[];
  /** Why the strategy used is not the one asked for. */
  notes: string[];
}

/** A character's vectors, and an index over them when it has many. */
interface Prepared {
  vectors: MemoryVectors;
  nearest?: (query: Float32Array, n: number) => number[];
  distances?: (query: Float32Array) => Float64Array;
}

/** Characters' vectors kept in memory between recalls, per store and owner filter, until the character's revision changes. */
const vectorCache = new WeakMap<MemoryStore, Map<string, Prepared>>();

async function vectorsOf(store: MemoryStore, character: string, owners: OwnerFilter | undefined): Promise<Prepared> {
  let byCharacter = vectorCache.get(store);
  if (!byCharacter) vectorCache.set(store, (byCharacter = new Map()));
  const key = JSON.stringify([character, owners ?? 'all']);
  const cached = byCharacter.get(key);
  if (cached && cached.vectors.revision === (await store.revision(character))) return cached;
  const vectors = await store.vectors(character, { owners });
  const fresh = { vectors, nearest: nearestIndex(vectors), distances: allDistances(vectors) };
  byCharacter.set(key, fresh);
  return fresh;
}

/**
 * A character's memories for a query, ranked by one of Emotional RAG's strategies (see `retrieval.ts`).
 * Falls back, saying so in `notes`, to `lexical` (BM25) when neither the query nor the memories have
 * embeddings, and to `semantic` when an emotional strategy finds no emotion for the query. A character with no
 * memories recalls nothing.
 * @example const { memories } = await recall({ store: store.memories, character: 'Seraphina', query: { text }, strategy: 'c-a', embed, scoreEmotion })
 */
export async function recall(options: RecallOptions): Promise<RecallResult> {
  const { store, character, query, owners } = options;
  const requested = options.strategy ?? (options.embed || query.embedding ? 'semantic' : 'lexical');
  const k = options.k ?? DEFAULT_K;
  const notes: string[] = [];
  const lexical = async (): Promise<RecallResult> => {
    const hits = await store.searchText(character, query.text, k, { owners });
    const memories = await store.get(hits.map((hit) => hit.id));
    return { requested, strategy: 'lexical', notes, memories: memories.map((memory, index) => ({ memory, rank: index + 1, score: hits[index]!.score })) };
  };
  if (requested === 'lexical') return lexical();

  const { vectors, nearest, distances } = await vectorsOf(store, character, owners);
  if (vectors.ids.length === 0) {
    notes.push(`${character} has no embedded memories: ranked by words (BM25)`);
    return lexical();
  }
  let embedding = query.embedding;
  if (!embedding && options.embed) [embedding] = await options.embed([query.text], options.signal);
  if (!embedding) {
    notes.push('no embedding model for the query: ranked by words (BM25)');
    return lexical();
  }
  let strategy: Strategy = requested;
  let emotion = query.emotion ? [...query.emotion] : undefined;
  if (EMOTIONAL_STRATEGIES.includes(requested) && !emotion) {
    emotion = options.scoreEmotion ? await options.scoreEmotion({ character, text: query.text }, options.signal) : undefined;
    if (!emotion) {
      notes.push(options.scoreEmotion ? "the query's emotion could not be read: ranked by meaning only" : 'no emotion model: ranked by meaning only');
      strategy = 'semantic';
    }
  }
  const unitQuery = Float32Array.from(unitLength(embedding));
  const ranked = rankMemories(vectors, { embedding: unitQuery, emotion }, strategy as Exclude<Strategy, 'lexical'>, {
    k, pool: options.pool ?? DEFAULT_POOL, nearest: nearest && ((n) => nearest(unitQuery, n)), distances: distances && (() => distances(unitQuery)),
    weights: options.weights,
    ...(options.recencyHalfLifeDays ? { recency: { halfLifeDays: options.recencyHalfLifeDays, now: Date.now() } } : {}),
  });
  const memories = await store.get(ranked.map((memory) => memory.id));
  const byId = new Map(memories.map((memory) => [memory.id, memory]));
  return {
    requested, strategy, notes, queryEmotion: emotion,
    memories: ranked.flatMap((memory, index) => {
      const found = byId.get(memory.id);
      return found ? [{ memory: found, rank: index + 1, dSem: memory.dSem, dEmo: memory.dEmo, score: memory.score }] : [];
    }),
  };
}
