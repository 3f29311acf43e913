import { type CompactedBlock, AgentError } from '../agent/index.ts';
import type { Episode, EpisodeRemoval, Store } from '../store/index.ts';
import type { SceneEvent } from '../events/index.ts';
import { readableId } from '../text/index.ts';

// Deleting, renaming and forking stored chat sessions. The store does the rows, atomically; this file knows what
// a chat session is (its kind, its turns, its compaction state).

/** Only chat sessions are handled here: a scene episode belongs to its run. */
function mustBeChat(episode: Episode): void {
  if (episode.kind !== 'chat') {
    throw new AgentError('agent/not-a-chat', `'${episode.id}' is a ${episode.kind} episode, not a chat session; scene episodes go with their run (dramatis scene runs delete RUN)`);
  }
}

/**
 * Deletes a chat session: its events and its usage rows. Memories written from it are kept (they belong to the
 * character, and may hold what it learnt in other sessions too); the result says how many.
 */
export async function deleteChatSession(store: Store, id: string): Promise<EpisodeRemoval> {
  return store.deleteEpisode(id, { check: mustBeChat });
}

/** Gives a chat session a new id; its events, usage and memories' sources are unchanged. */
export async function renameChatSession(store: Store, id: string, newId: string): Promise<Episode> {
  checkId(newId);
  return store.renameEpisode(id, newId, { check: mustBeChat });
}

export interface ForkOptions {
  /** The fork's id (default: the original's with a random suffix). */
  newId?: string;
  /** Copy the log up to this event (default: all of it); it must end a turn. */
  atSeq?: number;
}

/**
 * A new session holding a copy of a session's log up to `atSeq` (a turn's end), which continues separately.
 * Compacted summaries that cover only copied events are kept; the fork's meta records where it came from.
 * @example const fork = await forkChatSession(store, 'mirela-3f2a1c', { atSeq: 9 })
 */
export async function forkChatSession(store: Store, id: string, options: ForkOptions = {}): Promise<{ episode: Episode; events: number }> {
  const original = await store.getEpisode(id);
  if (!original) throw new AgentError('agent/no-session', `no session with id '${id}'`);
  mustBeChat(original);
  const events = await store.listEvents(id);
  const last = events.at(-1)?.seq ?? 0;
  const atSeq = options.atSeq ?? last;
  checkCut(events, atSeq, id);
  const newId = options.newId ?? readableId(id.replace(/-[0-9a-f]{6}$/, ''), 'chat');
  checkId(newId);
  const compaction = ((original.meta.compaction ?? []) as CompactedBlock[]).filter((block) => block.throughSeq <= atSeq);
  // A turn appended meanwhile changes nothing up to atSeq: the log is append-only.
  const meta = { ...original.meta, compaction, forkedFrom: { session: id, seq: atSeq } };
  const episode = await store.forkEpisode(id, { id: newId, throughSeq: atSeq, meta }, { check: mustBeChat });
  return { episode, events: events.filter((event) => event.seq <= atSeq).length };
}

/** `atSeq` must be an event of the log that ends a turn (the next event, if any, begins another). */
function checkCut(events: readonly SceneEvent[], atSeq: number, id: string): void {
  const last = events.at(-1)?.seq ?? 0;
  const index = events.findIndex((event) => event.seq === atSeq);
  if (!Number.isInteger(atSeq) || index < 0) {
    throw new AgentError('agent/bad-fork-point', `session '${id}' has events #1 to #${last}; --at must be one of them (see: dramatis sessions show ${id} --seq)`);
  }
  const turnOf = (event: SceneEvent | undefined) => event?.data?.turn;
  const here = turnOf(events[index]);
  if (here === undefined || here !== turnOf(events[index + 1])) return;
  const start = events.findIndex((event) => turnOf(event) === here);
  let end = index;
  while (turnOf(events[end + 1]) === here) end++;
  const before = start > 0 ? `#${events[start - 1]!.seq} or ` : '';
  throw new AgentError('agent/bad-fork-point', `event #${atSeq} of session '${id}' is inside a turn (#${events[start]!.seq} to #${events[end]!.seq}); fork at ${before}#${events[end]!.seq}`);
}

function checkId(id: string): void {
  if (!id.trim() || /\s/.test(id)) throw new AgentError('agent/bad-session-id', `'${id}' cannot be a session id: use letters, digits and dashes, e.g. mirela-evening`);
}
