import { z } from 'zod';
import type { BenchItem } from '../item.ts';
import { US_PRESIDENTS, type UsPresident } from '../scorers/us-presidents.ts';
import { arrayOf, dataError, parseDataJson, readDataText, uniqueIds, validateRecords } from './read-data.ts';
import type { DatasetLoader } from './types.ts';

/** One released character (`answers/full_question.json`), field names as released; `year` is the death year. */
const Character = z.object({
  role: z.string().min(1),
  source: z.string().nullish(),
  type: z.string().nullish(),
  year: z.union([
    z.number().int('expected a death year as a whole number'),
    z.string().regex(/^\d{1,4}$/, 'expected a death year (a number such as 1955)').transform(Number),
  ], { error: 'expected a death year (a number such as 1955)' }),
  president: z.unknown().optional(),
  description: z.string().optional(),
});
type Character = z.infer<typeof Character>;

/** The released top level: groups of characters by type (`real_person`...). */
const Group = z.object({
  type: z.string(),
  characters: z.array(z.unknown(), { error: 'expected an array of characters' }),
});

/**
 * After the death iff the president took office after the death year: this is how the authors' released
 * `evaluation/full_death_list.json` marks all 100 characters (Ford, 1974, is "before" for a 1976 death).
 */
export function phaseOf(president: UsPresident, deathYear: number): 'before' | 'after' {
  return president.start > deathYear ? 'after' : 'before';
}

/**
 * The paper's question, verbatim (`src/generation/generate.py`, four_president): `Who is the {46-i}th US
 * president?`, so it also asks for the "41th" and "22th" as the authors did.
 */
export function presidentQuestion(ordinal: number): string {
  return `Who is the ${ordinal}th US president?`;
}

/** The role-play opening the authors build per character: their description, or "You are X." / "You are X in SOURCE." by group type. */
function persona(character: Character, groupType: string): string {
  if (character.description) return character.description;
  const source = character.source && character.source !== 'none' ? character.source : undefined;
  return groupType !== 'real_person' && source ? `You are ${character.role} in ${source}.` : `You are ${character.role}.`;
}

/**
 * Errors name the top-level group as the record and the character by its index (`record 1: characters.41.year`);
 * an item's `record` is its character's position in the file (1-based, across groups).
 */
export const conceptIncongruenceLoader: DatasetLoader = {
  name: 'concept-incongruence',
  title: 'Concept Incongruence (time and death in role-play)',
  source: 'https://github.com/ChicagoHAI/concept-incongruence (answers/full_question.json; Bai et al. 2025, arXiv:2505.14905)',
  format: 'a JSON array of {type, characters: [{role, source, type, year (death year), president}]}; each character is asked '
    + 'who the 46th down to the 20th US president is (27 items), each before or after the death year',
  categories: ['phase', 'character', 'character_type'],
  async load(path, options) {
    const data = arrayOf(parseDataJson(await readDataText(path, this, options), path, this), '{type, characters}', path, this);
    const groups = validateRecords(data, Group, path, this);
    const problems: string[] = [];
    const characters: { character: Character; groupType: string }[] = [];
    groups.forEach((group, g) => {
      group.characters.forEach((raw, c) => {
        const parsed = Character.safeParse(raw);
        if (parsed.success) characters.push({ character: parsed.data, groupType: group.type });
        else for (const issue of parsed.error.issues) {
          if (problems.length < 20) problems.push(`${path}: record ${g + 1}: characters.${c}.${issue.path.join('.') || '(character)'}: ${issue.message}`);
        }
      });
    });
    if (problems.length) throw dataError(problems, this);
    if (characters.length === 0) throw dataError([`${path}: no characters: every group's characters array is empty`], this);
    return uniqueIds(characters.flatMap(({ character, groupType }, index) => toItems(character, groupType, index + 1)));
  },
};

function toItems(character: Character, groupType: string, record: number): BenchItem[] {
  return US_PRESIDENTS.map((president) => ({
    id: `${character.role}/${president.ordinal}`,
    record,
    vars: {
      character: character.role,
      persona: persona(character, groupType),
      question: presidentQuestion(president.ordinal),
      death_year: String(character.year),
    },
    reference: president.name,
    categories: {
      phase: phaseOf(president, character.year),
      character: character.role,
      character_type: character.type ?? groupType,
    },
    meta: {
      deathYear: character.year,
      questionYear: president.start,
      president: president.ordinal,
    },
  }));
}
