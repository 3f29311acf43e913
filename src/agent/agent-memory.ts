import { createHash } from 'node:crypto';
import { recall, type Embed, type RecallOptions, type RecallResult, type ScoreEmotion, type Strategy } from '../memory/index.ts';
import { visibleTo, type NewMemory } from '../memory-model/index.ts';
import type { MemoryStore } from '../store/index.ts';
import { type SceneEvent, perspectiveOf } from '../events/index.ts';
import type { CompactedBlock } from './compaction.ts';

export interface AgentMemoryOptions {
  store: MemoryStore;
  /**
   * The user whose session this is (a chat's user name). Memories it writes belong to that user, and it recalls
   * the shared memories and that user's own, never another user's. Unset (a scene, the character alone): it
   * writes shared memories and recalls shared ones only. A chat session sets it to its user unless set here.
   */
  owner?: string;
  /** Write shared memories (no owner) even in a user's session, so that every user of the character recalls them. */
  shared?: boolean;
  /** How memories are recalled (default: semantic with an embedder, else lexical). */
  strategy?: Strategy;
  k?: number;
  pool?: number;
  embed?: Embed;
  /** Recorded with the embeddings of new memories. */
  embeddingModel?: string;
  scoreEmotion?: ScoreEmotion;
  /** Store what the character perceives as new memories after each turn (default true). */
  write?: boolean;
  /**
   * The emotional cue of the emotional strategies: the emotion of what was just said (`query`, the paper's), or
   * the character's own mood as its last thought put it (`mood`, an extension; the query's when it has no thought yet).
   */
  cue?: 'query' | 'mood';
  /** Extensions, off by default (see `recall`). */
  weights?: RecallOptions['weights'];
  recencyHalfLifeDays?: number;
}

/** What a turn recalled, as recorded on its thought event. */
export interface RecalledRecord {
  id: string;
  score: number;
  dSem?: number;
  dEmo?: number;
}

const REMEMBERED_KINDS = new Set(['speech', 'action', 'narration']);
/** How many perceived lines since the character last acted make the recall query. */
const QUERY_LINES = 3;

/**
 * One character's long-term memory inside a chat or scene: it recalls for the turn at hand, and writes what the
 * character perceived — only its perspective, so another character's private events never become its memories.
 * Memories are the single events, and each of the character's lines with the line before it (as Emotional RAG
 * chunks dialogue). Their ids come from the events, so remembering the same log twice stores nothing new.
 */
export class AgentMemory {
  constructor(readonly character: string, private readonly options: AgentMemoryOptions) {}

  /** The user whose memories these are; undefined for the character's shared memory. */
  get owner(): string | undefined { return this.options.owner; }

  /** This memory in `user`'s session: itself when it has an owner already, else one owned by `user`. */
  forUser(user: string): AgentMemory {
    return this.options.owner === undefined ? new AgentMemory(this.character, { ...this.options, owner: user }) : this;
  }

  /** Memories for the character's next turn: the query is what it perceived since it last acted. */
  async recall(log: readonly SceneEvent[], signal?: AbortSignal): Promise<RecallResult | undefined> {
    const query = recallQuery(perspectiveOf(log, this.character), this.character);
    if (!query) return undefined;
    const mood = this.options.cue === 'mood' ? await this.mood(log, signal) : undefined;
    return recall({
      store: this.options.store, character: this.character, owners: visibleTo(this.options.owner), query: { text: query, emotion: mood }, strategy: this.options.strategy,
      k: this.options.k, pool: this.options.pool, embed: this.options.embed, scoreEmotion: this.options.scoreEmotion,
      weights: this.options.weights, recencyHalfLifeDays: this.options.recencyHalfLifeDays, signal,
    });
  }

  /** The emotion of the character's latest thought, scored like a memory's. */
  private async mood(log: readonly SceneEvent[], signal?: AbortSignal): Promise<number[] | undefined> {
    const thought = [...log].reverse().find((event) => event.kind === 'thought' && event.actor === this.character);
    const felt = typeof thought?.data?.emotion === 'string' ? thought.data.emotion.trim() : '';
    if (!felt || !this.options.scoreEmotion) return undefined;
    return this.options.scoreEmotion({ character: this.character, text: `${this.character} feels: ${felt}` }, signal);
  }

  /**
   * Stores what the character perceived in `log` and has not yet remembered, and the summaries of its
   * compacted history blocks (`summary` memories; a merged summary is a new memory, the old ones stay).
   */
  async remember(log: readonly SceneEvent[], signal?: AbortSignal, blocks: readonly CompactedBlock[] = []): Promise<number> {
    if (this.options.write === false) return 0;
    const owner = this.options.shared ? undefined : this.options.owner;
    const candidates = [...memoriesOf(perspectiveOf(log, this.character), this.character, owner), ...summaryMemories(blocks, this.character, log, owner)];
    const known = new Set((await this.options.store.get(candidates.map((memory) => memory.id!))).map((memory) => memory.id));
    const fresh = candidates.filter((memory) => !known.has(memory.id!));
    if (fresh.length === 0) return 0;
    const vectors = this.options.embed ? await this.options.embed(fresh.map((memory) => memory.text), signal) : [];
    for (const [index, memory] of fresh.entries()) {
      if (vectors[index]) {
        memory.embedding = vectors[index];
        memory.embeddingModel = this.options.embeddingModel;
      }
      if (this.options.scoreEmotion) memory.emotion = await this.options.scoreEmotion({ character: this.character, text: memory.text }, signal);
    }
    await this.options.store.add(fresh);
    return fresh.length;
  }
}

/** A compacted history block as a `summary` memory; its id comes from the block, so it is stored once. */
function summaryMemories(blocks: readonly CompactedBlock[], character: string, log: readonly SceneEvent[], owner?: string): NewMemory[] {
  return blocks.map((block) => ({
    id: memoryId(character, ['summary', String(block.throughSeq), block.summary], owner), character, ...ownedBy(owner), kind: 'summary' as const, text: block.summary,
    at: log.find((event) => event.seq === block.throughSeq)?.at,
    sourceEventIds: perspectiveOf(log, character).filter((event) => event.seq <= block.throughSeq && event.kind !== 'thought').map((event) => event.id).slice(-50),
  }));
}

/** The text of the last few lines the character perceived since its own last line (or the last few lines). */
export function recallQuery(perspective: readonly SceneEvent[], character: string): string {
  const lines: string[] = [];
  for (let i = perspective.length - 1; i >= 0 && lines.length < QUERY_LINES; i--) {
    const event = perspective[i]!;
    if (!REMEMBERED_KINDS.has(event.kind)) continue;
    if (event.actor === character) break;
    lines.unshift(lineOf(event));
  }
  return lines.join('\n');
}

/** The memories a perspective yields: each perceived line, and each own line with the line before it (owned by `owner` if given). */
export function memoriesOf(perspective: readonly SceneEvent[], character: string, owner?: string): NewMemory[] {
  const memories: NewMemory[] = [];
  let previous: SceneEvent | undefined;
  for (const event of perspective) {
    if (!REMEMBERED_KINDS.has(event.kind)) continue;
    memories.push({
      id: memoryId(character, [event.id], owner), character, ...ownedBy(owner), kind: 'episodic', text: lineOf(event), at: event.at, sourceEventIds: [event.id],
    });
    if (event.actor === character && previous && previous.actor !== character) {
      memories.push({
        id: memoryId(character, [previous.id, event.id], owner), character, ...ownedBy(owner), kind: 'episodic', text: `${lineOf(previous)}\n${lineOf(event)}`,
        at: event.at, sourceEventIds: [previous.id, event.id],
      });
    }
    previous = event;
  }
  return memories;
}

function lineOf(event: SceneEvent): string {
  if (event.kind === 'narration') return `[Narration] ${event.text}`;
  const who = event.actor === 'user' ? 'User' : event.actor;
  return event.kind === 'action' ? `${who}: *${event.text.replace(/^\*+|\*+$/g, '')}*` : `${who}: ${event.text}`;
}

function ownedBy(owner: string | undefined): { owner?: string } {
  return owner === undefined ? {} : { owner };
}

/** A memory's id from its events (and owner: two users' identical summaries are two memories). */
function memoryId(character: string, eventIds: string[], owner?: string): string {
  const key = owner === undefined ? [character, ...eventIds] : [character, ...eventIds, { owner }];
  return `ev-${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 24)}`;
}
