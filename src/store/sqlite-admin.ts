import type Database from 'better-sqlite3';
import type { Episode, EpisodeFork, EpisodeRemoval, RunRemoval } from './types.ts';

// Deleting, renaming and copying episodes and runs. Each function runs inside the caller's write transaction.

type Kept = EpisodeRemoval['memoriesKept'];

/** Memories whose source events belong to these episodes, per character (kept: memories are the characters'). */
function memoriesFrom(db: Database.Database, episodeIds: readonly string[]): Kept {
  if (episodeIds.length === 0) return [];
  return db.prepare(`
    SELECT m.character AS character, COUNT(DISTINCT m.id) AS count
    FROM memories m, json_each(m.source_event_ids) AS source
    JOIN events e ON e.id = source.value
    WHERE e.episode_id IN (SELECT value FROM json_each(?))
    GROUP BY m.character ORDER BY m.character`).all(JSON.stringify(episodeIds)) as Kept;
}

/** Deletes an episode, its events (by cascade) and its usage rows. */
export function removeEpisode(db: Database.Database, id: string): EpisodeRemoval {
  const memoriesKept = memoriesFrom(db, [id]);
  return { ...deleteEpisodeRows(db, id), memoriesKept };
}

function deleteEpisodeRows(db: Database.Database, id: string): { events: number; usageRows: number } {
  const events = (db.prepare('SELECT COUNT(*) AS n FROM events WHERE episode_id = ?').get(id) as { n: number }).n;
  const usageRows = db.prepare('DELETE FROM usage WHERE episode_id = ?').run(id).changes;
  db.prepare('DELETE FROM episodes WHERE id = ?').run(id);
  return { events, usageRows };
}

/** Deletes a run, its jobs (by cascade), the episodes its jobs name with their events, and the usage of both. */
export function removeRun(db: Database.Database, runId: string): RunRemoval {
  const episodeIds = (db.prepare(`
    SELECT DISTINCT json_extract(input, '$.episodeId') AS id FROM run_job_inputs
    WHERE run_id = ? AND json_valid(input) AND json_type(input, '$.episodeId') = 'text'`).all(runId) as { id: string }[])
    .map((row) => row.id);
  const memoriesKept = memoriesFrom(db, episodeIds);
  const jobs = (db.prepare('SELECT COUNT(*) AS n FROM run_jobs WHERE run_id = ?').get(runId) as { n: number }).n;
  let events = 0;
  let usageRows = db.prepare('DELETE FROM usage WHERE run_id = ?').run(runId).changes;
  let episodes = 0;
  for (const id of episodeIds) {
    const removed = db.prepare('SELECT 1 FROM episodes WHERE id = ?').get(id) ? deleteEpisodeRows(db, id) : undefined;
    if (!removed) continue;
    episodes++;
    events += removed.events;
    usageRows += removed.usageRows;
  }
  db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
  return { jobs, episodes, events, usageRows, memoriesKept };
}

/** Moves an episode to a new id: a copy of its row, its events and usage pointed at it, the old row deleted. */
export function renameEpisodeRows(db: Database.Database, id: string, newId: string, now: string): void {
  db.prepare('INSERT INTO episodes (id, kind, title, status, created_at, updated_at, meta) SELECT ?, kind, title, status, created_at, ?, meta FROM episodes WHERE id = ?')
    .run(newId, now, id);
  db.prepare('UPDATE events SET episode_id = ? WHERE episode_id = ?').run(newId, id);
  db.prepare('UPDATE usage SET episode_id = ? WHERE episode_id = ?').run(newId, id);
  db.prepare('DELETE FROM episodes WHERE id = ?').run(id);
}

/** Copies an episode under `fork.id` with its events up to `fork.throughSeq` (new event ids; no usage: no call was made). */
export function copyEpisode(db: Database.Database, original: Episode, fork: EpisodeFork, now: string, newEventId: () => string): void {
  db.prepare('INSERT INTO episodes (id, kind, title, status, created_at, updated_at, meta) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(fork.id, original.kind, fork.title ?? original.title, 'active', now, now, JSON.stringify(fork.meta ?? original.meta));
  const events = db.prepare('SELECT seq FROM events WHERE episode_id = ? AND seq <= ? ORDER BY seq').all(original.id, fork.throughSeq) as { seq: number }[];
  const copy = db.prepare(`INSERT INTO events (id, episode_id, seq, at, kind, actor, text, data, visibility)
    SELECT ?, ?, seq, at, kind, actor, text, data, visibility FROM events WHERE episode_id = ? AND seq = ?`);
  for (const { seq } of events) copy.run(newEventId(), fork.id, original.id, seq);
}
