import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { NewEvent, SceneEvent } from '../events/index.ts';
import { StoreError } from './errors.ts';
import { copyEpisode, removeEpisode, renameEpisodeRows } from './sqlite-admin.ts';
import { existing, toEpisode, toEvent, type EpisodeRow, type EventRow } from './sqlite-rows.ts';
import type { SqliteTransactions } from './sqlite-transactions.ts';
import { timeOrderedId } from './time-ordered-id.ts';
import type { AppendOptions, Episode, EpisodeFork, EpisodeKind, EpisodeRemoval, EpisodeStatus, NewEpisode, WriteCheck } from './types.ts';

type EpisodePatch = { title?: string; status?: EpisodeStatus; meta?: Record<string, unknown> };

/** Episodes (chats, scene episodes) and their event logs in SQLite. */
export class SqliteEpisodes {
  private readonly statements;

  constructor(private readonly db: Database.Database, private readonly transactions: SqliteTransactions) {
    this.statements = {
      insertEpisode: db.prepare('INSERT INTO episodes (id, kind, title, status, created_at, updated_at, meta) VALUES (@id, @kind, @title, @status, @created_at, @updated_at, @meta)'),
      getEpisode: db.prepare('SELECT * FROM episodes WHERE id = ?'),
      listEpisodes: db.prepare('SELECT * FROM episodes ORDER BY created_at, rowid'),
      listEpisodesOfKind: db.prepare('SELECT * FROM episodes WHERE kind = ? ORDER BY created_at, rowid'),
      updateEpisode: db.prepare('UPDATE episodes SET title = @title, status = @status, meta = @meta, updated_at = @updated_at WHERE id = @id'),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE episode_id = ?'),
      episodeExists: db.prepare('SELECT 1 FROM episodes WHERE id = ?'),
      insertEvent: db.prepare('INSERT INTO events (id, episode_id, seq, at, kind, actor, text, data, visibility) VALUES (@id, @episode_id, @seq, @at, @kind, @actor, @text, @data, @visibility)'),
      listEvents: db.prepare('SELECT * FROM events WHERE episode_id = ? ORDER BY seq'),
    };
  }

  create(episode: NewEpisode): Episode {
    this.transactions.assertWritable();
    const now = new Date().toISOString();
    const id = episode.id ?? randomUUID();
    try {
      this.statements.insertEpisode.run({
        id, kind: episode.kind, title: episode.title, status: 'active', created_at: now, updated_at: now, meta: JSON.stringify(episode.meta ?? {}),
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new StoreError('store/duplicate', `an episode with id '${id}' already exists`);
      }
      throw error;
    }
    return this.get(id)!;
  }

  get(id: string): Episode | undefined {
    const row = this.statements.getEpisode.get(id) as EpisodeRow | undefined;
    return row && toEpisode(row);
  }

  list(filter?: { kind?: EpisodeKind }): Episode[] {
    const rows = (filter?.kind ? this.statements.listEpisodesOfKind.all(filter.kind) : this.statements.listEpisodes.all()) as EpisodeRow[];
    return rows.map(toEpisode);
  }

  update(id: string, patch: EpisodePatch): Episode {
    return this.transactions.write(() => this.updateInTransaction(id, patch));
  }

  private updateInTransaction(id: string, patch: EpisodePatch): Episode {
    const row = this.statements.getEpisode.get(id) as EpisodeRow | undefined;
    if (!row) throw new StoreError('store/not-found', `no episode with id '${id}'`);
    const current = toEpisode(row);
    const next: Episode = {
      ...current,
      title: patch.title ?? current.title,
      status: patch.status ?? current.status,
      meta: patch.meta ? { ...current.meta, ...patch.meta } : current.meta,
      updatedAt: new Date().toISOString(),
    };
    this.statements.updateEpisode.run({ id, title: next.title, status: next.status, meta: JSON.stringify(next.meta), updated_at: next.updatedAt });
    return next;
  }

  /**
   * Appends events in one transaction. Writes that arrive in the same tick (concurrent episodes of a run) are
   * committed together, each in its own savepoint: one commit instead of many, and a failing write fails alone.
   * The promise resolves once the commit is done, so a step is stored before the caller goes on.
   */
  append(episodeId: string, events: NewEvent[], options?: AppendOptions): Promise<SceneEvent[]> {
    return this.transactions.group(() => this.appendInTransaction(episodeId, events, options));
  }

  private appendInTransaction(episodeId: string, events: NewEvent[], options: AppendOptions = {}): SceneEvent[] {
    if (options.create) {
      // Checked under the write lock: of two writers creating the same episode, the second is told.
      if (this.statements.episodeExists.get(episodeId)) {
        throw new StoreError('store/conflict', `episode '${episodeId}' was created by another writer in the meantime`);
      }
      const now = new Date().toISOString();
      this.statements.insertEpisode.run({
        id: episodeId, kind: options.create.kind, title: options.create.title, status: 'active', created_at: now, updated_at: now,
        meta: JSON.stringify(options.create.meta ?? {}),
      });
    } else if (!this.statements.episodeExists.get(episodeId)) {
      throw new StoreError('store/not-found', `no episode with id '${episodeId}'`);
    }
    let seq = (this.statements.maxSeq.get(episodeId) as { seq: number }).seq;
    if (options.afterSeq !== undefined && seq !== options.afterSeq) {
      throw new StoreError('store/conflict', `episode '${episodeId}' changed in the meantime: its last event is #${seq}, not #${options.afterSeq}`);
    }
    const now = new Date().toISOString();
    const stored = events.map((event): SceneEvent => {
      seq += 1;
      const full: SceneEvent = {
        id: event.id ?? timeOrderedId(), episodeId, seq, at: event.at ?? now, kind: event.kind, actor: event.actor, text: event.text,
        ...(event.data === undefined ? {} : { data: event.data }), visibility: event.visibility,
      };
      this.statements.insertEvent.run({
        id: full.id, episode_id: episodeId, seq, at: full.at, kind: full.kind, actor: full.actor, text: full.text,
        data: full.data === undefined ? null : JSON.stringify(full.data), visibility: JSON.stringify(full.visibility),
      });
      return full;
    });
    this.updateInTransaction(episodeId, { meta: options.meta });
    return stored;
  }

  events(episodeId: string): SceneEvent[] {
    return (this.statements.listEvents.all(episodeId) as EventRow[]).map(toEvent);
  }

  remove(id: string, check?: WriteCheck<Episode>): EpisodeRemoval {
    return this.transactions.write(() => {
      this.current(id, check);
      return removeEpisode(this.db, id);
    });
  }

  rename(id: string, newId: string, check?: WriteCheck<Episode>): Episode {
    return this.transactions.write(() => {
      this.current(id, check);
      if (this.statements.episodeExists.get(newId)) throw new StoreError('store/duplicate', `an episode with id '${newId}' already exists`);
      renameEpisodeRows(this.db, id, newId, new Date().toISOString());
      return toEpisode(this.statements.getEpisode.get(newId) as EpisodeRow);
    });
  }

  fork(id: string, fork: EpisodeFork, check?: WriteCheck<Episode>): Episode {
    return this.transactions.write(() => {
      const original = this.current(id, check);
      if (this.statements.episodeExists.get(fork.id)) throw new StoreError('store/duplicate', `an episode with id '${fork.id}' already exists`);
      copyEpisode(this.db, original, fork, new Date().toISOString(), () => timeOrderedId());
      return toEpisode(this.statements.getEpisode.get(fork.id) as EpisodeRow);
    });
  }

  /** The episode as it is now, inside a write transaction, once `check` accepted it. */
  private current(id: string, check?: WriteCheck<Episode>): Episode {
    return existing(this.statements.getEpisode.get(id) as EpisodeRow | undefined, toEpisode, `no episode with id '${id}'`, check);
  }
}
