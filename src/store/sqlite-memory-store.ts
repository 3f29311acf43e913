import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { StoreError } from './errors.ts';
import { EMOTIONS, MEMORY_KINDS, type Memory, type MemoryKind, type NewMemory, type OwnerFilter } from '../memory-model/index.ts';
import type { MemoryCharacter, MemoryPatch, MemoryStore, MemoryVectors } from './memory-store.ts';

interface MemoryRow {
  id: string;
  character: string;
  owner: string | null;
  seq: number;
  kind: MemoryKind;
  text: string;
  at: string;
  source_event_ids: string;
  importance: number | null;
  emotion: Buffer | null;
  embedding?: Buffer | null;
  embedding_model: string | null;
  dimension: number | null;
}

const COLUMNS = 'id, character, owner, seq, kind, text, at, source_event_ids, importance, emotion, embedding_model, dimension';
/** The owner filter of a read: every memory (@every), shared ones (@shared), and those of the owners in @owners (a JSON array). */
const owned = (column: string) => `(@every = 1 OR (${column} IS NULL AND @shared = 1) OR ${column} IN (SELECT value FROM json_each(@owners)))`;

/** Characters' memories in the store's SQLite database: texts indexed by FTS5, vectors as float32 blobs. */
export class SqliteMemoryStore implements MemoryStore {
  private readonly statements;

  /** `assertWritable` throws when the store was opened read-only. */
  constructor(private readonly db: Database.Database, private readonly assertWritable: () => void = () => {}) {
    this.statements = {
      insert: db.prepare(`INSERT INTO memories (id, character, owner, seq, kind, text, at, source_event_ids, importance, emotion, embedding, embedding_model, dimension)
        VALUES (@id, @character, @owner, @seq, @kind, @text, @at, @source_event_ids, @importance, @emotion, @embedding, @embedding_model, @dimension)`),
      nextSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM memories WHERE character = ?'),
      widthOf: db.prepare('SELECT dimension, embedding_model FROM memories WHERE character = ? AND dimension IS NOT NULL AND id != ? LIMIT 1'),
      list: db.prepare(`SELECT ${COLUMNS} FROM memories WHERE character = @character AND (@kind IS NULL OR kind = @kind) AND ${owned('owner')} ORDER BY seq LIMIT @limit OFFSET @offset`),
      listWithEmbeddings: db.prepare(`SELECT ${COLUMNS}, embedding FROM memories WHERE character = @character AND (@kind IS NULL OR kind = @kind) AND ${owned('owner')} ORDER BY seq LIMIT @limit OFFSET @offset`),
      get: db.prepare(`SELECT ${COLUMNS}, embedding FROM memories WHERE id = ?`),
      setEmbedding: db.prepare('UPDATE memories SET embedding = @embedding, embedding_model = @embedding_model, dimension = @dimension WHERE id = @id'),
      setEmotion: db.prepare('UPDATE memories SET emotion = @emotion WHERE id = @id'),
      removeAll: db.prepare('DELETE FROM memories WHERE character = ?'),
      removeOne: db.prepare('DELETE FROM memories WHERE character = ? AND id = ?'),
      characters: db.prepare(`SELECT character, COUNT(*) AS count, COUNT(embedding) AS embedded, MAX(dimension) AS dimension, MAX(embedding_model) AS embedding_model
        FROM memories GROUP BY character ORDER BY character`),
      search: db.prepare(`SELECT m.id AS id, bm25(memories_fts) AS score FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid
        WHERE memories_fts MATCH @query AND m.character = @character AND ${owned('m.owner')} ORDER BY score, m.seq LIMIT @k`),
      vectors: db.prepare(`SELECT id, at, emotion, embedding, embedding_model, dimension FROM memories WHERE character = @character AND embedding IS NOT NULL AND ${owned('owner')} ORDER BY seq`),
      revision: db.prepare('SELECT revision FROM memory_revisions WHERE character = ?'),
      bump: db.prepare('INSERT INTO memory_revisions (character, revision) VALUES (?, 1) ON CONFLICT (character) DO UPDATE SET revision = revision + 1'),
    };
  }

  /** A transaction that may write: IMMEDIATE, so it waits for other processes instead of failing (decision 0012). */
  private write<T>(work: () => T): T {
    this.assertWritable();
    return this.db.transaction(work).immediate();
  }

  async add(memories: readonly NewMemory[], options: { ifAbsent?: boolean } = {}): Promise<Memory[]> {
    return this.write(() => {
      const nextSeq = new Map<string, number>();
      // Checked inside the write transaction: no other process can add the same id between the check and the insert.
      const fresh = options.ifAbsent ? memories.filter((memory) => memory.id === undefined || !this.statements.get.get(memory.id)) : memories;
      const added = fresh.map((memory, index) => {
        const where = `memory ${index + 1}${memory.id ? ` (${memory.id})` : ''}`;
        if (!memory.character?.trim()) throw new StoreError('store/invalid-memory', `${where} names no character`);
        if (!memory.text?.trim()) throw new StoreError('store/invalid-memory', `${where} has no text`);
        if (memory.owner !== undefined && !memory.owner.trim()) {
          throw new StoreError('store/invalid-memory', `${where}: owner must be a user's name; leave it out for a shared memory`);
        }
        const kind = memory.kind ?? 'episodic';
        if (!MEMORY_KINDS.includes(kind)) throw new StoreError('store/invalid-memory', `${where}: kind must be one of ${MEMORY_KINDS.join(', ')}, not "${kind}"`);
        if (memory.importance !== undefined && !(memory.importance >= 0 && memory.importance <= 1)) {
          throw new StoreError('store/invalid-memory', `${where}: importance must be between 0 and 1, not ${memory.importance}`);
        }
        const seq = nextSeq.get(memory.character) ?? (this.statements.nextSeq.get(memory.character) as { seq: number }).seq;
        nextSeq.set(memory.character, seq + 1);
        const stored: Memory = {
          id: memory.id ?? randomUUID(), character: memory.character, ...(memory.owner === undefined ? {} : { owner: memory.owner }),
          kind, text: memory.text, at: memory.at ?? new Date().toISOString(),
          sourceEventIds: [...(memory.sourceEventIds ?? [])], importance: memory.importance, seq,
          emotion: memory.emotion ? checkEmotion(memory.emotion, where) : undefined,
          embedding: memory.embedding ? normalised(memory.embedding, where) : undefined,
          embeddingModel: memory.embedding ? memory.embeddingModel : undefined,
        };
        if (stored.embedding) this.checkWidth(stored.character, stored.id, stored.embedding.length, stored.embeddingModel, where);
        try {
          this.statements.insert.run({
            id: stored.id, character: stored.character, owner: stored.owner ?? null, seq, kind, text: stored.text, at: stored.at, source_event_ids: JSON.stringify(stored.sourceEventIds),
            importance: stored.importance ?? null, emotion: stored.emotion ? floatBlob(stored.emotion) : null,
            embedding: stored.embedding ? floatBlob(stored.embedding) : null, embedding_model: stored.embeddingModel ?? null, dimension: stored.embedding?.length ?? null,
          });
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
            throw new StoreError('store/invalid-memory', `${where}: a memory with id ${stored.id} already exists`, { cause: error });
          }
          throw error;
        }
        return stored;
      });
      for (const character of nextSeq.keys()) this.statements.bump.run(character);
      return added;
    });
  }

  async list(character: string, options: { kind?: MemoryKind; limit?: number; offset?: number; embeddings?: boolean; owners?: OwnerFilter } = {}): Promise<Memory[]> {
    const statement = options.embeddings ? this.statements.listWithEmbeddings : this.statements.list;
    const rows = statement.all({ character, kind: options.kind ?? null, limit: options.limit ?? -1, offset: options.offset ?? 0, ...ownerParameters(options.owners) }) as MemoryRow[];
    return rows.map(toMemory);
  }

  async get(ids: readonly string[]): Promise<Memory[]> {
    return ids.flatMap((id) => {
      const row = this.statements.get.get(id) as MemoryRow | undefined;
      return row ? [toMemory(row)] : [];
    });
  }

  async update(patches: readonly MemoryPatch[]): Promise<void> {
    this.write(() => {
      const touched = new Set<string>();
      for (const patch of patches) {
        const row = this.statements.get.get(patch.id) as MemoryRow | undefined;
        if (!row) throw new StoreError('store/not-found', `no memory with id '${patch.id}'`);
        const where = `memory ${patch.id}`;
        if (patch.embedding !== undefined) {
          const embedding = patch.embedding === null ? undefined : normalised(patch.embedding, where);
          if (embedding) this.checkWidth(row.character, row.id, embedding.length, patch.embeddingModel, where);
          this.statements.setEmbedding.run({
            id: patch.id, embedding: embedding ? floatBlob(embedding) : null, embedding_model: embedding ? patch.embeddingModel ?? null : null, dimension: embedding?.length ?? null,
          });
        }
        if (patch.emotion !== undefined) {
          this.statements.setEmotion.run({ id: patch.id, emotion: patch.emotion === null ? null : floatBlob(checkEmotion(patch.emotion, where)) });
        }
        touched.add(row.character);
      }
      for (const character of touched) this.statements.bump.run(character);
    });
  }

  async remove(character: string, ids?: readonly string[]): Promise<number> {
    return this.write(() => {
      const removed = ids
        ? ids.reduce((sum, id) => sum + this.statements.removeOne.run(character, id).changes, 0)
        : this.statements.removeAll.run(character).changes;
      if (removed > 0) this.statements.bump.run(character);
      return removed;
    });
  }

  async characters(): Promise<MemoryCharacter[]> {
    const rows = this.statements.characters.all() as { character: string; count: number; embedded: number; dimension: number | null; embedding_model: string | null }[];
    return rows.map((row) => ({
      character: row.character, count: row.count, embedded: row.embedded, dimension: row.dimension ?? undefined, embeddingModel: row.embedding_model ?? undefined,
    }));
  }

  async searchText(character: string, query: string, k: number, options: { owners?: OwnerFilter } = {}): Promise<{ id: string; score: number }[]> {
    const match = ftsQuery(query);
    if (!match) return [];
    return this.statements.search.all({ query: match, character, k, ...ownerParameters(options.owners) }) as { id: string; score: number }[];
  }

  async revision(character: string): Promise<number> {
    return (this.statements.revision.get(character) as { revision: number } | undefined)?.revision ?? 0;
  }

  async vectors(character: string, options: { owners?: OwnerFilter } = {}): Promise<MemoryVectors> {
    // One read transaction: the revision belongs to exactly these rows.
    return this.db.transaction(() => this.readVectors(character, options.owners))();
  }

  private readVectors(character: string, owners: OwnerFilter | undefined): MemoryVectors {
    const revision = (this.statements.revision.get(character) as { revision: number } | undefined)?.revision ?? 0;
    const rows = this.statements.vectors.all({ character, ...ownerParameters(owners) }) as { id: string; at: string; emotion: Buffer | null; embedding: Buffer; embedding_model: string | null; dimension: number }[];
    const dimension = rows[0]?.dimension ?? 0;
    const matrix = new Float32Array(rows.length * dimension);
    const emotions = new Float32Array(rows.length * EMOTIONS.length).fill(Number.NaN);
    rows.forEach((row, index) => {
      matrix.set(floats(row.embedding), index * dimension);
      if (row.emotion) emotions.set(floats(row.emotion), index * EMOTIONS.length);
    });
    const times = Float64Array.from(rows, (row) => Date.parse(row.at));
    return { revision, ids: rows.map((row) => row.id), dimension, embeddingModel: rows[0]?.embedding_model ?? undefined, matrix, emotions, times };
  }

  /** One character, one embedding width: distances between vectors of different models mean nothing. */
  private checkWidth(character: string, id: string, dimension: number, model: string | undefined, where: string): void {
    const existing = this.statements.widthOf.get(character, id) as { dimension: number; embedding_model: string | null } | undefined;
    if (!existing) return;
    const otherModel = existing.embedding_model && model && existing.embedding_model !== model;
    if (existing.dimension !== dimension || otherModel) {
      throw new StoreError(
        'store/mixed-embeddings',
        `${where}: a ${dimension}-dimension embedding${model ? ` (${model})` : ''}, but ${character}'s memories have ${existing.dimension}-dimension ` +
          `embeddings${existing.embedding_model ? ` from ${existing.embedding_model}` : ''}; use the same embedding model, or re-embed ${character}'s memories ` +
          `(dramatis memory reembed --character ${character} --embedding-model ${model ?? 'MODEL'}) first`,
      );
    }
  }
}

function checkEmotion(emotion: readonly number[], where: string): number[] {
  if (emotion.length !== EMOTIONS.length) {
    throw new StoreError('store/invalid-memory', `${where}: an emotion has ${EMOTIONS.length} scores (${EMOTIONS.join(', ')}), not ${emotion.length}`);
  }
  if (emotion.some((score) => !Number.isFinite(score) || score < 1 || score > 10)) {
    throw new StoreError('store/invalid-memory', `${where}: emotion scores go from 1 (not expressed) to 10, got [${emotion.join(', ')}]`);
  }
  return [...emotion];
}

/** The embedding scaled to length 1; a zero or non-finite vector is refused. */
function normalised(embedding: ArrayLike<number>, where: string): Float32Array {
  let sum = 0;
  for (let i = 0; i < embedding.length; i++) sum += embedding[i]! * embedding[i]!;
  const norm = Math.sqrt(sum);
  if (embedding.length === 0 || !Number.isFinite(norm) || norm === 0) {
    throw new StoreError('store/invalid-memory', `${where}: an embedding must be a non-empty vector of finite numbers, not all zero`);
  }
  const out = new Float32Array(embedding.length);
  for (let i = 0; i < embedding.length; i++) out[i] = embedding[i]! / norm;
  return out;
}

function floatBlob(values: ArrayLike<number>): Buffer {
  const array = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** A blob as float32 values (copied: SQLite's buffer may not be 4-byte aligned). */
function floats(blob: Buffer): Float32Array {
  const out = new Float32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}

/** The parameters of the `owned` clause for a filter (unset: every memory). */
function ownerParameters(owners: OwnerFilter | undefined): { every: number; shared: number; owners: string } {
  return {
    every: owners === undefined ? 1 : 0,
    shared: owners?.includes(null) ? 1 : 0,
    owners: JSON.stringify((owners ?? []).filter((owner) => owner !== null)),
  };
}

function toMemory(row: MemoryRow): Memory {
  return {
    id: row.id, character: row.character, ...(row.owner === null ? {} : { owner: row.owner }), seq: row.seq, kind: row.kind, text: row.text, at: row.at,
    sourceEventIds: JSON.parse(row.source_event_ids) as string[],
    importance: row.importance ?? undefined,
    emotion: row.emotion ? [...floats(row.emotion)] : undefined,
    embedding: row.embedding ? floats(row.embedding) : undefined,
    embeddingModel: row.embedding_model ?? undefined,
  };
}

/** The words of a query, each quoted, joined by OR: user text never reaches FTS5's query syntax. */
function ftsQuery(query: string): string {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].map((word) => `"${word}"`).join(' OR ');
}
