import type { SceneEvent } from '../events/index.ts';
import { deleteChatSession, forkChatSession, renameChatSession, type ForkOptions } from '../scene/index.ts';
import type { Episode, EpisodeRemoval, Store, UsageTotals } from '../store/index.ts';
import { RunError } from './errors.ts';
import { storeWhere } from './run-plan.ts';

// Listing, reading, deleting, renaming and forking stored chat sessions; each refuses an id that names no session
// (`run/not-found`, naming where it looked).

export interface SessionRow {
  id: string;
  character: string;
  /** The user's messages so far. */
  turns: number;
  updatedAt: string;
  usage: UsageTotals;
}

/** The stored chat sessions with their character, turns and token usage. */
export async function listSessions(store: Store): Promise<SessionRow[]> {
  const episodes = await store.listEpisodes({ kind: 'chat' });
  return Promise.all(episodes.map(async (episode) => ({
    id: episode.id,
    character: String(episode.meta.character ?? ''),
    turns: (await store.listEvents(episode.id)).filter((event) => event.kind === 'speech' && event.actor === 'user').length,
    updatedAt: episode.updatedAt,
    usage: await store.usageTotals({ episodeId: episode.id }),
  })));
}

/** A stored session with its whole log (thoughts included) and token usage. */
export async function showSession(store: Store, id: string): Promise<{ session: Episode; events: SceneEvent[]; usage: UsageTotals }> {
  const session = await findSession(store, id);
  return { session, events: await store.listEvents(id), usage: await store.usageTotals({ episodeId: id }) };
}

/** Deletes a session's transcript and token usage; memories written from it stay with the character. */
export async function deleteSession(store: Store, id: string): Promise<EpisodeRemoval> {
  await findSession(store, id);
  return deleteChatSession(store, id);
}

/** Gives a session a new id. */
export async function renameSession(store: Store, id: string, newId: string): Promise<Episode> {
  await findSession(store, id);
  return renameChatSession(store, id, newId);
}

/** Copies a session (up to `atSeq`, a turn's end) into a new session that continues separately. */
export async function forkSession(store: Store, id: string, options: ForkOptions = {}): Promise<{ episode: Episode; events: number }> {
  await findSession(store, id);
  return forkChatSession(store, id, options);
}

async function findSession(store: Store, id: string): Promise<Episode> {
  const episode = await store.getEpisode(id);
  if (episode) return episode;
  const where = storeWhere(store);
  throw new RunError('run/not-found', `no session with id '${id}' ${where}`, { id, lookedFor: 'session', where });
}
