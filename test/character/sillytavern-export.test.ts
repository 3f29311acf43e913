import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCharacterBytes } from '../../src/character/card-parse.ts';
import { sillyTavernCardJson, sillyTavernWorldInfo } from '../fixtures/cards/sillytavern-export.ts';
import { describeSillyTavernExport } from './sillytavern-export-suite.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/cards/${name}`, import.meta.url));

describeSillyTavernExport('an invented SillyTavern export (tamsin.png)', {
  cardPath: fixture('tamsin.png'),
  worldPath: fixture('Saltmarsh.json'),
  name: 'Tamsin',
  creator: 'Dramatis tests',
  characterVersion: '1.0.0',
  imageBytes: 8_820,
  copiedPictureBytes: 8_820,
  textFields: ['description', 'first_mes', 'creator_notes'],
  extensions: { talkativeness: '0.5', fav: false, world: 'Saltmarsh' },
  topLevel: {
    avatar: 'none', chat: 'Tamsin - 2024-3-9 @18h 02m 11s 507ms', create_date: '2024-3-9 @18h 02m 11s 510ms',
    talkativeness: '0.5', fav: false, creatorcomment: 'Dramatis test fixture: an invented character exported as SillyTavern exports its default card',
  },
  book: {
    name: 'Saltmarsh',
    firstEntryKeys: ['saltmarsh', 'marsh', 'fen', 'reed beds'],
    secondEntryKeys: ['tidewraith', 'tidewraiths', 'wraith', 'wraiths', 'ghosts'],
    leadingKeys: ['saltmarsh', 'tidewraith', 'stilt-house', 'herbs'],
  },
  activation: {
    messages: ['*You wake up in a stilt-house.*', 'Tell me about the marsh.'],
    matchedKeys: ['saltmarsh', 'marsh'],
    renderedText: 'Forty miles of reed, mud and channels that move with every spring tide.',
  },
  recursion: { messages: ['What is the Saltmarsh?'] },
});

describe('the invented SillyTavern export', () => {
  it('holds what test/fixtures/cards/sillytavern-export.ts writes (run it after changing the character)', () => {
    const { character } = parseCharacterBytes(new Uint8Array(readFileSync(fixture('tamsin.png'))));
    expect(character).toEqual(parseCharacterBytes(new TextEncoder().encode(JSON.stringify(sillyTavernCardJson()))).character);
    expect(JSON.parse(readFileSync(fixture('Saltmarsh.json'), 'utf8'))).toEqual(sillyTavernWorldInfo());
  });
});
