import { z } from 'zod';
import { parseCharacterJson } from './card-parse.ts';
import { CardError } from './errors.ts';
import type { Character } from './schema.ts';

/**
 * A character by the fields that matter for role-play, everything else defaulted: the card fields (only the name is
 * required), Dramatis's research fields, and, optionally, the other Character Card V2/V3 fields. A scene file's
 * inline characters have this shape.
 */
export const CharacterFields = z.object({
  name: z.string().trim().min(1),
  description: z.string().default(''),
  personality: z.string().default(''),
  scenario: z.string().default(''),
  first_mes: z.string().default(''),
  mes_example: z.string().default(''),
  system_prompt: z.string().default(''),
  post_history_instructions: z.string().default(''),
  speakingStyle: z.string().optional(),
  bigFive: z.record(z.string(), z.number()).optional(),
  alignment: z.enum(['paragon', 'flawed', 'egoist', 'villain']).optional(),
  knowledge: z.object({
    era: z.string().optional(),
    deathDate: z.string().optional(),
    canon: z.string().optional(),
    limits: z.array(z.string()).optional(),
  }).optional(),
  secrets: z.array(z.string()).optional(),
  goals: z.array(z.string()).optional(),
  // The other Character Card V2/V3 fields, so a card's data can be pasted inline (the card parser checks them).
  creator_notes: z.string().optional(),
  alternate_greetings: z.array(z.string()).optional(),
  group_only_greetings: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  creator: z.string().optional(),
  character_version: z.string().optional(),
  nickname: z.string().optional(),
  character_book: z.unknown().optional(),
  extensions: z.record(z.string(), z.unknown()).optional(),
}).strict();
export type CharacterFields = z.input<typeof CharacterFields>;

/**
 * Defines a character from a few fields, as a card file would give it (the same lenient parser fills the rest).
 * @example const mirela = defineCharacter({ name: 'Mirela', description: 'Keeper of the Tuzla lighthouse, 1897.', secrets: ['She signals smugglers.'] });
 */
export function defineCharacter(fields: CharacterFields): Character {
  const parsed = CharacterFields.safeParse(fields);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'the character'}: ${issue.message}`).join('; ');
    throw new CardError('card/invalid', `defineCharacter: ${problems}`);
  }
  return parseCharacterJson({ ...parsed.data }, { path: 'defineCharacter' }).character;
}
