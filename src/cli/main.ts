import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { registerBenchCommands } from './bench-commands.ts';
import { registerCardCommands } from './card-commands.ts';
import { registerChatCommand } from './chat-command.ts';
import { registerMemoryCommands } from './memory-commands.ts';
import { registerModelsCommands } from './models-command.ts';
import { registerSceneCommands } from './scene-commands.ts';
import { registerSessionCommands } from './session-commands.ts';
import { addStoreHelp, mayShowTopLevelHelp, STORE_OPTION_SUMMARY } from './store-help.ts';
import { EXIT, processIo, UsageError, writeLine, type CliIo } from './io.ts';

/**
 * Builds the `dramatis` command tree from the commands' definitions (options and help); each command's action
 * loads its module, and with it the library, only when that command runs (decision 0021).
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command('dramatis')
    .description('Role-playing language agents: characters that think before they speak.')
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--store <path>', STORE_OPTION_SUMMARY))
    .addOption(new Option('--max-file-mb <n>', 'largest input file read, in MiB, for every kind (or DRAMATIS_MAX_FILE_MB; default 20 for cards, 4 for scene and benchmark files, 256 for data and memory files)'))
    .addHelpText('after', '\nExample:\n  $ dramatis --max-file-mb 64 scene validate big-scene.yaml   # input files up to 64 MiB, for this command')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  registerCardCommands(program, io);
  registerChatCommand(program, io);
  registerSessionCommands(program, io);
  registerSceneCommands(program, io);
  registerBenchCommands(program, io);
  registerModelsCommands(program, io);
  registerMemoryCommands(program, io);
  const output = program.configureOutput();
  applyToAll(program, (command) => command.exitOverride().configureOutput(output).showHelpAfterError('(add --help for usage)'));
  return program;
}

function packageVersion(): string {
  const path = fileURLToPath(new URL('../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    if (mayShowTopLevelHelp(program, argv.slice(2))) await addStoreHelp(program, io);
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    writeLine(io.stderr, `error: ${(error as Error).message}`);
    return EXIT.usage;
  }
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  writeLine(io.stderr, `error: ${message}${typeof code === 'string' && code.includes('/') ? ` [${code}]` : ''}`);
  if (io.env.DRAMATIS_DEBUG && error instanceof Error) writeLine(io.stderr, String(error.stack));
  return EXIT.failure;
}

/** Recurses to commands of every depth so each subcommand reports usage errors through `main`. */
export function applyToAll(command: Command, apply: (c: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyToAll(sub, apply);
}
