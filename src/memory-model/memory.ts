/** What a memory is: something lived (episodic), a fact, a summary of compacted history, or a reflection. */
export type MemoryKind = 'episodic' | 'fact' | 'summary' | 'reflection';
export const MEMORY_KINDS: readonly MemoryKind[] = ['episodic', 'fact', 'summary', 'reflection'];

/** Plutchik's eight emotions, in the order Emotional RAG scores them; each 1 (not expressed) to 10. */
export const EMOTIONS = ['joy', 'acceptance', 'fear', 'surprise', 'sadness', 'disgust', 'anger', 'anticipation'] as const;
export type Emotion = (typeof EMOTIONS)[number];

/**
 * Which memories of a character a read returns, by owner: a user's name for that user's memories, `null` for
 * shared ones (no owner: imported, lived in scenes, or shared from a chat on purpose). Unset: every memory.
 */
export type OwnerFilter = readonly (string | null)[];

/**
 * What a session of `owner` may recall: the shared memories and that user's own, never another user's. Without
 * an owner (a scene, the character alone): the shared memories only.
 */
export function visibleTo(owner: string | undefined): OwnerFilter {
  return owner === undefined ? [null] : [null, owner];
}

/** One memory of one character. */
export interface Memory {
  id: string;
  /** The character it belongs to (its name in chats and scenes). */
  character: string;
  /** The user whose sessions recall it (a chat's user name); undefined for a shared memory, recalled by every session. */
  owner?: string;
  kind: MemoryKind;
  text: string;
  /** When it happened (ISO time). */
  at: string;
  /** The events it was made from, if any. */
  sourceEventIds: string[];
  /** 0–1; undefined when not rated. */
  importance?: number;
  /** Eight scores in {@link EMOTIONS} order; undefined when not scored (still recalled by meaning or words). */
  emotion?: number[];
  /** L2-normalised; undefined until embedded. */
  embedding?: Float32Array;
  embeddingModel?: string;
  /** Order of insertion within its character: ranking ties go to the earlier memory. */
  seq: number;
}

export interface NewMemory {
  id?: string;
  character: string;
  /** A user's name to keep it to that user's sessions; leave it out for a shared memory. */
  owner?: string;
  kind?: MemoryKind;
  text: string;
  at?: string;
  sourceEventIds?: string[];
  importance?: number;
  emotion?: readonly number[];
  embedding?: ArrayLike<number>;
  embeddingModel?: string;
}
