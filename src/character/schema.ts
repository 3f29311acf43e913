import { z } from 'zod';

/**
 * The normalized character: a superset of Character Card V3's `data` object.
 * Card fields keep the spec's snake_case names so export is a projection, not a translation.
 * Research fields (camelCase) travel inside cards as `extensions.dramatis` (see docs/decisions/0002).
 */

export const Extensions = z.record(z.string(), z.unknown());
export type Extensions = z.infer<typeof Extensions>;

/** One lorebook entry, as Character Card V3 defines it. SillyTavern's activation knobs live in `extensions`. */
export const LorebookEntry = z.object({
  keys: z.array(z.string()),
  content: z.string(),
  extensions: Extensions,
  enabled: z.boolean(),
  insertion_order: z.number(),
  case_sensitive: z.boolean().optional(),
  use_regex: z.boolean(),
  constant: z.boolean().optional(),
  name: z.string().optional(),
  priority: z.number().optional(),
  id: z.union([z.number(), z.string()]).optional(),
  comment: z.string().optional(),
  selective: z.boolean().optional(),
  secondary_keys: z.array(z.string()).optional(),
  position: z.string().optional(),
}).loose();
export type LorebookEntry = z.infer<typeof LorebookEntry>;

export const Lorebook = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  scan_depth: z.number().optional(),
  token_budget: z.number().optional(),
  recursive_scanning: z.boolean().optional(),
  extensions: Extensions,
  entries: z.array(LorebookEntry),
}).loose();
export type Lorebook = z.infer<typeof Lorebook>;

export const Asset = z.object({
  type: z.string(),
  uri: z.string(),
  name: z.string(),
  ext: z.string(),
}).loose();

const unit = z.number().min(0).max(1);

export const BigFive = z.object({
  openness: unit,
  conscientiousness: unit,
  extraversion: unit,
  agreeableness: unit,
  neuroticism: unit,
});
export type BigFive = z.infer<typeof BigFive>;

export const Alignment = z.enum(['paragon', 'flawed', 'egoist', 'villain']);
export type Alignment = z.infer<typeof Alignment>;

/** What the character can know: the agent states these limits so the character abstains beyond them. */
export const KnowledgeLimits = z.object({
  era: z.string().optional(),
  deathDate: z.string().optional(),
  canon: z.string().optional(),
  limits: z.array(z.string()).optional(),
});
export type KnowledgeLimits = z.infer<typeof KnowledgeLimits>;

/** The research fields Dramatis adds to a card; stored in cards as `extensions.dramatis`. */
export const ResearchFields = z.object({
  bigFive: BigFive.optional(),
  alignment: Alignment.optional(),
  knowledge: KnowledgeLimits.optional(),
  secrets: z.array(z.string()).optional(),
  goals: z.array(z.string()).optional(),
  speakingStyle: z.string().optional(),
});
export type ResearchFields = z.infer<typeof ResearchFields>;

export const Character = z.object({
  name: z.string().min(1, 'a character needs a name'),
  description: z.string(),
  personality: z.string(),
  scenario: z.string(),
  first_mes: z.string(),
  mes_example: z.string(),
  creator_notes: z.string(),
  system_prompt: z.string(),
  post_history_instructions: z.string(),
  alternate_greetings: z.array(z.string()),
  character_book: Lorebook.optional(),
  tags: z.array(z.string()),
  creator: z.string(),
  character_version: z.string(),
  extensions: Extensions,
  // V3 additions
  assets: z.array(Asset).optional(),
  nickname: z.string().optional(),
  creator_notes_multilingual: z.record(z.string(), z.string()).optional(),
  source: z.array(z.string()).optional(),
  group_only_greetings: z.array(z.string()),
  creation_date: z.number().optional(),
  modification_date: z.number().optional(),
}).extend(ResearchFields.shape).loose();
export type Character = z.infer<typeof Character>;

export type CardSpec = 'v1' | 'v2' | 'v3';
export type CardFormat = 'json' | 'png' | 'charx';

/** Where a character came from and what the parser had to repair to read it. */
export interface CardSource {
  path?: string;
  format: CardFormat;
  spec: CardSpec;
  /** Top-level keys of the file that are not part of the card wrapper (kept for export). */
  extraTopLevel: Record<string, unknown>;
  /** The PNG the card was read from, so re-export as PNG keeps the picture. */
  image?: Uint8Array;
  /** The other files of a CHARX archive (assets), by path in the archive, so re-export as CHARX keeps them. */
  files?: Record<string, Uint8Array>;
}

export interface LoadedCharacter {
  character: Character;
  source: CardSource;
  /** Quirks the lenient parser repaired, each naming the field, e.g. `data.extensions.talkativeness: number stored as string`. */
  warnings: string[];
}
