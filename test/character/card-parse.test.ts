import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCharacterBytes, parseCharacterJson, readCharacterFile } from '../../src/character/card-parse.ts';
import { cardError } from '../support/card-error.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/cards/${name}`, import.meta.url));

const v2 = (data: Record<string, unknown>, top: Record<string, unknown> = {}) => ({ spec: 'chara_card_v2', spec_version: '2.0', ...top, data: completeV2(data) });
function completeV2(data: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'Alice', description: 'd', personality: 'p', scenario: 's', first_mes: 'hi', mes_example: '',
    creator_notes: '', system_prompt: '', post_history_instructions: '', alternate_greetings: [], tags: [],
    creator: '', character_version: '', extensions: {}, ...data,
  };
}

describe('parseCharacterJson', () => {
  it('reads a V1 card (flat object, no spec)', () => {
    const { character, source, warnings } = parseCharacterJson({
      name: 'Bob', description: 'A baker.', personality: 'cheerful', scenario: 'A bakery.', first_mes: 'Fresh bread!', mes_example: '<START>',
      avatar: 'none', talkativeness: '0.5',
    });
    expect(source.spec).toBe('v1');
    expect(character).toMatchObject({ name: 'Bob', description: 'A baker.', first_mes: 'Fresh bread!', creator_notes: '', tags: [], alternate_greetings: [], group_only_greetings: [] });
    expect(character.extensions).toEqual({ dramatis_top_level: { avatar: 'none', talkativeness: '0.5' } });
    expect(warnings).toEqual([]);
  });

  it('maps legacy Pygmalion fields of V1 cards', () => {
    const { character, warnings } = parseCharacterJson({ char_name: 'Old', char_persona: 'persona', world_scenario: 'world', char_greeting: 'hello', example_dialogue: 'ex' });
    expect(character).toMatchObject({ name: 'Old', description: 'persona', scenario: 'world', first_mes: 'hello', mes_example: 'ex' });
    expect(warnings).toContain('char_greeting: legacy (Pygmalion) field, moved to first_mes');
  });

  it('reads a V2 card and keeps unknown data fields', () => {
    const { character, source, warnings } = parseCharacterJson(v2({ x_tool: { a: 1 } }));
    expect(source.spec).toBe('v2');
    expect(character.x_tool).toEqual({ a: 1 });
    expect(character.group_only_greetings).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('reads a V3 card and lifts research fields from extensions.dramatis', () => {
    const raw = JSON.parse(readFileSync(fixture('research-v3.json'), 'utf8'));
    const { character, source, warnings } = parseCharacterJson(raw);
    expect(source.spec).toBe('v3');
    expect(character.nickname).toBe('Ada');
    expect(character.creation_date).toBe(1700000000);
    expect(character.alignment).toBe('paragon');
    expect(character.bigFive?.openness).toBe(0.95);
    expect(character.knowledge?.deathDate).toBe('1852-11-27');
    expect(character.secrets).toHaveLength(1);
    expect(character.extensions).toEqual({});
    expect(warnings).toEqual([]);
  });

  it('keeps an invalid research field in extensions with a warning', () => {
    const { character, warnings } = parseCharacterJson(v2({ extensions: { dramatis: { alignment: 'chaotic', goals: ['win'] } } }));
    expect(character.alignment).toBeUndefined();
    expect(character.goals).toEqual(['win']);
    expect(character.extensions).toEqual({ dramatis: { alignment: 'chaotic' } });
    expect(warnings.some((w) => w.startsWith('data.extensions.dramatis.alignment: invalid'))).toBe(true);
  });

  it('repairs a quirky card leniently, naming each field', async () => {
    const { character, warnings } = await readCharacterFile(fixture('quirky-v2.json'));
    expect(character.scenario).toBe('');
    expect(character.tags).toEqual(['ferry', 'river', 'myth']);
    expect(character.character_version).toBe('2');
    expect(character.alternate_greetings).toEqual(['*Mara waves.* Another one?']);
    expect(character.post_history_instructions).toBe('');
    expect(character.x_custom_field).toEqual({ kept: true });
    expect(character.extensions.fav).toBe('false'); // extensions untouched
    const book = character.character_book!;
    expect(book).toMatchObject({ scan_depth: 4, token_budget: 512, recursive_scanning: false, extensions: {} });
    expect(book.entries[0]).toMatchObject({ keys: ['lethe', 'river'], enabled: true, insertion_order: 100, constant: false, extensions: {} });
    expect(book.entries[1]).toMatchObject({ keys: ['/obol(s)?/i'], priority: 10, position: 'after_char', extensions: { probability: '50', position: 1 } });
    expect(book.entries[1].secondary_keys).toBeUndefined();
    expect(warnings).toEqual(expect.arrayContaining([
      'data.scenario: null, set to ""',
      'data.post_history_instructions: missing, set to ""',
      'data.tags: text instead of a list, read as 3 item(s)',
      'data.character_version: number where text was expected, converted to "2"',
      'data.alternate_greetings: text instead of a list, read as 1 item(s)',
      'data.character_book.scan_depth: number stored as text ("4"), converted to 4',
      'data.character_book.recursive_scanning: boolean stored as string ("false"), converted to false',
      'data.character_book.extensions: missing, set to {}',
      'data.character_book.entries[0].keys: text instead of a list, read as 2 item(s)',
      'data.character_book.entries[0].extensions: missing, set to {}',
      'data.character_book.entries[0].enabled: boolean stored as string ("true"), converted to true',
      'data.character_book.entries[0].insertion_order: number stored as text ("100"), converted to 100',
      'data.character_book.entries[1].secondary_keys: null, removed',
      'data.character_book.entries[1].priority: number stored as text ("10"), converted to 10',
      'data.character_book.entries[1].position: number 1 (SillyTavern style), set to "after_char"',
    ]));
  });

  it('fills V1 fields that only exist at top level, and prefers data when they disagree', () => {
    const card = v2({ personality: 'from data' }, { personality: 'from top', scenario: 'top scenario' });
    delete (card.data as Record<string, unknown>).scenario;
    const { character, warnings } = parseCharacterJson(card);
    expect(character.personality).toBe('from data');
    expect(character.scenario).toBe('top scenario');
    expect(warnings).toContain('personality: the top-level value differs from data.personality; kept data.personality');
    expect(warnings).toContain('data.scenario: missing, filled from the top-level scenario');
    expect(character.extensions).toEqual({}); // mirrors are not unknown top-level keys
  });

  it('builds data from the top level when a V2 card has none', () => {
    const { character, warnings } = parseCharacterJson({ spec: 'chara_card_v2', spec_version: '2.0', name: 'Top', description: 'only here' });
    expect(character).toMatchObject({ name: 'Top', description: 'only here' });
    expect(warnings).toContain('data: missing, built from the top-level V1 fields');
  });

  it('converts numeric and date timestamps, and missing V3 fields are reported', () => {
    const { character, warnings } = parseCharacterJson({ spec: 'chara_card_v3', spec_version: '3.0', data: completeV2({ creation_date: '1700000000', modification_date: 1700000000123 }) });
    expect(character.creation_date).toBe(1700000000);
    expect(character.modification_date).toBe(1700000000);
    expect(warnings).toContain('data.group_only_greetings: missing, set to []');
  });

  it('does not modify its input', () => {
    const card = v2({ tags: 'a, b', extensions: { x: '1' }, character_book: { entries: [{ keys: 'k', content: 'c' }] } });
    const copy = structuredClone(card);
    parseCharacterJson(card);
    expect(card).toEqual(copy);
  });

  it('refuses a card without a name', () => {
    const error = cardError(() => parseCharacterJson(v2({ name: '  ' }), { path: 'nameless.json' }));
    expect(error.code).toBe('card/missing-name');
    expect(error.message).toContain('nameless.json');
    expect(error.message).toContain('data.name');
    expect(error.field).toBe('data.name');
  });

  it('reports schema failures with field paths', () => {
    const error = cardError(() => parseCharacterJson(v2({ tags: [{ bad: true }], character_book: { entries: [{ keys: [], content: 'c', insertion_order: 'soon' }] } }), { path: 'broken.json' }));
    expect(error.code).toBe('card/invalid');
    expect(error.message).toMatch(/^broken\.json: invalid character card: /);
    expect(error.message).toContain('data.tags[0]');
    expect(error.message).toContain('data.character_book.entries[0].insertion_order');
    expect(error.message).not.toContain('\n');
  });

  it('says so when given a lorebook or a non-object', () => {
    expect(cardError(() => parseCharacterJson({ spec: 'lorebook_v3', data: { entries: [] } }, { path: 'book.json' })).message).toContain('lorebook');
    expect(cardError(() => parseCharacterJson([1, 2])).code).toBe('card/invalid');
  });
});

describe('parseCharacterBytes', () => {
  it('reads JSON with a BOM', () => {
    const bytes = new TextEncoder().encode(`\uFEFF${JSON.stringify(v2({ name: 'Bom' }))}`);
    expect(parseCharacterBytes(bytes).character.name).toBe('Bom');
  });

  it('reports bad JSON with the file, line and column', () => {
    const error = cardError(() => parseCharacterBytes(new TextEncoder().encode('{\n  "name": "x",\n  oops\n}'), { path: 'bad.json' }));
    expect(error.code).toBe('card/bad-json');
    expect(error.message).toMatch(/^bad\.json: .*line 3/);
  });

  it('names image formats it does not read', () => {
    const jpeg = cardError(() => parseCharacterBytes(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]), { path: 'a.jpg' }));
    expect(jpeg.code).toBe('card/not-png');
    expect(jpeg.message).toContain('JPEG');
    expect(cardError(() => parseCharacterBytes(new TextEncoder().encode('{}'), { path: 'fake.png' })).code).toBe('card/not-png');
  });
});

describe('readCharacterFile', () => {
  it('reports a missing file', async () => {
    await expect(readCharacterFile('/nonexistent/card.png')).rejects.toMatchObject({ code: 'card/not-found', message: expect.stringContaining('/nonexistent/card.png') });
  });
});
