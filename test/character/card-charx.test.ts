import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseCharacterBytes } from '../../src/character/card-parse.ts';
import { readCharx, writeCharx } from '../../src/character/charx.ts';
import { cardError } from '../support/card-error.ts';

const cardPng = new Uint8Array(readFileSync(fileURLToPath(new URL('../fixtures/cards/tamsin.png', import.meta.url))));

const cardJson = {
  spec: 'chara_card_v3', spec_version: '3.0',
  data: {
    name: 'Risu', description: 'd', personality: '', scenario: '', first_mes: 'hi', mes_example: '', creator_notes: '', system_prompt: '',
    post_history_instructions: '', alternate_greetings: [], group_only_greetings: [], tags: [], creator: '', character_version: '', extensions: {},
    assets: [
      { type: 'icon', uri: 'embeded://assets/icon/images/main.png', name: 'main', ext: 'png' },
      { type: 'emotion', uri: 'embeded://assets/emotion/images/happy.webp', name: 'happy', ext: 'webp' },
    ],
  },
};

describe('CHARX cards', () => {
  const zip = zipSync({
    'card.json': strToU8(JSON.stringify(cardJson)),
    'assets/icon/images/main.png': cardPng,
    'assets/emotion/images/happy.webp': new Uint8Array([1, 2, 3]),
  });

  it('reads card.json, keeps the other files and uses the main icon as the image', () => {
    const loaded = parseCharacterBytes(zip, { path: 'risu.charx' });
    expect(loaded.character.name).toBe('Risu');
    expect(loaded.character.assets).toHaveLength(2);
    expect(loaded.source).toMatchObject({ format: 'charx', spec: 'v3', path: 'risu.charx' });
    expect(Object.keys(loaded.source.files!).sort()).toEqual(['assets/emotion/images/happy.webp', 'assets/icon/images/main.png']);
    expect(loaded.source.image?.byteLength).toBe(cardPng.byteLength);
    expect(loaded.warnings).toEqual([]);
  });

  it('round-trips through writeCharx with its assets', () => {
    const loaded = parseCharacterBytes(zip);
    const written = writeCharx(loaded.character, { files: loaded.source.files });
    const reread = parseCharacterBytes(written);
    expect(reread.character).toEqual(loaded.character);
    const files = reread.source.files!;
    expect(Object.keys(files).sort()).toEqual(Object.keys(loaded.source.files!).sort());
    for (const [name, bytes] of Object.entries(loaded.source.files!)) expect(Buffer.from(files[name]).equals(bytes)).toBe(true);
  });

  it('adds an image as the main icon when the card has none', () => {
    const { character } = parseCharacterBytes(strToU8(JSON.stringify({ ...cardJson, data: { ...cardJson.data, assets: [] } })));
    const files = unzipSync(writeCharx(character, { image: cardPng }));
    expect(Object.keys(files).sort()).toEqual(['assets/icon/images/main.png', 'card.json']);
    expect(parseCharacterBytes(writeCharx(character, { image: cardPng })).source.image?.byteLength).toBe(cardPng.byteLength);
  });

  it('refuses an archive without card.json', () => {
    const error = cardError(() => parseCharacterBytes(zipSync({ 'readme.txt': strToU8('hi') }), { path: 'empty.charx' }));
    expect(error.code).toBe('card/bad-charx');
    expect(error.message).toContain('empty.charx');
    expect(error.message).toContain('card.json');
  });

  it('refuses a damaged archive', () => {
    const broken = zip.slice(0, 40); // local header intact, central directory gone
    expect(cardError(() => readCharx(broken, { path: 'cut.charx' })).code).toBe('card/bad-charx');
  });

  it('refuses a zip bomb before inflating it', () => {
    const bomb = zipSync({ 'card.json': strToU8(JSON.stringify(cardJson)), 'assets/zeros.bin': new Uint8Array(8 * 1024 * 1024) }, { level: 9 });
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const error = cardError(() => parseCharacterBytes(bomb, { path: 'bomb.charx', maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('card/too-large');
    expect(error.message).toMatch(/^bomb\.charx: /);
  });

  it('reports bad JSON inside the archive', () => {
    const error = cardError(() => parseCharacterBytes(zipSync({ 'card.json': strToU8('{"spec":') }), { path: 'bad.charx' }));
    expect(error.code).toBe('card/bad-json');
    expect(error.message).toContain('card.json in the CHARX archive');
  });
});
