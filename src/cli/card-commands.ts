import type { Command } from 'commander';
import type { CliIo } from './io.ts';
import { lazyAction } from './lazy-action.ts';

// The card commands' options and help; their actions (card-actions.ts) load the card code when one runs.
const actions = () => import('./card-actions.ts');

export function registerCardCommands(program: Command, io: CliIo): void {
  const card = program.command('card').description('Inspect and convert character cards (V1/V2/V3; JSON, PNG, CHARX)');

  card.command('inspect')
    .description('Summarize a card: spec, fields with token counts, lorebook, repaired quirks')
    .argument('<file>', 'card file (.json, .png, .charx)')
    .option('--json', 'print the whole normalized character (warnings go to stderr)')
    .addHelpText('after', '\nExamples:\n  $ dramatis card inspect seraphina.png\n  $ dramatis card inspect seraphina.png --json | jq .character_book.entries[0].keys')
    .action(lazyAction(io, actions, 'cardInspect'));

  card.command('convert')
    .description('Convert a card to JSON or PNG (chosen by the output extension)')
    .argument('<in>', 'card file to read')
    .argument('<out>', 'file to write: .json or .png')
    .option('--spec <spec>', 'v2 or v3 (a PNG always carries both chunks: chara = V2, ccv3 = V3)', 'v3')
    .addHelpText('after', '\nExamples:\n  $ dramatis card convert seraphina.png seraphina.json --spec v3\n  $ dramatis card convert seraphina.json seraphina-v2.png --spec v2')
    .action(lazyAction(io, actions, 'cardConvert'));
}
