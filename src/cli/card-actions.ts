/** What `dramatis card` commands do (loaded only when one runs: see card-commands.ts). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatInspection, inspectCharacter, readCharacterFile, writeCharacterFile } from '../character/index.ts';
import { countTokens } from '../text/index.ts';
import { maxFileBytes } from './file-limit-option.ts';
import { printJson, UsageError, writeLine, type CliIo } from './io.ts';

/** `card inspect FILE`: the card summarized, or the whole normalized character as JSON. */
export async function cardInspect(io: CliIo, file: string, options: { json?: boolean }, command: Command): Promise<void> {
  const loaded = await readCharacterFile(resolve(io.cwd, file), { maxBytes: maxFileBytes(command, io) });
  if (options.json) {
    for (const warning of loaded.warnings) writeLine(io.stderr, `warning: ${warning}`);
    return printJson(io, loaded.character);
  }
  writeLine(io.stdout, formatInspection(inspectCharacter(loaded, countTokens)));
}

/** `card convert IN OUT`: the card written as JSON or PNG (by OUT's extension), V2 or V3. */
export async function cardConvert(io: CliIo, input: string, output: string, options: { spec: string }, command: Command): Promise<void> {
  if (options.spec !== 'v2' && options.spec !== 'v3') throw new UsageError(`--spec must be v2 or v3, not '${options.spec}'`);
  const loaded = await readCharacterFile(resolve(io.cwd, input), { maxBytes: maxFileBytes(command, io) });
  for (const warning of loaded.warnings) writeLine(io.stderr, `warning: ${warning}`);
  const bytes = await writeCharacterFile(resolve(io.cwd, output), loaded.character, { spec: options.spec, image: loaded.source.image });
  writeLine(io.stdout, `wrote ${output} (${loaded.character.name}, Character Card ${options.spec.toUpperCase()}${bytes ? `, ${bytes} bytes` : ''})`);
}
