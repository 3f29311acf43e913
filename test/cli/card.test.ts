import { closeSync, existsSync, openSync, readFileSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, sharedData, tempDir, repoRoot } from '../support/cli.ts';

const seraphina = sharedData('cards', 'default_Seraphina.png');

describe('dramatis card', () => {
  it('inspects the real Seraphina card: spec, token counts, lorebook, repaired quirks', async () => {
    const { code, stdout } = await runCli(['card', 'inspect', seraphina]);
    expect(code).toBe(0);
    expect(stdout).toContain('Seraphina');
    expect(stdout).toMatch(/v2/i);
    expect(stdout).toMatch(/Eldoria/);
    expect(stdout).toMatch(/4 entr/);
    expect(stdout).toMatch(/tokens/i);
    expect(stdout).toMatch(/extensions/i);
  });

  it('prints the whole normalized character with --json', async () => {
    const { code, stdout, stderr } = await runCli(['card', 'inspect', seraphina, '--json']);
    expect(code).toBe(0);
    const character = JSON.parse(stdout);
    expect(character.name).toBe('Seraphina');
    expect(character.character_book.entries).toHaveLength(4);
    expect(character.extensions.talkativeness).toBe('0.5');
    expect(character.extensions.dramatis_top_level).toBeDefined();
    expect(stderr).toMatch(/warning: .*character_book/);
  });

  it('converts PNG → JSON (v3) → PNG (v2) and reads back the same character', async () => {
    const dir = tempDir();
    expect((await runCli(['card', 'convert', seraphina, 'seraphina.json', '--spec', 'v3'], { cwd: dir })).code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'seraphina.json'), 'utf8'));
    expect(json.spec).toBe('chara_card_v3');
    expect(json.data.character_book.entries).toHaveLength(4);
    expect((await runCli(['card', 'convert', 'seraphina.json', 'again.png', '--spec', 'v2'], { cwd: dir })).code).toBe(0);
    const original = JSON.parse((await runCli(['card', 'inspect', seraphina, '--json'])).stdout);
    const again = JSON.parse((await runCli(['card', 'inspect', join(dir, 'again.png'), '--json'])).stdout);
    expect(again).toEqual(original);
  });

  it('keeps the picture when converting PNG → PNG', async () => {
    const dir = tempDir();
    expect((await runCli(['card', 'convert', seraphina, 'copy.png'], { cwd: dir })).code).toBe(0);
    const size = readFileSync(join(dir, 'copy.png')).length;
    expect(size).toBeGreaterThan(400_000);
  });

  it('reports bad files in one line naming the file, with exit code 1', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cut.png'), readFileSync(seraphina).subarray(0, 200_000));
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
    expect((await runCli(['card', 'convert', seraphina, 'x.json', '--spec', 'v9'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['card', 'convert', seraphina, 'x.txt'], { cwd: dir })).code).toBe(1);
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
