// Start-up cost of the CLI: `dramatis --version` beside `node -e 0`, and every command's fixed cost (its `--help`,
// which parses the command line and loads what the command needs before doing any work). Runs the compiled CLI
// (dist/, built by `npm run build`), as a user's `npx dramatis` does. Median of RUNS runs each.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.RUNS ?? 9);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'dramatis.js');

function median(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const child = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', XDG_DATA_HOME: '/nonexistent' } });
    times.push(performance.now() - start);
    if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const baseline = median(['-e', '0']);
const version = median([bin, '--version']);
console.log(`start-up (median of ${RUNS}): node -e 0 ${baseline.toFixed(0)} ms; dramatis --version ${version.toFixed(0)} ms (${(version / baseline).toFixed(1)}× node; goal ≤ 5×)`);
const commands = [
  ['chat'], ['card', 'inspect'], ['card', 'convert'], ['sessions', 'list'], ['scene', 'run'], ['scene', 'runs'], ['scene', 'show'],
  ['scene', 'export'], ['bench', 'run'], ['bench', 'report'], ['bench', 'list'], ['memory', 'search'], ['memory', 'import'], ['models', 'list'], ['models', 'info'],
];
let worst = 0;
for (const command of commands) {
  const elapsed = median([bin, ...command, '--help']);
  worst = Math.max(worst, elapsed);
  console.log(`  dramatis ${command.join(' ').padEnd(16)} --help  ${elapsed.toFixed(0).padStart(5)} ms`);
}
console.log(`slowest command start-up: ${worst.toFixed(0)} ms (goal < 300 ms)`);
