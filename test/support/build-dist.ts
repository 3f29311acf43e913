import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Global setup of the vitest project `process`: compiles `src/` into `dist/` (incremental: about 2 s when nothing
 * changed), so that tests running the real `dramatis` binary run the code under test, not a stale build.
 */
export default function setup(): void {
  const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', resolve(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
}
