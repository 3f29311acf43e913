import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeInputText, InputFileError, readInputBytes, readInputText } from '../../src/text/input-file.ts';
import { tempDir } from '../support/cli.ts';

async function failure(attempt: Promise<unknown>): Promise<InputFileError> {
  const error = await attempt.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

const decode = (bytes: number[] | Buffer) => decodeInputText(Uint8Array.from(bytes), { path: 'f.txt', kind: 'data' });

describe('readInputBytes', () => {
  it('refuses what is not a regular file, saying what it is', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    mkdirSync(join(dir, 'folder'));
    expect(await failure(readInputBytes(join(dir, 'pipe'), { kind: 'scene' }))).toMatchObject({ code: 'input/not-a-file', message: expect.stringContaining('pipe: a named pipe (FIFO), not a regular file') });
    expect((await failure(readInputBytes(join(dir, 'folder'), { kind: 'data' }))).message).toContain('folder: a folder, not a regular file');
    expect((await failure(readInputBytes('/dev/zero', { kind: 'memory' }))).message).toContain('/dev/zero: a character device, not a regular file');
    expect((await failure(readInputBytes(join(dir, 'nope'), { kind: 'card' }))).code).toBe('input/not-found');
  });

  it('checks the size against the limit of its kind, or the one given', async () => {
    const path = join(tempDir(), 'f.json');
    writeFileSync(path, 'x'.repeat(2000));
    expect((await readInputBytes(path, { kind: 'data' })).byteLength).toBe(2000);
    const error = await failure(readInputBytes(path, { kind: 'data', maxBytes: 1000 }));
    expect(error.code).toBe('input/too-large');
    expect(error.message).toBe(`${path}: file is 0.0 MiB, over the 0.0 MiB limit for data files; check it is the right file, or raise the limit with --max-file-mb 1 (or DRAMATIS_MAX_FILE_MB=1)`);
  });

  it('hands failures to the caller to make its own error', async () => {
    const made = await readInputText(join(tempDir(), 'nope'), { kind: 'scene', fail: (f) => Object.assign(new Error(f.message), { code: `scene/${f.problem}` }) }).catch((e: unknown) => e);
    expect(made).toMatchObject({ code: 'scene/not-found' });
  });
});

describe('decodeInputText', () => {
  it('reads UTF-8 with or without a byte-order mark, and UTF-16 with one', () => {
    expect(decode(Buffer.from('\uFEFFhé'))).toBe('hé');
    expect(decode(Buffer.from('hé'))).toBe('hé');
    expect(decode(Buffer.from('\uFEFFhé', 'utf16le'))).toBe('hé');
    expect(decode(Buffer.from('\uFEFFhé', 'utf16le').swap16())).toBe('hé');
  });

  it('names UTF-16 without a mark, UTF-32, binary data and other encodings', () => {
    expect(() => decode(Buffer.from('{"a": 1}', 'utf16le'))).toThrow('f.txt: this is UTF-16 text (little-endian, without a byte-order mark), not UTF-8; save it as UTF-8 text');
    expect(() => decode(Buffer.from('{"a": 1}', 'utf16le').swap16())).toThrow('(big-endian, without a byte-order mark)');
    expect(() => decode([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0])).toThrow('f.txt: this is UTF-32 text');
    expect(() => decode([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x9c, 0xb1])).toThrow('f.txt: this is binary data (a NUL byte at offset 5), not text');
    expect(() => decode(Buffer.from('caf\xe9 cr\xe8me', 'latin1'))).toThrow('f.txt: this is not UTF-8 text (the bytes at offset 3 are not UTF-8; perhaps Latin-1 or Windows-1252)');
  });
});
