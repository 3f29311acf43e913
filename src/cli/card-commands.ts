import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeCharacterFile, readCharacterFile, formatInspection, inspectCharacter } from '../character/index.ts';
import { countTokens } from '../text/index.ts';
import { maxFileBytes } from './file-limit-option.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';

export function registerCardCommands(program: Command, io: CliIo): void {
  const card = program.command('card').description('Inspect and convert character cards (V1/V2/V3; JSON, PNG, CHARX)');

  card.command('inspect')
    .description('Summarize a card: spec, fields with token counts, lorebook, repaired quirks')
    .argument('<file>', 'card file (.json, .png, .charx)')
    .option('--json', 'print the whole normalized character (warnings go to stderr)')
    .addHelpText('after', '\nExamples:\n  $ dramatis card inspect seraphina.png\n  $ dramatis card inspect seraphina.png --json | jq .character_book.entries[0].keys')
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const loaded = await readCharacterFile(resolve(io.cwd, file), { maxBytes: maxFileBytes(command, io) });
      if (options.json) {
        for (const warning of loaded.warnings) writeLine(io.stderr, `warning: ${warning}`);
        return printJson(io, loaded.character);
      }
      writeLine(io.stdout, formatInspection(inspectCharacter(loaded, countTokens)));
    });

  card.command('convert')
    .description('Convert a card to JSON or PNG (chosen by the output extension)')
    .argument('<in>', 'card file to read')
    .argument('<out>', 'file to write: .json or .png')
    .option('--spec <spec>', 'v2 or v3 (a PNG always carries both chunks: chara = V2, ccv3 = V3)', 'v3')
    .addHelpText('after', '\nExamples:\n  $ dramatis card convert seraphina.png seraphina.json --spec v3\n  $ dramatis card convert seraphina.json seraphina-v2.png --spec v2')
    .action(async (input: string, output: string, options: { spec: string }, command: Command) => {
      if (options.spec !== 'v2' && options.spec !== 'v3') throw new UsageError(`--spec must be v2 or v3, not '${options.spec}'`);
      const loaded = await readCharacterFile(resolve(io.cwd, input), { maxBytes: maxFileBytes(command, io) });
      for (const warning of loaded.warnings) writeLine(io.stderr, `warning: ${warning}`);
      const path = resolve(io.cwd, output);
      const bytes = await writeCharacterFile(path, loaded.character, { spec: options.spec, image: loaded.source.image });
      writeLine(io.stdout, `wrote ${output} (${loaded.character.name}, Character Card ${options.spec.toUpperCase()}${bytes ? `, ${bytes} bytes` : ''})`);
    });
}
