import { z } from 'zod';
import { CharacterFields, type Character } from '../character/index.ts';

/**
 * The scene file (YAML) as written by users: the single source of truth for its keys (DESIGN.md §3 "Scenes").
 * Names of characters used anywhere (turn order, models, opening `to`) are the cast's character names.
 */

/** The most turns one episode may have. */
export const MAX_TURNS = 10_000;

const oneOrMany = z.union([z.string(), z.array(z.string())]).transform((value) => (typeof value === 'string' ? [value] : value));

/** An inline character: the card's fields that matter for role-play, plus Dramatis's research fields. */
export const InlineCharacter = CharacterFields;
export type InlineCharacter = z.infer<typeof InlineCharacter>;

/** One cast member: a card file (relative to the scene file) or an inline character, and its private setup. */
export const CastEntry = z.object({
  card: z.string().min(1).optional(),
  character: InlineCharacter.optional(),
  /** Private to this character: added to its sheet, never shown to anyone else. */
  secret: oneOrMany.optional(),
  secrets: z.array(z.string()).optional(),
  goals: oneOrMany.optional(),
  /** Private opinions (e.g. the side it privately holds in a debate). */
  opinions: oneOrMany.optional(),
  /** What this character privately thinks of each other cast member, by name. */
  relationships: z.record(z.string(), z.string()).optional(),
  notes: oneOrMany.optional(),
  /** Weight in the `natural` policy (0–1, default 0.5). */
  talkativeness: z.number().min(0).max(1).optional(),
  /** Model for this character (overrides `models.characters` and `models.default`). */
  model: z.string().optional(),
}).strict().refine((entry) => (entry.card === undefined) !== (entry.character === undefined), {
  message: 'a cast entry needs exactly one of `card` (a file) or `character` (inline)',
});
export type CastEntry = z.infer<typeof CastEntry>;

/** The turn policies this release ships (`turn-policies/`); a scene names any policy its reader was given. */
export const TurnPolicyName = z.enum(['round-robin', 'natural', 'narrator', 'simultaneous']);
export type TurnPolicyName = z.infer<typeof TurnPolicyName>;

export const NarratorSection = z.object({
  enabled: z.boolean().default(true),
  name: z.string().default('Narrator'),
  style: z.string().optional(),
  model: z.string().optional(),
  /** omniscient: sees every event, thoughts included; public: only what everyone sees. */
  perspective: z.enum(['omniscient', 'public']).default('omniscient'),
  /** Private guidance for the narrator only (plot to steer towards, rules of the world). */
  notes: oneOrMany.optional(),
  /** With a policy other than `narrator`: the narrator acts after every N character turns (default: once a round). */
  every: z.number().int().min(1).optional(),
  /** The narrator opens the scene with a description (default true). */
  opens: z.boolean().default(true),
}).strict();

export const OpeningEvent = z.object({
  /** `narrator` or a cast member's name. */
  actor: z.string().default('narrator'),
  kind: z.enum(['narration', 'speech', 'action']).optional(),
  text: z.string().min(1),
  /** Only these cast members perceive it (private narration, whisper); default everyone. */
  to: oneOrMany.optional(),
}).strict();
export type OpeningEvent = z.infer<typeof OpeningEvent>;

export const SceneFile = z.object({
  title: z.string().min(1),
  /** Scenario kind (a plugin); this release ships `conversation`. */
  kind: z.string().default('conversation'),
  /** Parameters of the scenario kind. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** What everyone knows about the place and moment; shown to every character. */
  setting: z.string().optional(),
  cast: z.array(CastEntry).min(1),
  narrator: NarratorSection.optional(),
  turns: z.object({
    /** Who acts when: a turn policy's name (shipped: round-robin, natural, narrator, simultaneous). */
    policy: z.string().trim().min(1).default('round-robin'),
    /** Character speech turns before the scene stops (bounded: an episode is one log and one run of the model). */
    max: z.number().int().min(1).max(MAX_TURNS, `at most ${MAX_TURNS.toLocaleString('en-US')} turns per episode; run several episodes or scenes for longer stories`).default(12),
    /** Round-robin order by name (default: cast order). */
    order: z.array(z.string()).optional(),
    /** `natural`: whether one character may speak twice in a row. */
    allowRepeat: z.boolean().default(false),
  }).strict().default({ policy: 'round-robin', max: 12, allowRepeat: false }),
  stop: z.object({
    /** The scene ends when a speech or narration contains this text. */
    phrase: z.string().min(1).optional(),
    /** The narrator may end the scene (default true). */
    narrator: z.boolean().default(true),
    /** Characters may leave, and the scene ends when every one has left (default true; false: nobody can leave). */
    allLeave: z.boolean().default(true),
  }).strict().default({ narrator: true, allLeave: true }),
  models: z.object({
    default: z.string().optional(),
    narrator: z.string().optional(),
    characters: z.record(z.string(), z.string()).optional(),
  }).strict().default({}),
  sampling: z.object({
    temperature: z.number().min(0).optional(),
    topP: z.number().min(0).max(1).optional(),
    maxOutputTokens: z.number().int().min(16).optional(),
  }).strict().default({}),
  seed: z.number().int().min(0).default(0),
  /** Events placed in the log before the first turn (scripted openings, private briefings). */
  opening: z.array(OpeningEvent).default([]),
}).strict();
export type SceneFile = z.infer<typeof SceneFile>;

/** A cast member after its card was loaded. */
export interface CastMember {
  name: string;
  character: Character;
  /** Where it came from: a card path, or `inline`. */
  source: string;
  privateSetup: { secrets: string[]; goals: string[]; notes: string[] };
  talkativeness: number;
  model?: string;
}

export interface NarratorSetup {
  name: string;
  style?: string;
  model?: string;
  perspective: 'omniscient' | 'public';
  notes: string[];
  every?: number;
  opens: boolean;
}

/** A scene ready to run: validated, cast loaded, names checked. */
export interface Scene {
  /** Absolute path of the scene file, when it came from one. */
  file?: string;
  title: string;
  kind: string;
  params: Record<string, unknown>;
  setting?: string;
  cast: CastMember[];
  narrator?: NarratorSetup;
  /** `policy` names a turn policy the scene's reader knows (see `TurnPolicyName` for the shipped ones). */
  turns: { policy: string; max: number; order: string[]; allowRepeat: boolean };
  stop: { phrase?: string; narrator: boolean; allLeave: boolean };
  models: { default?: string; narrator?: string; characters: Record<string, string> };
  sampling: { temperature?: number; topP?: number; maxOutputTokens?: number };
  seed: number;
  opening: { actor: string; kind: 'narration' | 'speech' | 'action'; text: string; to?: string[] }[];
  /** Problems that do not stop the scene, e.g. a cast member's lorebook keys that are skipped; absent when there are none. */
  warnings?: string[];
}
