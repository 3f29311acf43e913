import type { Command } from 'commander';
import { deleteChatSession, forkChatSession, renameChatSession } from '../scene/index.ts';
import type { Episode } from '../store/index.ts';
import { formatTranscript } from './format.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';
import { positiveInt } from './option-values.ts';
import { printRemoval } from './removal.ts';
import { lookedIn, readStore, storeLine, withStore } from './store-option.ts';

const notFound = (id: string, where: string) =>
  Object.assign(new Error(`no session with id '${id}' ${where}; list them with: dramatis sessions list`), { code: 'cli/no-session' });

/** `dramatis chat CARD --session ID`, with the card the session was started with when it is known. */
const continueWith = (episode: Episode) => `dramatis chat ${typeof episode.meta.card === 'string' ? episode.meta.card : 'CARD'} --session ${episode.id}`;

export function registerSessionCommands(program: Command, io: CliIo): void {
  const sessions = program.command('sessions').description('Stored chat sessions and their transcripts: list, show, delete, rename, fork');

  sessions.command('list')
    .description('List stored chat sessions (and say which store they are in)')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExample:\n  $ dramatis sessions list')
    .action(async (options: { json?: boolean }, command: Command) => {
      await readStore(command, io, async (store, location) => {
        const episodes = await store.listEpisodes({ kind: 'chat' });
        const rows = await Promise.all(episodes.map(async (e) => ({
          id: e.id,
          character: String(e.meta.character ?? ''),
          turns: (await store.listEvents(e.id)).filter((ev) => ev.kind === 'speech' && ev.actor === 'user').length,
          updatedAt: e.updatedAt,
          usage: await store.usageTotals({ episodeId: e.id }),
        })));
        if (options.json) return printJson(io, rows);
        writeLine(io.stdout, storeLine(location, store));
        if (rows.length === 0) return writeLine(io.stdout, 'No sessions yet. Start one with: dramatis chat CARD');
        const width = Math.max(2, ...rows.map((r) => r.id.length));
        writeLine(io.stdout, `${'ID'.padEnd(width)}  ${'CHARACTER'.padEnd(16)}  TURNS  TOKENS(in/out)  UPDATED`);
        for (const r of rows) {
          writeLine(io.stdout, `${r.id.padEnd(width)}  ${r.character.padEnd(16)}  ${String(r.turns).padStart(5)}  ${`${r.usage.inputTokens}/${r.usage.outputTokens}`.padStart(14)}  ${r.updatedAt}`);
        }
      });
    });

  sessions.command('show')
    .description('Print a stored session transcript')
    .argument('<id>', 'session id')
    .option('--show-thoughts', "include the character's private thoughts")
    .option('--seq', 'number each line with its event seq (for sessions fork --at)')
    .option('--json', 'print the events as JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis sessions show s1 --show-thoughts\n  $ dramatis sessions show s1 --seq')
    .action(async (id: string, options: { json?: boolean; showThoughts?: boolean; seq?: boolean }, command: Command) => {
      await readStore(command, io, async (store) => {
        const episode = await store.getEpisode(id);
        if (!episode) throw notFound(id, lookedIn(store));
        const events = await store.listEvents(id);
        if (options.json) return printJson(io, { session: episode, events, usage: await store.usageTotals({ episodeId: id }) });
        writeLine(io.stdout, `# ${episode.title} (${episode.id})`);
        writeLine(io.stdout, formatTranscript(events, { userName: String(episode.meta.userName ?? 'User'), showThoughts: Boolean(options.showThoughts), seq: Boolean(options.seq) }));
      });
    });

  sessions.command('delete')
    .description("Delete a chat session: its transcript and its token usage (the character's memories are kept)")
    .argument('<id>', 'session id')
    .option('--json', 'print what was removed as JSON')
    .addHelpText('after', [
      '',
      'Memories written from the session belong to the character and stay (list them with',
      'dramatis memory list --character NAME). Token usage of the session is deleted with it.',
      '',
      'Example:',
      '  $ dramatis sessions delete mirela-3f2a1c',
    ].join('\n'))
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await withStore(command, io, async (store) => {
        if (!(await store.getEpisode(id))) throw notFound(id, lookedIn(store));
        const removed = await deleteChatSession(store, id);
        printRemoval(io, options.json, id, `deleted session ${id}: ${removed.events} events, ${removed.usageRows} usage rows`, removed);
      });
    });

  sessions.command('rename')
    .description('Give a chat session a new id')
    .argument('<id>', 'session id')
    .argument('<new-id>', 'its new id')
    .addHelpText('after', '\nExample:\n  $ dramatis sessions rename mirela-3f2a1c lighthouse-evening')
    .action(async (id: string, newId: string, _options: unknown, command: Command) => {
      await withStore(command, io, async (store) => {
        if (!(await store.getEpisode(id))) throw notFound(id, lookedIn(store));
        const episode = await renameChatSession(store, id, newId);
        writeLine(io.stdout, `renamed session ${id} to ${newId}; continue it with: ${continueWith(episode)}`);
      });
    });

  sessions.command('fork')
    .description('Copy a chat session (up to a point) into a new session that continues separately')
    .argument('<id>', 'session id')
    .argument('[new-id]', "the copy's id (default: the id with a new suffix)")
    .option('--at <seq>', 'copy events up to this seq, the end of a turn (default: all; see sessions show ID --seq)')
    .addHelpText('after', '\nExamples:\n  $ dramatis sessions fork mirela-3f2a1c\n  $ dramatis sessions fork mirela-3f2a1c what-if --at 5')
    .action(async (id: string, newId: string | undefined, options: { at?: string }, command: Command) => {
      const atSeq = positiveInt(options.at, '--at');
      if (options.at !== undefined && atSeq === undefined) throw new UsageError('--at needs an event seq');
      await withStore(command, io, async (store) => {
        if (!(await store.getEpisode(id))) throw notFound(id, lookedIn(store));
        const fork = await forkChatSession(store, id, { newId, atSeq });
        const at = fork.episode.meta.forkedFrom as { seq: number };
        writeLine(io.stdout, `forked session ${id} at #${at.seq} into ${fork.episode.id} (${fork.events} events); continue it with: ${continueWith(fork.episode)}`);
      });
    });
}
