// Start-up cost of the CLI: `dramatis --version` beside `node -e 0`; every command's fixed cost (its `--help`, which
// parses the command line and loads the command's definition, as every run of the command does); then what each
// command's module costs to load when the command runs (its actions and the library they use). Runs the compiled
// CLI (dist/, built by `npm run build`), as a user's `npx dramatis` does. Median of RUNS runs each.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';

const RUNS = Number(process.env.RUNS ?? 9);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'dramatis.js');
const env = { PATH: process.env.PATH ?? '', XDG_DATA_HOME: '/nonexistent' };

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Median wall time of `node ...args`. */
function timed(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const child = spawnSync(process.execPath, args, { encoding: 'utf8', env });
    times.push(performance.now() - start);
    if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  }
  return median(times);
}

/** Median time a fresh process takes to import `module` (after node itself has started). */
function importTime(module: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(module).href)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
    if (child.status !== 0) throw new Error(`importing ${module} failed: ${child.stderr}`);
    times.push(Number(child.stdout));
  }
  return median(times);
}

/** Every command of the compiled CLI, groups included (`scene`, `scene run`, `scene runs delete`...). */
async function commandPaths(): Promise<string[][]> {
  const { buildProgram } = await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href) as { buildProgram: (io: unknown) => Command };
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: {}, cwd: root, onInterrupt: () => () => {} };
  const under = (command: Command, path: string[]): string[][] => command.commands.flatMap((sub) => [[...path, sub.name()], ...under(sub, [...path, sub.name()])]);
  return under(buildProgram(io), []);
}

const baseline = timed(['-e', '0']);
const version = timed([bin, '--version']);
console.log(`start-up (median of ${RUNS}): node -e 0 ${baseline.toFixed(0)} ms; dramatis --version ${version.toFixed(0)} ms (${(version / baseline).toFixed(1)}× node; goal ≤ 5×)`);
let worst = 0;
for (const command of [[], ...await commandPaths()]) {
  const elapsed = timed([bin, ...command, '--help']);
  worst = Math.max(worst, elapsed);
  console.log(`  dramatis ${command.join(' ').padEnd(20)} --help  ${elapsed.toFixed(0).padStart(5)} ms`);
}
console.log(`slowest command start-up: ${worst.toFixed(0)} ms (goal < 300 ms)`);

console.log('loaded when a command runs (import of its module and the library it uses, in a fresh process):');
const actions = readdirSync(join(root, 'dist', 'cli')).filter((name) => name.endsWith('-actions.js')).sort();
for (const name of actions) console.log(`  ${name.padEnd(22)} ${importTime(join(root, 'dist', 'cli', name)).toFixed(0).padStart(5)} ms`);
