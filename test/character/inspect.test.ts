import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCharacterJson, readCharacterFile } from '../../src/character/card-parse.ts';
import { formatInspection, inspectCharacter } from '../../src/character/inspect.ts';
import { countTokens } from '../../src/text/tokens.ts';

const researchPath = fileURLToPath(new URL('../fixtures/cards/research-v3.json', import.meta.url));

describe('inspectCharacter', () => {
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
  it('renders a minimal card', () => {
    const text = formatInspection(inspectCharacter(parseCharacterJson({ name: 'Empty' }), countTokens));
    expect(text).toContain('(no text fields)');
    expect(text).toContain('lorebook: -');
    expect(text.endsWith('\n')).toBe(false);
  });
});
