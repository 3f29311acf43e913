import type { SceneEvent } from '../events/index.ts';
import { StoreError } from './errors.ts';
import type { Episode, Job, JobStatus, Run, WriteCheck } from './types.ts';

/** The SQLite rows of the store's tables, and the values they hold. */

export interface EpisodeRow { id: string; kind: string; title: string; status: string; created_at: string; updated_at: string; meta: string }
export interface EventRow { id: string; episode_id: string; seq: number; at: string; kind: string; actor: string; text: string; data: string | null; visibility: string }
export interface RunRow { id: string; kind: string; title: string; status: string; created_at: string; updated_at: string; meta: string }
export interface JobRow {
  run_id: string; id: string; idx: number; status: string; attempts: number; error: string | null; input: string; result: string | null; updated_at: string;
}

/** Episodes and runs have the same columns; `kind` and `status` hold what the store itself wrote from its types. */
function header(row: EpisodeRow | RunRow) {
  return { id: row.id, kind: row.kind, title: row.title, status: row.status, createdAt: row.created_at, updatedAt: row.updated_at, meta: JSON.parse(row.meta) as Record<string, unknown> };
}

export const toEpisode = (row: EpisodeRow): Episode => header(row) as Episode;

export const toEvent = (row: EventRow): SceneEvent => ({
  id: row.id,
  episodeId: row.episode_id,
  seq: row.seq,
  at: row.at,
  kind: row.kind as SceneEvent['kind'],
  actor: row.actor,
  text: row.text,
  ...(row.data === null ? {} : { data: JSON.parse(row.data) as Record<string, unknown> }),
  visibility: JSON.parse(row.visibility) as SceneEvent['visibility'],
});

export const toRun = (row: RunRow): Run => header(row) as Run;

export const toJob = (row: JobRow): Job => ({
  runId: row.run_id,
  id: row.id,
  index: row.idx,
  status: row.status as JobStatus,
  attempts: row.attempts,
  ...(row.error === null ? {} : { error: row.error }),
  input: JSON.parse(row.input) as Record<string, unknown>,
  ...(row.result === null ? {} : { result: JSON.parse(row.result) as Record<string, unknown> }),
  updatedAt: row.updated_at,
});

/** A row read inside a write transaction, as its value once `check` accepted it; no row is `store/not-found`. */
export function existing<R, T>(row: R | undefined, convert: (row: R) => T, missing: string, check?: WriteCheck<T>): T {
  if (!row) throw new StoreError('store/not-found', missing);
  const value = convert(row);
  check?.(value);
  return value;
}
