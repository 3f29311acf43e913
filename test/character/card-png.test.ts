import { deflateSync } from 'node:zlib';
import pngText from 'png-chunk-text';
import encodeChunks from 'png-chunks-encode';
import extractChunks from 'png-chunks-extract';
import { describe, expect, it } from 'vitest';
import { parseCharacterBytes, parseCharacterJson } from '../../src/character/card-parse.ts';
import { readCardPng, writeCardPng } from '../../src/character/png.ts';
import { cardError } from '../support/card-error.ts';


const base64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64');
const card = (name: string, spec: 'v2' | 'v3' = 'v2') => ({
  spec: spec === 'v2' ? 'chara_card_v2' : 'chara_card_v3', spec_version: spec === 'v2' ? '2.0' : '3.0',
  data: { name, description: 'd', personality: '', scenario: '', first_mes: 'Hello, {{user}}. Ça va? 你好', mes_example: '', creator_notes: '', system_prompt: '', post_history_instructions: '', alternate_greetings: [], tags: [], creator: '', character_version: '', extensions: {}, ...(spec === 'v3' ? { group_only_greetings: [] } : {}) },
});

/** A tiny valid PNG with the given extra chunks before IEND. */
function pngWith(...extra: Array<{ name: string; data: Uint8Array }>): Uint8Array {
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, 1);
  new DataView(header.buffer).setUint32(4, 1);
  header[8] = 8;
  header[9] = 0; // greyscale
  return encodeChunks([{ name: 'IHDR', data: header }, { name: 'IDAT', data: new Uint8Array(deflateSync(Buffer.from([0, 128]))) }, ...extra, { name: 'IEND', data: new Uint8Array(0) }]);
}

describe('PNG cards', () => {
  it('prefers ccv3 over chara when both are present', () => {
    const png = pngWith(pngText.encode('chara', base64(card('From chara'))), pngText.encode('ccv3', base64(card('From ccv3', 'v3'))));
    const loaded = parseCharacterBytes(png);
    expect(loaded.character.name).toBe('From ccv3');
    expect(loaded.source).toMatchObject({ format: 'png', spec: 'v3' });
    expect(loaded.character.first_mes).toContain('你好'); // UTF-8 inside base64
  });

  it('falls back to chara when ccv3 is damaged, with a warning', () => {
    const png = pngWith(pngText.encode('ccv3', '%%%'), pngText.encode('chara', base64(card('Fallback'))));
    const loaded = parseCharacterBytes(png);
    expect(loaded.character.name).toBe('Fallback');
    expect(loaded.warnings[0]).toContain("'ccv3' chunk: unreadable (card/bad-base64)");
  });

  it('reads iTXt and zTXt card chunks', () => {
    const itxt = Buffer.concat([Buffer.from('chara\0\0\0\0\0', 'latin1'), Buffer.from(base64(card('From iTXt')))]);
    expect(parseCharacterBytes(pngWith({ name: 'iTXt', data: new Uint8Array(itxt) })).character.name).toBe('From iTXt');
    const ztxt = Buffer.concat([Buffer.from('ccv3\0\0', 'latin1'), deflateSync(Buffer.from(base64(card('From zTXt', 'v3'))))]);
    expect(parseCharacterBytes(pngWith({ name: 'zTXt', data: new Uint8Array(ztxt) })).character.name).toBe('From zTXt');
  });

  it('caps compressed text chunks at maxBytes', () => {
    const ztxt = Buffer.concat([Buffer.from('chara\0\0', 'latin1'), deflateSync(Buffer.alloc(2 * 1024 * 1024, 0x41))]);
    const error = cardError(() => parseCharacterBytes(pngWith({ name: 'zTXt', data: new Uint8Array(ztxt) }), { path: 'z.png', maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('card/too-large');
    expect(error.message).toMatch(/^z\.png: /);
  });

  it('writes a valid placeholder PNG when there is no image', () => {
    const { character } = parseCharacterJson(card('Placeholder'));
    const png = writeCardPng(character);
    const chunks = extractChunks(png); // throws on a bad CRC
    expect(chunks.map((c) => c.name)).toEqual(['IHDR', 'IDAT', 'tEXt', 'tEXt', 'IEND']);
    expect(new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset).getUint32(0)).toBe(64);
    expect(parseCharacterBytes(png).character).toEqual(character);
  });

  it('replaces the old card chunks of an image', () => {
    const { character } = parseCharacterJson(card('New'));
    const old = pngWith(pngText.encode('Title', 'keep me'), pngText.encode('chara', base64(card('Old'))), pngText.encode('CCV3', base64(card('Old', 'v3'))));
    const png = writeCardPng(character, { image: old });
    const keywords = extractChunks(png).filter((c) => c.name === 'tEXt').map((c) => pngText.decode(c.data).keyword);
    expect(keywords).toEqual(['Title', 'chara', 'ccv3']);
    expect(parseCharacterBytes(png).character.name).toBe('New');
  });

  it('refuses to embed a card in a non-PNG image', () => {
    const { character } = parseCharacterJson(card('X'));
    expect(cardError(() => writeCardPng(character, { image: new Uint8Array([1, 2, 3]) })).code).toBe('card/not-png');
  });
});

describe('bad PNG input', () => {
  it('PNG whose chunk length points past the end', () => {
    const bytes = pngWith().slice();
    new DataView(bytes.buffer).setUint32(8 + 25, 0xfffffff0); // IDAT length
    expect(cardError(() => readCardPng(bytes, { path: 'huge.png' })).code).toBe('card/truncated-png');
  });

  it('non-PNG bytes', () => {
    const error = cardError(() => readCardPng(new TextEncoder().encode('hello'), { path: 'text.png' }));
    expect(error.code).toBe('card/not-png');
    expect(error.message).toContain('text.png');
  });

  it('PNG without a card chunk', () => {
    const error = cardError(() => parseCharacterBytes(pngWith(pngText.encode('Software', 'GIMP')), { path: 'photo.png' }));
    expect(error.code).toBe('card/no-card-chunk');
    expect(error.message).toBe("photo.png: this PNG has no 'chara' or 'ccv3' text chunk; it is an image, not a character card (export the card from its app as PNG or JSON)");
  });

  it('bad base64', () => {
    const error = cardError(() => parseCharacterBytes(pngWith(pngText.encode('chara', 'not base64 at all!')), { path: 'b64.png' }));
    expect(error.code).toBe('card/bad-base64');
    expect(error.message).toMatch(/^b64\.png: .*'chara'/);
  });

  it('base64 of something that is not JSON', () => {
    const error = cardError(() => parseCharacterBytes(pngWith(pngText.encode('chara', base64('just some text'))), { path: 'text.png' }));
    expect(error.code).toBe('card/bad-json');
    expect(error.message).toMatch(/^text\.png: .*'chara' chunk is not valid JSON/);
  });

  it('a card chunk whose JSON lacks a name', () => {
    const nameless = card('');
    const error = cardError(() => parseCharacterBytes(pngWith(pngText.encode('chara', base64(nameless))), { path: 'nameless.png' }));
    expect(error.code).toBe('card/missing-name');
    expect(error.message).toContain('nameless.png');
  });
});
