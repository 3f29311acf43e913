import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readCharacterFile } from '../../src/character/card-parse.ts';
import { readLorebookFile } from '../../src/character/lorebook-file.ts';

// Spy on readFile to prove an oversized file is refused from its size alone, without being read.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, readFile: vi.fn(actual.readFile) };
});

const dir = mkdtempSync(join(tmpdir(), 'dramatis-card-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sparseFile(name: string, bytes: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes); // sparse: no 50 MB written to disk
  closeSync(fd);
  return path;
}

describe('file size limits', () => {
  beforeEach(() => {
    vi.mocked(fsPromises.readFile).mockClear();
  });

  it('refuses a 50 MB card with card/too-large without reading it', async () => {
    const path = sparseFile('huge.png', 50 * 1024 * 1024);
    const attempt = readCharacterFile(path);
    await expect(attempt).rejects.toMatchObject({ code: 'card/too-large', path });
    await expect(attempt).rejects.toThrow(`${path}: file is 50.0 MiB, over the 20.0 MiB limit`);
    expect(fsPromises.readFile).not.toHaveBeenCalled();
  });

  it('honours a custom maxBytes', async () => {
    const path = join(dir, 'small.json');
    writeFileSync(path, JSON.stringify({ name: 'Small', description: 'x'.repeat(2000), first_mes: 'Hello.' }));
    await expect(readCharacterFile(path, { maxBytes: 1000 })).rejects.toMatchObject({ code: 'card/too-large' });
    expect(fsPromises.readFile).not.toHaveBeenCalled();
    expect((await readCharacterFile(path)).character.name).toBe('Small');
    expect(fsPromises.readFile).toHaveBeenCalledTimes(1);
  });

  it('refuses an oversized lorebook the same way', async () => {
    const path = sparseFile('huge-world.json', 50 * 1024 * 1024);
    await expect(readLorebookFile(path)).rejects.toMatchObject({ code: 'lorebook/too-large', path });
    expect(fsPromises.readFile).not.toHaveBeenCalled();
  });
});
