import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCharacterJson, readCharacterFile } from '../../src/character/card-parse.ts';
import { formatInspection, inspectCharacter } from '../../src/character/inspect.ts';
import { countTokens } from '../../src/text/tokens.ts';

const seraphinaPath = fileURLToPath(new URL('../../../shared/data/cards/default_Seraphina.png', import.meta.url));
const researchPath = fileURLToPath(new URL('../fixtures/cards/research-v3.json', import.meta.url));

describe('inspectCharacter', () => {
  it('summarizes the real Seraphina card', async () => {
    const loaded = await readCharacterFile(seraphinaPath);
    const inspection = inspectCharacter(loaded, countTokens);
    expect(inspection).toMatchObject({ name: 'Seraphina', spec: 'v2', format: 'png', creator: 'OtisAlejandro', characterVersion: '1.0.0', tags: [], research: [] });
    expect(inspection.fields.map((f) => f.field)).toEqual(['description', 'first_mes', 'creator_notes']);
    const description = inspection.fields[0];
    expect(description.chars).toBe(loaded.character.description.length);
    expect(description.tokens).toBe(countTokens(loaded.character.description));
    expect(inspection.totalTokens).toBe(inspection.fields.reduce((n, f) => n + f.tokens, 0));
    expect(inspection.greetings).toEqual({ first: true, alternate: 0, groupOnly: 0 });
    expect(inspection.lorebook).toMatchObject({ name: 'Eldoria', entryCount: 4 });
    expect(inspection.lorebook!.entries[1]).toEqual({
      id: 1, keys: ['shadowfang', 'beast', 'monster', 'monsters', 'beasts'], secondaryKeys: [], constant: false, enabled: true,
      position: 'before_char', tokens: countTokens(loaded.character.character_book!.entries[1].content),
    });
    expect(inspection.extensionKeys).toEqual(['talkativeness', 'fav', 'world', 'dramatis_top_level']);
    expect(inspection.topLevelKeys).toEqual(['avatar', 'chat', 'create_date', 'talkativeness', 'fav', 'creatorcomment']);
    expect(inspection.warnings).toEqual(loaded.warnings);
  });

  it('lists research fields and flags regex keys that do not compile', async () => {
    const loaded = await readCharacterFile(researchPath);
    expect(inspectCharacter(loaded, countTokens).research).toEqual(['bigFive', 'alignment', 'knowledge', 'secrets', 'goals', 'speakingStyle']);

    const withBadRegex = parseCharacterJson({
      name: 'Regex',
      character_book: { extensions: {}, entries: [{ keys: ['/ok+/i', '/(unclosed/'], content: 'c', extensions: {}, enabled: true, insertion_order: 1 }] },
    });
    const warnings = inspectCharacter(withBadRegex, countTokens).warnings.filter((w) => w.includes('regex'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^character_book\.entries\[0\]\.keys\[1\]: regex \/\(unclosed\/ does not compile/);
  });
});

describe('formatInspection', () => {
  it('renders aligned plain text', async () => {
    const loaded = await readCharacterFile(seraphinaPath);
    const text = formatInspection(inspectCharacter(loaded, countTokens));
    const lines = text.split('\n');
    expect(lines[0]).toBe(`Seraphina — V2 card (png)  ${seraphinaPath}`);
    expect(text).toContain('lorebook "Eldoria": 4 entries');
    expect(text).toContain('warnings (2):');
    expect(text).toContain('  - data.character_book.extensions: missing, set to {}');
    expect(text).not.toMatch(/\u001b\[/); // no colours

    // numbers are right-aligned: the tokens column ends at the same place on every row of the fields table
    const header = lines.findIndex((line) => line.trim().startsWith('field'));
    const rows = lines.slice(header, header + 5);
    expect(new Set(rows.map((row) => row.length)).size).toBe(1);
    const entryHeader = lines.findIndex((line) => line.trim().startsWith('id'));
    const entryRows = lines.slice(entryHeader, entryHeader + 5);
    expect(new Set(entryRows.map((row) => row.indexOf(row.trim().split(/\s+/)[1])))).toEqual(new Set([entryRows[0].indexOf('keys')]));
  });

  it('renders a minimal card', () => {
    const text = formatInspection(inspectCharacter(parseCharacterJson({ name: 'Empty' }), countTokens));
    expect(text).toContain('(no text fields)');
    expect(text).toContain('lorebook: -');
    expect(text.endsWith('\n')).toBe(false);
  });
});
