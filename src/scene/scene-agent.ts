import type { LanguageModelV3 } from '@ai-sdk/provider';
import { type AgentMemory, buildCharacterSheet, CharacterAgent, type OutputMode, type SceneContext } from '../agent/index.ts';
import type { TokenCounter } from '../text/index.ts';
import { SceneError } from './errors.ts';
import { defaultScenarioKinds, findScenarioKind, type ScenarioKind } from './scenario-kinds.ts';
import type { Scene } from './scene-schema.ts';

// How a cast member of a scene becomes a character agent: one place, so that an episode's turns and a turn asked
// again of another model (a judge's baseline) build the same prompt.

/** What every prompt of a scene adds: the scenario kind's rules and, when the scene has one, its stop phrase. */
export function sceneRules(scene: Scene, kinds: readonly ScenarioKind[] = defaultScenarioKinds): string | undefined {
  const kind = findScenarioKind(scene.kind, kinds);
  if (!kind) throw new SceneError('scene/unknown-kind', `"${scene.title}" is of the scenario kind "${scene.kind}", which this episode was not given; known kinds: ${kinds.map((k) => k.name).join(', ')}`);
  const phrase = scene.stop.phrase;
  // Nobody says a stop phrase they were never told about.
  return [
    kind.rules(scene),
    phrase && `When the scene has clearly come to its end, include "${phrase}" in what you say.`,
  ].filter(Boolean).join('\n') || undefined;
}

/** How one cast member is played in one episode. */
export interface SceneAgentSettings {
  model: LanguageModelV3;
  mode: OutputMode;
  /** The episode's seed: `{{pick}}` macros and the models' sampling seed. */
  seed: number;
  /** `sceneRules(scene)`, computed once per episode. */
  rules: string | undefined;
  contextTokens?: number;
  countTokens?: TokenCounter;
  turnTimeoutMs?: number;
  memory?: AgentMemory;
}

/** The cast member `name` as its episode's agent: its sheet, private setup, the scene's context and moves. */
export function createSceneAgent(scene: Scene, name: string, settings: SceneAgentSettings): CharacterAgent {
  const member = castMember(scene, name);
  const sampling = scene.sampling;
  const definedLimits = Object.fromEntries(Object.entries({
    contextTokens: settings.contextTokens, countTokens: settings.countTokens, turnTimeoutMs: settings.turnTimeoutMs,
  }).filter(([, value]) => value !== undefined));
  return new CharacterAgent({
    character: member.character,
    model: settings.model,
    userName: othersOf(scene, name).join(' and ') || 'nobody',
    mode: settings.mode,
    pickSeed: String(settings.seed),
    privateSetup: member.privateSetup,
    scene: sceneContext(scene, name, settings.rules),
    ...definedLimits,
    replyTokens: sampling.maxOutputTokens,
    temperature: sampling.temperature,
    topP: sampling.topP,
    seed: settings.seed,
    memory: settings.memory,
  });
}

/**
 * The cast member's character sheet as its agent is given it in an episode with this seed (its own secrets and
 * goals included, nobody else's), without the output format: what a judge reads about the character.
 */
export function sceneCharacterSheet(scene: Scene, name: string, seed: number): string {
  const member = castMember(scene, name);
  return buildCharacterSheet(member.character, {
    userName: othersOf(scene, name).join(' and ') || 'nobody', mode: 'json', pickSeed: String(seed), privateSetup: member.privateSetup,
    scene: sceneContext(scene, name, sceneRules(scene)), replyRules: false,
  });
}

function castMember(scene: Scene, name: string): Scene['cast'][number] {
  const member = scene.cast.find((c) => c.name === name);
  if (!member) throw new SceneError('scene/unknown-name', `no cast member named '${name}' in "${scene.title}"`);
  return member;
}

function othersOf(scene: Scene, name: string): string[] {
  return scene.cast.map((c) => c.name).filter((n) => n !== name);
}

function sceneContext(scene: Scene, name: string, rules: string | undefined): SceneContext {
  const others = othersOf(scene, name);
  return {
    title: scene.title, setting: scene.setting, others, narrator: scene.narrator?.name, rules,
    moves: { whisperTo: others, canLeave: scene.stop.allLeave },
  };
}
