/** What `dramatis sessions` commands do (loaded only when one runs: see session-commands.ts). */
import type { Command } from 'commander';
import { deleteSession, forkSession, listSessions, renameSession, showSession } from '../run/index.ts';
import type { Episode } from '../store/index.ts';
import { formatTranscript } from './format.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { positiveInt } from './option-values.ts';
import { printRemoval } from './removal.ts';
import { inCliTerms } from './run-errors.ts';
import { readStore, storeLine, withStore } from './store-option.ts';

/** `dramatis chat CARD --session ID`, with the card the session was started with when it is known. */
const continueWith = (episode: Episode) => `dramatis chat ${typeof episode.meta.card === 'string' ? episode.meta.card : 'CARD'} --session ${episode.id}`;

/** `sessions list`: the stored sessions, after the store they are in. */
export async function sessionsList(io: CliIo, options: { json?: boolean }, command: Command): Promise<void> {
  await readStore(command, io, async (store, location) => {
    const rows = await listSessions(store);
    if (options.json) return printJson(io, rows);
    writeLine(io.stdout, storeLine(location, store));
    if (rows.length === 0) return writeLine(io.stdout, 'No sessions yet. Start one with: dramatis chat CARD');
    const width = Math.max(2, ...rows.map((r) => r.id.length));
    writeLine(io.stdout, `${'ID'.padEnd(width)}  ${'CHARACTER'.padEnd(16)}  TURNS  TOKENS(in/out)  UPDATED`);
    for (const r of rows) {
      writeLine(io.stdout, `${r.id.padEnd(width)}  ${r.character.padEnd(16)}  ${String(r.turns).padStart(5)}  ${`${r.usage.inputTokens}/${r.usage.outputTokens}`.padStart(14)}  ${r.updatedAt}`);
    }
  });
}

/** `sessions show ID`: the transcript (thoughts and seqs on request), or JSON. */
export async function sessionsShow(io: CliIo, id: string, options: { json?: boolean; showThoughts?: boolean; seq?: boolean }, command: Command): Promise<void> {
  await readStore(command, io, async (store) => {
    const shown = await inCliTerms(() => showSession(store, id));
    if (options.json) return printJson(io, shown);
    const { session, events } = shown;
    writeLine(io.stdout, `# ${session.title} (${session.id})`);
    writeLine(io.stdout, formatTranscript(events, { userName: String(session.meta.userName ?? 'User'), showThoughts: Boolean(options.showThoughts), seq: Boolean(options.seq) }));
  });
}

/** `sessions delete ID`. */
export async function sessionsDelete(io: CliIo, id: string, options: { json?: boolean }, command: Command): Promise<void> {
  await withStore(command, io, async (store) => {
    const removed = await inCliTerms(() => deleteSession(store, id));
    printRemoval(io, options.json, id, `deleted session ${id}: ${removed.events} events, ${removed.usageRows} usage rows`, removed);
  });
}

/** `sessions rename ID NEW-ID`. */
export async function sessionsRename(io: CliIo, id: string, newId: string, _options: unknown, command: Command): Promise<void> {
  await withStore(command, io, async (store) => {
    const episode = await inCliTerms(() => renameSession(store, id, newId));
    writeLine(io.stdout, `renamed session ${id} to ${newId}; continue it with: ${continueWith(episode)}`);
  });
}

/** `sessions fork ID [NEW-ID] [--at SEQ]`. */
export async function sessionsFork(io: CliIo, id: string, newId: string | undefined, options: { at?: string }, command: Command): Promise<void> {
  const atSeq = positiveInt(options.at, '--at');
  if (options.at !== undefined && atSeq === undefined) throw new UsageError('--at needs an event seq');
  await withStore(command, io, async (store) => {
    const fork = await inCliTerms(() => forkSession(store, id, { newId, atSeq }));
    const at = fork.episode.meta.forkedFrom as { seq: number };
    writeLine(io.stdout, `forked session ${id} at #${at.seq} into ${fork.episode.id} (${fork.events} events); continue it with: ${continueWith(fork.episode)}`);
  });
}
