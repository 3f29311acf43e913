import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EMOTIONS, MEMORY_KINDS, type Memory, type NewMemory } from '../memory-model/index.ts';
import type { MemoryStore } from '../store/index.ts';
import { readInputText, type InputProblem } from '../text/index.ts';
import type { Embed, ScoreEmotion } from './recall.ts';

export type MemoryFileErrorCode = 'memory/bad-file' | 'memory/empty' | `memory/${InputProblem}`;

/** A memory-file problem; `line` is 1-based. */
export class MemoryFileError extends Error {
  constructor(message: string, readonly line?: number, readonly code: MemoryFileErrorCode = 'memory/bad-file', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MemoryFileError';
  }
}

/**
 * Reads and parses a memory file (see `parseMemoryFile`) through the shared input reader: a regular file, at most
 * 256 MiB unless `maxBytes` says otherwise, UTF-8 (a byte-order mark is fine). A file without a memory is an error.
 * @example const entries = await readMemoryFile('memories.jsonl', { character: 'Seraphina' })
 */
export async function readMemoryFile(path: string, options: { character?: string; owner?: string; source?: string; maxBytes?: number } = {}): Promise<MemoryFileEntry[]> {
  const text = await readInputText(path, {
    kind: 'memory', maxBytes: options.maxBytes,
    fail: (failure) => new MemoryFileError(failure.message, undefined, `memory/${failure.problem}`, { cause: failure.cause }),
  });
  const source = options.source ?? path;
  if (!text.trim()) {
    throw new MemoryFileError(`${source}: the memory file is empty; write one JSON object a line, e.g. {"text": "She keeps the lamp lit."}`, undefined, 'memory/empty');
  }
  return parseMemoryFile(text, { character: options.character, owner: options.owner, source });
}

const emotionObject = z.object(Object.fromEntries(EMOTIONS.map((name) => [name, z.number().min(1).max(10).optional()]))).strict();

/** One line of a memory file (JSONL). `emotion` is 8 scores in Plutchik order, or an object by name. */
const MemoryLine = z.object({
  id: z.string().min(1).optional(),
  character: z.string().min(1).optional(),
  /** The user whose sessions recall it; without one the memory is shared. */
  owner: z.string().trim().min(1, 'owner is empty (leave it out for a shared memory)').optional(),
  kind: z.enum(MEMORY_KINDS as [string, ...string[]]).optional(),
  text: z.string().trim().min(1, 'text is empty'),
  at: z.string().datetime({ offset: true }).optional(),
  sourceEventIds: z.array(z.string()).optional(),
  importance: z.number().min(0).max(1).optional(),
  emotion: z.union([z.array(z.number().min(1).max(10)), emotionObject]).optional(),
  embedding: z.array(z.number().finite()).min(1).optional(),
  embeddingModel: z.string().optional(),
}).strict();

/** A parsed line: a memory with its id fixed (given, or derived from its content so a re-import skips it). */
export interface MemoryFileEntry extends NewMemory {
  id: string;
  line: number;
}

/**
 * Reads a memory file: one JSON object per line (blank lines skipped). Every problem is collected with its line
 * number and thrown together, before anything is stored: an emotion must have 8 scores, all embeddings one width.
 * Lines without `character` take `character`, lines without `owner` take `owner` (none: shared memories).
 * @example parseMemoryFile(await readFile('memories.jsonl', 'utf8'), { character: 'Seraphina' })
 */
export function parseMemoryFile(text: string, options: { character?: string; owner?: string; source?: string } = {}): MemoryFileEntry[] {
  const entries: MemoryFileEntry[] = [];
  const problems: string[] = [];
  let firstLine: number | undefined;
  const problem = (line: number, message: string) => {
    firstLine ??= line;
    problems.push(`${where(line)}: ${message}`);
  };
  const where = (line: number) => `${options.source ? `${options.source}:` : 'line '}${line}`;
  let width: { size: number; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problem(line, `not JSON (${(error as Error).message})`);
      return;
    }
    const parsed = MemoryLine.safeParse(value);
    if (!parsed.success) {
      problem(line, parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; '));
      return;
    }
    const entry = parsed.data;
    const character = entry.character ?? options.character;
    if (!character) {
      problem(line, 'no character (give "character" on the line, or --character)');
      return;
    }
    let emotion: number[] | undefined;
    if (Array.isArray(entry.emotion)) {
      if (entry.emotion.length !== EMOTIONS.length) {
        problem(line, `emotion has ${entry.emotion.length} scores; it needs ${EMOTIONS.length} (${EMOTIONS.join(', ')})`);
        return;
      }
      emotion = entry.emotion;
    } else if (entry.emotion) {
      const byName = entry.emotion as Record<string, number | undefined>;
      emotion = EMOTIONS.map((name) => byName[name] ?? 1);
    }
    if (entry.embedding) {
      width ??= { size: entry.embedding.length, line };
      if (entry.embedding.length !== width.size) {
        problem(line, `embedding has ${entry.embedding.length} dimensions, but line ${width.line}'s has ${width.size}`);
        return;
      }
    }
    const owner = entry.owner ?? options.owner;
    const key = owner === undefined ? [character, entry.text, entry.at ?? ''] : [character, entry.text, entry.at ?? '', { owner }];
    const id = entry.id ?? `m-${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 24)}`;
    entries.push({ ...entry, kind: entry.kind as NewMemory['kind'], character, ...(owner === undefined ? {} : { owner }), emotion, id, line });
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more`);
    throw new MemoryFileError(shown.join('\n'), firstLine);
  }
  return entries;
}

export interface ImportOptions {
  store: MemoryStore;
  entries: readonly MemoryFileEntry[];
  /** Embeds lines that bring no embedding; `embeddingModel` is recorded with them. */
  embed?: Embed;
  embeddingModel?: string;
  /** Scores the emotion of lines that bring none; an unreadable answer leaves the memory without one. */
  scoreEmotion?: ScoreEmotion;
  /** Lines stored per transaction (default 64): a failure keeps the batches before it, and a re-run skips them. */
  batchSize?: number;
  onProgress?: (progress: { done: number; total: number; added: number; skipped: number }) => void;
  signal?: AbortSignal;
}

export interface ImportResult {
  added: number;
  /** Lines already in the store (an earlier import, or the same memory twice). */
  skipped: number;
}

/**
 * Stores parsed memory lines in batches, each embedded and scored first and then written in one transaction:
 * an embedding endpoint that fails mid-import leaves whole batches only, and the same command resumes after them.
 */
export async function importMemories(options: ImportOptions): Promise<ImportResult> {
  const { store, entries } = options;
  const batchSize = options.batchSize ?? 64;
  await checkWidths(store, entries);
  let added = 0;
  let skipped = 0;
  const seen = new Set<string>();
  for (let start = 0; start < entries.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = entries.slice(start, start + batchSize);
    const existing = new Set((await store.get(batch.map((entry) => entry.id))).map((memory) => memory.id));
    const fresh = batch.filter((entry) => !existing.has(entry.id) && !seen.has(entry.id));
    skipped += batch.length - fresh.length;
    fresh.forEach((entry) => seen.add(entry.id));
    const toEmbed = options.embed ? fresh.filter((entry) => !entry.embedding) : [];
    const vectors = toEmbed.length ? await options.embed!(toEmbed.map((entry) => entry.text), options.signal) : [];
    const embedded = new Map(toEmbed.map((entry, index) => [entry.id, vectors[index]!]));
    const memories: NewMemory[] = [];
    for (const entry of fresh) {
      const emotion = entry.emotion ?? (options.scoreEmotion ? await options.scoreEmotion({ character: entry.character, text: entry.text }, options.signal) : undefined);
      const embedding = entry.embedding ?? embedded.get(entry.id);
      const { line: _line, ...memory } = entry;
      memories.push({ ...memory, emotion, embedding, embeddingModel: entry.embedding ? entry.embeddingModel : embedding ? options.embeddingModel : undefined });
    }
    // Another process importing the same file may have stored some of these since the check above: they are skipped.
    const stored = memories.length ? await store.add(memories, { ifAbsent: true }) : [];
    added += stored.length;
    skipped += memories.length - stored.length;
    options.onProgress?.({ done: Math.min(start + batchSize, entries.length), total: entries.length, added, skipped });
  }
  return { added, skipped };
}

/** Refuses, before any call, embeddings whose width differs from what a character's stored memories have. */
async function checkWidths(store: MemoryStore, entries: readonly MemoryFileEntry[]): Promise<void> {
  const stored = new Map((await store.characters()).map((character) => [character.character, character]));
  for (const entry of entries) {
    const known = stored.get(entry.character);
    if (entry.embedding && known?.dimension !== undefined && known.dimension !== entry.embedding.length) {
      throw new MemoryFileError(
        `line ${entry.line}: embedding has ${entry.embedding.length} dimensions, but ${entry.character}'s stored memories have ${known.dimension}` +
          `${known.embeddingModel ? ` (${known.embeddingModel})` : ''}; import with the same embedding model, or remove them first`,
        entry.line,
      );
    }
  }
}

/** A character's memories as JSONL lines that `parseMemoryFile` reads back unchanged. */
export function memoryLines(memories: readonly Memory[]): string[] {
  return memories.map((memory) => JSON.stringify({
    id: memory.id, character: memory.character, ...(memory.owner === undefined ? {} : { owner: memory.owner }), kind: memory.kind, text: memory.text, at: memory.at,
    ...(memory.sourceEventIds.length ? { sourceEventIds: memory.sourceEventIds } : {}),
    ...(memory.importance === undefined ? {} : { importance: memory.importance }),
    ...(memory.emotion ? { emotion: memory.emotion } : {}),
    ...(memory.embedding ? { embedding: [...memory.embedding], embeddingModel: memory.embeddingModel } : {}),
  }));
}

export interface ReembedOptions {
  store: MemoryStore;
  character: string;
  embed: Embed;
  embeddingModel: string;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Re-embeds a character's memories with another model. Embeddings of another model are cleared first (one
 * transaction: a character never holds two widths), then memories without one are embedded batch by batch, so
 * a failed call leaves the rest unembedded and the same command finishes them.
 */
export async function reembedMemories(options: ReembedOptions): Promise<{ embedded: number }> {
  const { store, character } = options;
  const all = await store.list(character, { embeddings: true });
  const stale = all.filter((memory) => memory.embedding && memory.embeddingModel !== options.embeddingModel);
  if (stale.length) await store.update(stale.map((memory) => ({ id: memory.id, embedding: null })));
  const todo = all.filter((memory) => !memory.embedding || memory.embeddingModel !== options.embeddingModel);
  const batchSize = options.batchSize ?? 64;
  for (let start = 0; start < todo.length; start += batchSize) {
    const batch = todo.slice(start, start + batchSize);
    const vectors = await options.embed(batch.map((memory) => memory.text), options.signal);
    await store.update(batch.map((memory, index) => ({ id: memory.id, embedding: vectors[index]!, embeddingModel: options.embeddingModel })));
    options.onProgress?.(Math.min(start + batchSize, todo.length), todo.length);
  }
  return { embedded: todo.length };
}
