import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './support/cli.ts';

// The package as a user gets it: `npm pack`, installed into an empty project, imported by plain Node (no tsx, no
// TypeScript) and its `dramatis` bin run there.

const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the packed package', () => {
  it('installs into an empty project, imports under plain node and runs its bin', () => {
    const dir = tempDir();
    npm(['pack', '--pack-destination', dir, '--silent'], repoRoot);
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    // better-sqlite3 from this checkout (already compiled), everything else from npm's cache; no install scripts.
    npm(['install', join(dir, tarball), join(repoRoot, 'node_modules', 'better-sqlite3'), '--prefer-offline', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund'], app);

    writeFileSync(join(app, 'use.mjs'), [
      "import { openStore, readCharacterFile } from 'dramatis';",
      "const store = openStore(':memory:');",
      "const { character } = await readCharacterFile('node_modules/dramatis/examples/cards/mirela.json');",
      "await store.createEpisode({ id: 'e', kind: 'chat', title: character.name });",
      "const subpaths = await Promise.all(['dramatis/eval', 'dramatis/llm', 'dramatis/run'].map((path) => import(path)));",
      "console.log(JSON.stringify({ name: character.name, episodes: (await store.listEpisodes()).length, subpaths: subpaths.map((m) => Object.keys(m).length > 10) }));",
      'await store.close();',
    ].join('\n'));
    const used = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: app, encoding: 'utf8' }));
    expect(used).toEqual({ name: 'Mirela', episodes: 1, subpaths: [true, true, true] });

    const bin = join(app, 'node_modules', '.bin', 'dramatis');
    expect(execFileSync(bin, ['--version'], { cwd: app, encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const inspected = execFileSync(bin, ['card', 'inspect', 'node_modules/dramatis/examples/cards/mirela.json'], { cwd: app, encoding: 'utf8' });
    expect(inspected).toMatch(/^Mirela — V3 card \(json\)/);
  }, 180_000);
});
