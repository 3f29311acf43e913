import type { LanguageModelV3 } from '@ai-sdk/provider';
import { CharacterAgent, thoughtText, type Thought } from '../agent/index.ts';
import { defineCharacter, type Character } from '../character/index.ts';
import { agentAnswer, EvalError, personaMapping, type BenchItem, type BenchmarkDefinition, type ChatTurn, type ItemPersona, type PersonaMapping } from '../eval/index.ts';
import type { SceneEvent } from '../events/index.ts';
import type { TokenCounter } from '../text/index.ts';

/** A benchmark run played by the character agent: kept in the run's meta, so a resume plays it the same way. */
export interface BenchAgentMeta {
  /** `--character CARD`: the card that plays every item (stored whole: a resume needs no card file). */
  card?: { path: string; character: Character };
}

/** The character's turn on an item, stored with the attempt: its private thought is part of the result. */
export interface AgentTurnRecord {
  character: string;
  thought: Thought;
  action: string;
  speech: string;
  repaired: boolean;
}

/** The agent setting of a definition (`agent: true` or templates) or of `--agent`, checked against its loader. */
export function benchPersonas(definition: BenchmarkDefinition, agent: BenchAgentMeta): PersonaMapping {
  const mapping = personaMapping(definition.dataset.loader, definition.agent && definition.agent !== true ? definition.agent : true);
  if (agent.card && !mapping.anyCharacter) {
    throw new EvalError('eval/bad-definition',
      `${definition.name}: every item asks for its own persona (${definition.dataset.loader}), so --character cannot play them; `
        + 'it works where the items do not depend on who answers (beyond-one-world-dilemma, or agent.anyCharacter: true in a benchmark file)');
  }
  return mapping;
}

const USER = 'User';

/** The character, the user's turn and the history an item is played with. */
export function itemPersona(mapping: PersonaMapping, agent: BenchAgentMeta, item: BenchItem, order: readonly number[] | undefined): { persona: ItemPersona; character: Character } {
  const persona = mapping.persona(item, order, agent.card?.character.name);
  return { persona, character: agent.card?.character ?? defineCharacter(persona.character) };
}

/** The episode the character sees for an item: the history, then the user's question (nothing stored). */
export function itemLog(persona: ItemPersona, character: string, itemId: string): SceneEvent[] {
  const turns: ChatTurn[] = [...persona.history, { role: 'user', content: persona.user }];
  const at = new Date(0).toISOString();
  return turns.map((turn, index) => ({
    id: `${itemId}:${index + 1}`, episodeId: itemId, seq: index + 1, at, kind: 'speech' as const,
    actor: turn.role === 'assistant' ? character : 'user', text: turn.content, visibility: 'all' as const, data: {},
  }));
}

export interface AgentPlayOptions {
  model: LanguageModelV3;
  seed: number;
  temperature?: number;
  contextTokens?: number;
  replyTokens?: number;
  countTokens?: TokenCounter;
  turnTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Plays one item as the character: one agent turn (the sheet, its lorebook, the thought structure) → the answer. */
export async function playItem(mapping: PersonaMapping, agent: BenchAgentMeta, item: BenchItem, order: readonly number[] | undefined, options: AgentPlayOptions): Promise<{ answer: string; turn: AgentTurnRecord }> {
  const { persona, character } = itemPersona(mapping, agent, item, order);
  const player = agentFor(character, options);
  const act = await player.act(itemLog(persona, character.name, item.id), [], { abortSignal: options.signal, seed: options.seed });
  const { thought, action, speech } = act.generated.output;
  return {
    answer: agentAnswer({ thought: thoughtText(thought), action, speech }, persona.answer),
    turn: { character: character.name, thought, action, speech, repaired: act.generated.repaired },
  };
}

/** The prompt an item was (or would be) played with, rebuilt without a model call (for drill-downs). */
export function agentPrompt(mapping: PersonaMapping, agent: BenchAgentMeta, item: BenchItem, order: readonly number[] | undefined): ChatTurn[] {
  const { persona, character } = itemPersona(mapping, agent, item, order);
  // Nothing is counted: the prompt is only rebuilt as text (a report rebuilds one per item).
  const player = agentFor(character, { model: UNCALLED, seed: 0, countTokens: () => 0 });
  const prepared = player.preparePrompt(itemLog(persona, character.name, item.id), [], { countTokens: false });
  return prepared.messages.map((message) => ({
    role: message.role === 'tool' ? 'user' : message.role,
    content: typeof message.content === 'string' ? message.content : message.content.map((part) => ('text' in part ? part.text : '')).join(''),
  }));
}

function agentFor(character: Character, options: Omit<AgentPlayOptions, 'signal'>): CharacterAgent {
  return new CharacterAgent({
    character, model: options.model, userName: USER, mode: 'json', pickSeed: character.name, seed: options.seed, temperature: options.temperature,
    contextTokens: options.contextTokens, replyTokens: options.replyTokens, countTokens: options.countTokens, turnTimeoutMs: options.turnTimeoutMs,
  });
}

/** A model that is never called: `preparePrompt` only builds text. */
const UNCALLED: LanguageModelV3 = {
  specificationVersion: 'v3', provider: 'none', modelId: 'none', supportedUrls: {},
  doGenerate: () => Promise.reject(new Error('not called')),
  doStream: () => Promise.reject(new Error('not called')),
};
