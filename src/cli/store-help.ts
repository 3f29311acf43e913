import type { Command } from 'commander';
import type { CliIo } from './io.ts';

/** The `--store` option's description before the store's rules are loaded (see {@link addStoreHelp}). */
export const STORE_OPTION_SUMMARY = 'SQLite store file';

/**
 * Adds to the top-level help where the store is: the rule that finds it (the `--store` option's default) and, at the
 * end, this folder's store. Loads the store's location rules, which only the top-level help shows, so `main`
 * calls it only when that help may be printed.
 */
export async function addStoreHelp(program: Command, io: CliIo): Promise<void> {
  const { STORE_RULE, describeStoreLocation, resolveStoreLocation } = await import('../store/index.ts');
  const option = program.options.find((candidate) => candidate.long === '--store');
  if (option) option.description = `${STORE_OPTION_SUMMARY} (default: ${STORE_RULE}; make a project store with: mkdir .dramatis)`;
  program.addHelpText('after', () => {
    try {
      return `\nStore for this folder: ${describeStoreLocation(resolveStoreLocation({ env: io.env, cwd: io.cwd }))}\nA project keeps its own store in a .dramatis/ folder: mkdir .dramatis`;
    } catch (error) {
      return `\nStore: ${(error as Error).message}`;
    }
  });
}

/**
 * Whether a command line may print the top-level help: it names no command (`dramatis`, `dramatis --help`,
 * `dramatis help`, `dramatis --store FILE`) and does not ask for the version.
 */
export function mayShowTopLevelHelp(program: Command, args: readonly string[]): boolean {
  if (args.includes('-V') || args.includes('--version')) return false;
  const commands = new Set(program.commands.map((command) => command.name()));
  const takesValue = new Set(program.options.filter((option) => option.required).flatMap((option) => [option.long, option.short]));
  for (let i = 0; i < args.length; i++) {
    if (commands.has(args[i]!)) return false;
    if (takesValue.has(args[i])) i++;
  }
  return true;
}
