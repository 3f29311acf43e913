import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLorebookJson, readLorebookFile, toLorebookJson } from '../../src/character/lorebook-file.ts';
import { cardError } from '../support/card-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'dramatis-lorebook-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readLorebookFile', () => {
  it('reports bad JSON and unknown formats with the file name', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "entries": ');
    await expect(readLorebookFile(bad)).rejects.toMatchObject({ code: 'lorebook/bad-json', message: expect.stringContaining(bad) });
    const other = join(dir, 'other.json');
    writeFileSync(other, '{ "hello": 1 }');
    await expect(readLorebookFile(other)).rejects.toMatchObject({ code: 'lorebook/bad-format', message: expect.stringContaining(other) });
  });
});

describe('parseLorebookJson', () => {
  it('converts SillyTavern entries, keeping every activation knob in extensions', () => {
    const { lorebook, format } = parseLorebookJson({
      entries: {
        7: {
          uid: 7, key: ['/drag(on|ons)\\b/i', 'wyrm'], keysecondary: ['fire'], comment: 'Dragons', content: 'Dragons breathe fire.',
          constant: false, selective: true, selectiveLogic: 3, order: '50', position: 4, disable: true,
          excludeRecursion: true, preventRecursion: false, delayUntilRecursion: 1, probability: 80, useProbability: true,
          depth: 2, caseSensitive: true, matchWholeWords: null, scanDepth: 6, group: 'beasts', groupOverride: false, groupWeight: 100,
          sticky: 2, cooldown: 0, role: 0, vectorized: false, automationId: '', displayIndex: 3, addMemo: true, someFutureField: { x: 1 },
        },
      },
    }, { name: 'Bestiary' });
    expect(format).toBe('sillytavern-world-info');
    expect(lorebook.name).toBe('Bestiary');
    const entry = lorebook.entries[0];
    expect(entry).toMatchObject({
      id: 7, keys: ['/drag(on|ons)\\b/i', 'wyrm'], secondary_keys: ['fire'], comment: 'Dragons', name: 'Dragons', selective: true,
      insertion_order: 50, enabled: false, position: 'after_char', use_regex: true, case_sensitive: true,
    });
    expect(entry.extensions).toEqual({
      position: 4, selectiveLogic: 3, exclude_recursion: true, prevent_recursion: false, delay_until_recursion: 1,
      probability: 80, useProbability: true, depth: 2, case_sensitive: true, match_whole_words: null, scan_depth: 6,
      group: 'beasts', group_override: false, group_weight: 100, sticky: 2, cooldown: 0, role: 0, vectorized: false,
      automation_id: '', display_index: 3, addMemo: true, someFutureField: { x: 1 },
    });
  });

  it('accepts SillyTavern entries as an array, with unknown world keys kept in extensions', () => {
    const { lorebook, warnings } = parseLorebookJson({ entries: [{ uid: 0, key: 'a, b', content: 'x', disable: 'false' }], originalData: { name: 'x' } });
    expect(lorebook.entries[0]).toMatchObject({ keys: ['a', 'b'], enabled: true, insertion_order: 100 });
    expect(lorebook.extensions).toEqual({ originalData: { name: 'x' } });
    expect(warnings).toEqual(expect.arrayContaining([
      'entries[0].key: text instead of a list, read as 2 item(s)',
      'entries[0].disable: boolean stored as string ("false"), converted to false',
      'entries[0].order: missing, set to 100',
    ]));
  });

  it('reads the spec lorebook_v3 file and warns about missing V3 fields', () => {
    const { lorebook, format, warnings } = parseLorebookJson({
      spec: 'lorebook_v3',
      data: { name: 'World', scan_depth: '3', extensions: {}, entries: [{ keys: ['k'], content: 'c', extensions: {}, enabled: true, insertion_order: 1 }] },
    });
    expect(format).toBe('lorebook_v3');
    expect(lorebook).toMatchObject({ name: 'World', scan_depth: 3 });
    expect(lorebook.entries[0].use_regex).toBe(false);
    expect(warnings).toEqual(['data.scan_depth: number stored as text ("3"), converted to 3', 'data.entries[0].use_regex: missing, set to false']);
    expect(toLorebookJson(lorebook)).toEqual({ spec: 'lorebook_v3', data: lorebook });
  });

  it('reads a bare character_book and a card with an embedded book', () => {
    const book = { name: 'Bare', entries: [{ keys: ['k'], content: 'c', enabled: true, insertion_order: 1, extensions: {} }] };
    const bare = parseLorebookJson(book);
    expect(bare.format).toBe('character_book');
    expect(bare.warnings).toEqual(['extensions: missing, set to {}']);
    const fromCard = parseLorebookJson({ spec: 'chara_card_v2', data: { name: 'Card', character_book: book } });
    expect(fromCard.format).toBe('character_book');
    expect(fromCard.lorebook.name).toBe('Bare');
  });

  it('reports invalid entries with field paths', () => {
    const error = cardError(() => parseLorebookJson({ spec: 'lorebook_v3', data: { extensions: {}, entries: [{ keys: [{}], content: 'c' }] } }, { path: 'w.json' }));
    expect(error.code).toBe('lorebook/invalid');
    expect(error.message).toMatch(/^w\.json: invalid lorebook: data\.entries\[0\]\.keys\[0\]/);
    expect(error.field).toBe('data.entries[0].keys[0]');
  });

  it('refuses things that are not lorebooks', () => {
    expect(cardError(() => parseLorebookJson([1])).code).toBe('lorebook/bad-format');
    expect(cardError(() => parseLorebookJson({ spec: 'chara_card_v2', data: { name: 'No book' } })).message).toContain('without an embedded character_book');
  });
});
