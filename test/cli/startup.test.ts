import { execFile } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TURN_TIMEOUT_MS, LOCAL_TURN_TIMEOUT_MS } from '../../src/agent/index.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { repoRoot, runCli } from '../support/cli.ts';

// Issue 14 §2: `dramatis --version` and every command's `--help` load the commands' definitions only (commander,
// the option texts); a command's module, and with it the library, loads when that command runs. Checked on what
// the compiled CLI imports (the figures are in bench/startup.ts, not here).

const bin = join(repoRoot, 'bin', 'dramatis.js');
const tracer = join(repoRoot, 'test', 'support', 'trace-imports.mjs');
const dist = pathToFileURL(join(repoRoot, 'dist')).href;

/** The modules `dramatis ...args` imports, as paths under dist/ or package names. */
async function importsOf(args: string[]): Promise<string[]> {
  const { stderr } = await promisify(execFile)(process.execPath, ['--import', tracer, bin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: '/nonexistent' } });
  const urls = [...stderr.matchAll(/^import (\S+)$/gm)].map((match) => match[1]!);
  return [...new Set(urls.flatMap((url) => {
    if (url.startsWith(`${dist}/`)) return [url.slice(dist.length + 1)];
    const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return inPackage ? [inPackage[1]!] : [];
  }))].sort();
}

/** What the definitions may load: the CLI's definition modules, the memory model's names, commander. */
const definitionsOnly = (module: string) => module === 'commander' || module.startsWith('memory-model/')
  || (module.startsWith('cli/') && !/-actions\.js$|progress\.js$|local-models\.js$|run-errors\.js$|store-option\.js$/.test(module));

/** Every command under `command`, groups included (`scene`, `scene run`, `scene runs`, `scene runs delete`...). */
function commandsUnder(command: Command, path: string[] = []): string[][] {
  return command.commands.flatMap((sub) => [[...path, sub.name()], ...commandsUnder(sub, [...path, sub.name()])]);
}

describe('start-up: what a command loads before it runs', () => {
  it('--version loads the definitions only: no library folder, no package but commander', async () => {
    const loaded = await importsOf(['--version']);
    expect(loaded).toContain('cli/main.js');
    expect(loaded.filter((module) => !definitionsOnly(module))).toEqual([]);
  });

  it("every command's --help loads the definitions only", async () => {
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: {}, cwd: repoRoot, onInterrupt: () => () => {} };
    const commands = commandsUnder(buildProgram(io));
    expect(commands.length).toBeGreaterThan(35);
    // A few processes at a time: each is one short node start.
    for (let start = 0; start < commands.length; start += 4) {
      const batch = commands.slice(start, start + 4);
      const loaded = await Promise.all(batch.map(async (command) => ({ command, beyondDefinitions: (await importsOf([...command, '--help'])).filter((module) => !definitionsOnly(module)) })));
      expect(loaded).toEqual(batch.map((command) => ({ command, beyondDefinitions: [] })));
    }
  });

  it('the top-level --help also loads where the store is (it says so), and still no model code', async () => {
    const loaded = (await importsOf(['--help'])).filter((module) => !definitionsOnly(module));
    expect(loaded).toContain('store/index.js');
    expect(loaded.filter((module) => !module.startsWith('store/') && module !== 'better-sqlite3')).toEqual([]);
  });

  it("chat --help states the agent's turn time limits", async () => {
    const help = await runCli(['chat', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(`(default ${DEFAULT_TURN_TIMEOUT_MS / 1000}, ${LOCAL_TURN_TIMEOUT_MS / 1000} for local: models)`);
  });
});
