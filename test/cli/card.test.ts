import { closeSync, existsSync, openSync, readFileSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, repoRoot } from '../support/cli.ts';

// A SillyTavern-style V2 PNG card (test/fixtures/cards/sillytavern-export.ts); its own tests: test/character/sillytavern-export.test.ts.
const pngCard = join(repoRoot, 'test', 'fixtures', 'cards', 'tamsin.png');

describe('dramatis card', () => {
  it('reports bad files in one line naming the file, with exit code 1', async () => {
    const dir = tempDir();
    const card = readFileSync(pngCard);
    writeFileSync(join(dir, 'cut.png'), card.subarray(0, card.length >> 1));
    writeFileSync(join(dir, 'text.png'), 'not a png at all');
    writeFileSync(join(dir, 'broken.json'), '{"name": "x",');
    writeFileSync(join(dir, 'noname.json'), JSON.stringify({ spec: 'chara_card_v2', spec_version: '2.0', data: { description: 'x' } }));
    const big = openSync(join(dir, 'huge.png'), 'w');
    ftruncateSync(big, 50 * 1024 * 1024);
    closeSync(big);
    for (const file of ['cut.png', 'text.png', 'broken.json', 'noname.json', 'huge.png', 'missing.png']) {
      const { code, stderr, stdout } = await runCli(['card', 'inspect', file], { cwd: dir });
      expect(code, file).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n'), file).toHaveLength(1);
      expect(stderr, file).toContain(file);
    }
  });

  it('refuses an unknown spec and an unknown output type', async () => {
    const dir = tempDir();
    expect((await runCli(['card', 'convert', pngCard, 'x.json', '--spec', 'v9'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['card', 'convert', pngCard, 'x.txt'], { cwd: dir })).code).toBe(1);
    expect(existsSync(join(dir, 'x.txt'))).toBe(false);
  });

  it('lists lorebook regex keys it skips, with the reason, in text and with --json', async () => {
    const dir = tempDir();
    const card = JSON.parse(readFileSync(join(repoRoot, 'examples', 'cards', 'mirela.json'), 'utf8'));
    card.data.character_book.entries[0].keys.push('/(storm|gale) \\1/i');
    writeFileSync(join(dir, 'echo.json'), JSON.stringify(card));
    const skipped = 'data.character_book.entries[0].keys[3]: regex /(storm|gale) \\1/i is skipped (never matched): a backreference \\1 needs a backtracking engine';
    const text = await runCli(['card', 'inspect', 'echo.json'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  - ${skipped}`);
    const json = await runCli(['card', 'inspect', 'echo.json', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout).character_book.entries[0].keys).toContain('/(storm|gale) \\1/i');
    expect(json.stderr).toContain(`warning: ${skipped}`);
  });

  it('inspects the example card shipped in the repository', async () => {
    const { code, stdout } = await runCli(['card', 'inspect', join(repoRoot, 'examples', 'cards', 'mirela.json')]);
    expect(code).toBe(0);
    expect(stdout).toContain('Mirela');
  });
});
