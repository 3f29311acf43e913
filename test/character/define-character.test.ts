import { describe, expect, it } from 'vitest';
import { CardError, defineCharacter } from '../../src/character/index.ts';

describe('defineCharacter', () => {
  it('makes a whole character from a name and a few fields, research fields included', () => {
    const mirela = defineCharacter({
      name: 'Mirela', description: 'Keeper of the Tuzla lighthouse, 1897.', secrets: ['She signals the smugglers.'],
      alignment: 'flawed', knowledge: { era: '1897, the Black Sea coast' },
    });
    expect(mirela).toMatchObject({
      name: 'Mirela', description: 'Keeper of the Tuzla lighthouse, 1897.', personality: '', first_mes: '', alternate_greetings: [], tags: [],
      secrets: ['She signals the smugglers.'], alignment: 'flawed', knowledge: { era: '1897, the Black Sea coast' },
    });
    expect(defineCharacter({ name: 'Bo' }).description).toBe('');
  });

  it('refuses what is not a character, naming the field', () => {
    expect(() => defineCharacter({ name: '' })).toThrow(CardError);
    expect(() => defineCharacter({ name: 'Bo', alignment: 'chaotic' as never })).toThrow(/alignment/);
    expect(() => defineCharacter({ name: 'Bo', favourite: 'tea' } as never)).toThrow(/favourite/);
  });
});
