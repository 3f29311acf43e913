import type { Command } from 'commander';
import { formatTranscript } from './format.ts';
import { printJson, writeLine, type CliIo } from './io.ts';
import { withStore } from './store-option.ts';

export function registerSessionCommands(program: Command, io: CliIo): void {
  const sessions = program.command('sessions').description('Stored chat sessions and their transcripts');

  sessions.command('list')
    .description('List stored chat sessions')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExample:\n  $ dramatis sessions list')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withStore(command, io, async (store) => {
        const episodes = await store.listEpisodes({ kind: 'chat' });
        const rows = await Promise.all(episodes.map(async (e) => ({
          id: e.id,
          character: String(e.meta.character ?? ''),
          turns: (await store.listEvents(e.id)).filter((ev) => ev.kind === 'speech' && ev.actor === 'user').length,
          updatedAt: e.updatedAt,
          usage: await store.usageTotals({ episodeId: e.id }),
        })));
        if (options.json) return printJson(io, rows);
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
    .option('--json', 'print the events as JSON')
    .addHelpText('after', '\nExample:\n  $ dramatis sessions show s1 --show-thoughts')
    .action(async (id: string, options: { json?: boolean; showThoughts?: boolean }, command: Command) => {
      await withStore(command, io, async (store) => {
        const episode = await store.getEpisode(id);
        if (!episode) throw Object.assign(new Error(`no session with id '${id}'; list them with: dramatis sessions list`), { code: 'cli/no-session' });
        const events = await store.listEvents(id);
        if (options.json) return printJson(io, { session: episode, events, usage: await store.usageTotals({ episodeId: id }) });
        writeLine(io.stdout, `# ${episode.title} (${episode.id})`);
        writeLine(io.stdout, formatTranscript(events, { userName: String(episode.meta.userName ?? 'User'), showThoughts: Boolean(options.showThoughts) }));
      });
    });
}
