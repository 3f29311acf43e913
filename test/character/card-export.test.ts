import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toCardJson } from '../../src/character/card-export.ts';
import { writeCharacterFile } from '../../src/character/card-write.ts';
import { parseCharacterJson, readCharacterFile } from '../../src/character/card-parse.ts';

const dir = mkdtempSync(join(tmpdir(), 'dramatis-card-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A V3 card using every V3-only field, research fields, unknown data fields and SillyTavern top-level keys. */
const richV3 = {
  spec: 'chara_card_v3',
  spec_version: '3.0',
  avatar: 'none',
  chat: 'Ada - 2024',
  fav: true,
  data: {
    name: 'Ada', description: 'Mathematician.', personality: 'curious', scenario: 'London, 1843.', first_mes: 'Welcome.', mes_example: '',
    creator_notes: 'notes', system_prompt: '', post_history_instructions: '', alternate_greetings: ['Good day.'], tags: ['history'],
    creator: 'tests', character_version: '1', group_only_greetings: ['Hello, all.'],
    nickname: 'Countess', creator_notes_multilingual: { fr: 'notes' }, source: ['https://example.org/ada'],
    creation_date: 1700000000, modification_date: 1700000100,
    assets: [{ type: 'icon', uri: 'ccdefault:', name: 'main', ext: 'png' }],
    x_other_tool: { layout: [1, 2] },
    extensions: {
      depth_prompt: { prompt: 'Stay precise.', depth: 4 },
      dramatis: { alignment: 'paragon', goals: ['Publish the notes.'], futureField: 'kept' },
    },
    character_book: {
      name: 'Ada lore', extensions: {},
      entries: [
        { keys: ['engine'], content: 'The Analytical Engine.', extensions: { selectiveLogic: 0 }, enabled: true, insertion_order: 100, use_regex: false },
        { keys: ['/bab+age/i'], content: 'Charles Babbage.', extensions: {}, enabled: true, insertion_order: 90, use_regex: true },
      ],
    },
  },
};

describe('toCardJson', () => {
  const { character } = parseCharacterJson(richV3);

  it('writes V3 with research fields back in extensions.dramatis and top-level keys restored', () => {
    const json = toCardJson(character, 'v3');
    expect(Object.keys(json)).toEqual(['spec', 'spec_version', 'avatar', 'chat', 'fav', 'data']);
    const data = json.data as Record<string, unknown>;
    expect(data.extensions).toEqual({
      depth_prompt: { prompt: 'Stay precise.', depth: 4 },
      dramatis: { futureField: 'kept', alignment: 'paragon', goals: ['Publish the notes.'] },
    });
    expect(data.x_other_tool).toEqual({ layout: [1, 2] });
    expect(data).not.toHaveProperty('alignment');
    expect(json).not.toHaveProperty('name'); // no V1 mirror in V3
  });

  it('writes V2 with V1 mirrors and V3-only fields stashed', () => {
    const json = toCardJson(character, 'v2');
    expect(json).toMatchObject({ spec: 'chara_card_v2', spec_version: '2.0', name: 'Ada', description: 'Mathematician.', first_mes: 'Welcome.', avatar: 'none' });
    const data = json.data as Record<string, unknown>;
    for (const key of ['nickname', 'group_only_greetings', 'assets', 'creation_date', 'source']) expect(data).not.toHaveProperty(key);
    expect((data.extensions as Record<string, unknown>).dramatis_v3).toMatchObject({ nickname: 'Countess', group_only_greetings: ['Hello, all.'], creation_date: 1700000000 });
    const entries = (data.character_book as { entries: Array<Record<string, unknown>> }).entries;
    expect(entries[0]).not.toHaveProperty('use_regex'); // V2 has no use_regex; false is the default
    expect(entries[1].use_regex).toBe(true);
  });

  it('is lossless v3 → v2 → v3', () => {
    const v2 = parseCharacterJson(JSON.parse(JSON.stringify(toCardJson(character, 'v2'))));
    expect(v2.source.spec).toBe('v2');
    expect(v2.character).toEqual(character);
    expect(v2.warnings).toEqual([]);
    const v3 = parseCharacterJson(JSON.parse(JSON.stringify(toCardJson(v2.character, 'v3'))));
    expect(v3.character).toEqual(character);
  });

  it('does not modify the character', () => {
    const before = structuredClone(character);
    toCardJson(character, 'v2');
    toCardJson(character, 'v3');
    expect(character).toEqual(before);
  });
});

describe('writeCharacterFile', () => {
  const { character } = parseCharacterJson(richV3);

  it('writes pretty JSON (2 spaces, trailing newline) and reads it back', async () => {
    const path = join(dir, 'ada.json');
    const bytes = await writeCharacterFile(path, character, { spec: 'v2' });
    const text = readFileSync(path, 'utf8');
    expect(bytes).toBe(Buffer.byteLength(text));
    expect(text.startsWith('{\n  "spec": "chara_card_v2"')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect((await readCharacterFile(path)).character).toEqual(character);
  });

  it('writes CHARX', async () => {
    const path = join(dir, 'ada.charx');
    await writeCharacterFile(path, character);
    const reread = await readCharacterFile(path);
    expect(reread.source.format).toBe('charx');
    expect(reread.character).toEqual(character);
  });

  it('refuses an unknown extension', async () => {
    await expect(writeCharacterFile(join(dir, 'ada.txt'), character)).rejects.toMatchObject({ code: 'card/bad-output', message: expect.stringContaining('ada.txt') });
  });
});
