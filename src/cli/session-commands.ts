import type { Command } from 'commander';
import type { CliIo } from './io.ts';
import { lazyAction } from './lazy-action.ts';

// The session commands' options and help; their actions (session-actions.ts) load the library when one runs.
const actions = () => import('./session-actions.ts');

export function registerSessionCommands(program: Command, io: CliIo): void {
  const sessions = program.command('sessions').description('Stored chat sessions and their transcripts: list, show, delete, rename, fork');

  sessions.command('list')
    .description('List stored chat sessions (and say which store they are in)')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', '\nExample:\n  $ dramatis sessions list')
    .action(lazyAction(io, actions, 'sessionsList'));

  sessions.command('show')
    .description('Print a stored session transcript')
    .argument('<id>', 'session id')
    .option('--show-thoughts', "include the character's private thoughts")
    .option('--seq', 'number each line with its event seq (for sessions fork --at)')
    .option('--json', 'print the events as JSON')
    .addHelpText('after', '\nExamples:\n  $ dramatis sessions show s1 --show-thoughts\n  $ dramatis sessions show s1 --seq')
    .action(lazyAction(io, actions, 'sessionsShow'));

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
    .action(lazyAction(io, actions, 'sessionsDelete'));

  sessions.command('rename')
    .description('Give a chat session a new id')
    .argument('<id>', 'session id')
    .argument('<new-id>', 'its new id')
    .addHelpText('after', '\nExample:\n  $ dramatis sessions rename mirela-3f2a1c lighthouse-evening')
    .action(lazyAction(io, actions, 'sessionsRename'));

  sessions.command('fork')
    .description('Copy a chat session (up to a point) into a new session that continues separately')
    .argument('<id>', 'session id')
    .argument('[new-id]', "the copy's id (default: the id with a new suffix)")
    .option('--at <seq>', 'copy events up to this seq, the end of a turn (default: all; see sessions show ID --seq)')
    .addHelpText('after', '\nExamples:\n  $ dramatis sessions fork mirela-3f2a1c\n  $ dramatis sessions fork mirela-3f2a1c what-if --at 5')
    .action(lazyAction(io, actions, 'sessionsFork'));
}
