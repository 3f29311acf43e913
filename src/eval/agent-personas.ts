import { z } from 'zod';
import type { CharacterFields } from '../character/index.ts';
import { EvalError } from './errors.ts';
import type { BenchItem, ChatTurn } from './item.ts';
import { renderTemplate } from './template.ts';

/**
 * How the character's turn becomes the answer a scorer reads: its speech; `(action) speech`, as role-play
 * transcripts write a turn; or `<thinking>thought</thinking> <acting>(action) speech</acting>`, for scorers that
 * compare reasoning with behaviour (Beyond One World's think–act match).
 */
export const AgentAnswer = z.enum(['speech', 'act', 'think-act']);
export type AgentAnswer = z.infer<typeof AgentAnswer>;

/**
 * A benchmark file's own persona mapping for `agent:`: templates over the item's vars (`{{name}}`, `{{options}}`…,
 * as in `prompt`) for the character's fields and the user's turn.
 */
export const AgentTemplates = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  personality: z.string().optional(),
  scenario: z.string().optional(),
  speakingStyle: z.string().optional(),
  /** One of paragon, flawed, egoist, villain once filled. */
  alignment: z.string().optional(),
  era: z.string().optional(),
  deathDate: z.string().optional(),
  canon: z.string().optional(),
  /** The user's turn: the question. */
  user: z.string().min(1),
  /** The item's own chat messages (user and assistant turns) are the history before the question. */
  history: z.boolean().default(false),
  answer: AgentAnswer.default('speech'),
  /** `--character CARD` may play every item (the items do not depend on who the character is). */
  anyCharacter: z.boolean().default(false),
}).strict();
export type AgentTemplates = z.infer<typeof AgentTemplates>;

/** An item as the character agent plays it. */
export interface ItemPersona {
  /** The character the item asks for (its research fields filled); `--character` replaces it where allowed. */
  character: CharacterFields;
  /** Turns before the question: the user's and the character's (as `assistant`). */
  history: ChatTurn[];
  /** The user's turn. */
  user: string;
  answer: AgentAnswer;
}

/** How a loader's items are played by the agent. */
export interface PersonaMapping {
  /** The item's persona; `order`: the options in the order shown. `as`: the name of a card playing every item. */
  persona(item: BenchItem, order: readonly number[] | undefined, as?: string): ItemPersona;
  /** `--character CARD` may play every item (Beyond One World's dilemmas); else the items are about their own persona. */
  anyCharacter: boolean;
}

const ALIGNMENTS = ['paragon', 'flawed', 'egoist', 'villain'] as const;
type Alignment = (typeof ALIGNMENTS)[number];

const choiceInstruction = (item: BenchItem, order: readonly number[] | undefined) =>
  renderTemplate('{{options}}\n\nAnswer with the letter of your choice ({{letters}}), then say why, in your own voice.', item, order);

/**
 * The built-in loaders' personas: Concept Incongruence's historical or fictional figure (its death year as the
 * knowledge limit), Beyond One World's hero version (its canon), Moral RolePlay's character (its moral level as
 * the alignment), RoleMRC's role (its system prompt as the description, the earlier turns as history).
 */
const BUILT_IN: Record<string, PersonaMapping> = {
  'concept-incongruence': {
    anyCharacter: false,
    persona: (item) => ({
      character: {
        name: item.vars.character,
        description: item.vars.persona,
        knowledge: { deathDate: item.vars.death_year },
      },
      history: [],
      user: item.vars.question,
      answer: 'speech',
    }),
  },
  'beyond-one-world-canon': {
    anyCharacter: false,
    persona: (item, order) => ({
      character: { name: item.vars.name, description: `${item.vars.name}, as in ${item.vars.lore}.`, knowledge: { canon: item.vars.lore } },
      history: [],
      user: `${item.vars.question}\n\n${choiceInstruction(item, order)}`,
      answer: 'speech',
    }),
  },
  'beyond-one-world-dilemma': {
    anyCharacter: true,
    persona: (item, _order, as) => {
      const name = as ?? item.vars.name;
      const situation = renderTemplate('{{dilemma}}\n\n{{question}}', item);
      return {
        character: { name: item.vars.name, description: `${item.vars.name}, from ${item.vars.background}.`, knowledge: { canon: item.vars.lore } },
        history: [],
        user: `${situation.replaceAll(item.vars.name, name)}\n\nDecide as yourself: start what you do with the letter of your choice (A or B).`,
        answer: 'think-act',
      };
    },
  },
  'moral-roleplay': {
    anyCharacter: false,
    persona: (item) => ({
      character: {
        name: item.vars.character,
        description: item.vars.profile,
        scenario: item.vars.scenario,
        alignment: alignmentOfLevel(item.categories.moral_level),
      },
      history: [],
      user: `The scene so far:\n\n${item.vars.conversation}\n\nContinue the scene as ${item.vars.character}: your next speech and action.`,
      answer: 'act',
    }),
  },
  'role-mrc': {
    anyCharacter: false,
    persona: (item) => {
      const messages = item.messages ?? [];
      const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
      const turns = messages.filter((m) => m.role !== 'system');
      const last = turns.at(-1);
      if (!last || last.role !== 'user') throw new EvalError('eval/bad-data', `item ${item.id}: its messages do not end with a user turn to answer`);
      return {
        character: { name: roleName(system), description: system },
        history: turns.slice(0, -1),
        user: last.content,
        answer: 'speech',
      };
    },
  },
};

/** The mapping of a benchmark's agent setting: a file's templates, else its loader's built-in mapping. */
export function personaMapping(loader: string, agent: true | AgentTemplates): PersonaMapping {
  if (agent !== true) return templateMapping(agent);
  const mapping = BUILT_IN[loader];
  if (!mapping) {
    throw new EvalError('eval/bad-definition',
      `loader ${loader} has no built-in persona for the character agent (built in for ${Object.keys(BUILT_IN).join(', ')}); write agent: { name: '{{…}}', user: '{{…}}' } in the benchmark file`);
  }
  return mapping;
}

/** Loaders whose items the character agent can play without a benchmark file's own templates. */
export const AGENT_LOADERS: readonly string[] = Object.keys(BUILT_IN);

function templateMapping(templates: AgentTemplates): PersonaMapping {
  return {
    anyCharacter: templates.anyCharacter,
    persona(item, order, as) {
      const fill = (template: string | undefined) => (template === undefined ? undefined : renderTemplate(template, item, order));
      const name = fill(templates.name)!;
      const alignment = fill(templates.alignment);
      if (alignment !== undefined && !ALIGNMENTS.includes(alignment as Alignment)) {
        throw new EvalError('eval/bad-definition', `item ${item.id}: agent.alignment is '${alignment}'; it must fill to one of ${ALIGNMENTS.join(', ')}`);
      }
      const knowledge = { era: fill(templates.era), deathDate: fill(templates.deathDate), canon: fill(templates.canon) };
      const user = fill(templates.user)!;
      return {
        character: {
          name, description: fill(templates.description) ?? '', personality: fill(templates.personality) ?? '', scenario: fill(templates.scenario) ?? '',
          ...(templates.speakingStyle ? { speakingStyle: fill(templates.speakingStyle) } : {}),
          ...(alignment ? { alignment: alignment as Alignment } : {}),
          ...(Object.values(knowledge).some((v) => v) ? { knowledge: withoutEmpty(knowledge) } : {}),
        },
        history: templates.history ? (item.messages ?? []).filter((m) => m.role !== 'system') : [],
        user: as ? user.replaceAll(name, as) : user,
        answer: templates.answer,
      };
    },
  };
}

function withoutEmpty(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/** Moral RolePlay's levels: 1 moral paragon, 2 flawed but good, 3 egoist, 4 villain. */
function alignmentOfLevel(level: unknown): Alignment | undefined {
  const index = Number(level) - 1;
  return Number.isInteger(index) ? ALIGNMENTS[index] : undefined;
}

/** The role a RoleMRC system prompt names ("You are Sherlock Holmes, …", "Play the role of …"), else "the role". */
function roleName(system: string): string {
  const match = /\b(?:you are|you're|play(?:ing)? the role of|act as|role-?play as)\s+([A-Z][\p{L}'’.-]*(?:\s+(?:[A-Z][\p{L}'’.-]*|of|the|de|von|van))*)/u.exec(system);
  return match?.[1]?.replace(/\s+(?:of|the|de|von|van)$/, '').trim() || 'the role';
}

/** The character's turn as the answer scorers read. */
export function agentAnswer(turn: { thought: string; action: string; speech: string }, answer: AgentAnswer): string {
  const acted = [turn.action.trim() ? `(${turn.action.trim()})` : '', turn.speech.trim()].filter(Boolean).join(' ');
  if (answer === 'speech') return turn.speech.trim();
  if (answer === 'act') return acted;
  return `<thinking>${turn.thought.trim()}</thinking>\n<acting>${acted}</acting>`;
}
