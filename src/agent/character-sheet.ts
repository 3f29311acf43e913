import { type BigFive, type Character, renderMacros, type MacroContext } from '../character/index.ts';
import { outputInstructions, type OutputMode, type SceneMoves } from './turn-output.ts';

export interface SheetOptions {
  userName: string;
  mode: OutputMode;
  /** Private setup given by a scene (extra secrets, goals), on top of the card's own. */
  privateSetup?: { secrets?: string[]; goals?: string[]; notes?: string[] };
  /** Seed for `{{pick}}` so the sheet is identical on every turn of a session. */
  pickSeed: string;
  /** In a scene: who else is there, the shared setting, the scenario's rules and the whisper/leave moves. */
  scene?: SceneContext;
  /** The "How to reply" section (default true); a judge reading the sheet needs no output format. */
  replyRules?: boolean;
}

export interface SceneContext {
  title: string;
  /** What everyone knows about the place and the moment. */
  setting?: string;
  /** The other cast members. */
  others: string[];
  /** The narrator's name when the scene has one. */
  narrator?: string;
  /** Rules of the scenario kind (a debate's topic...). */
  rules?: string;
  moves?: SceneMoves;
}

const level = (value: number) => (value >= 0.67 ? 'high' : value <= 0.33 ? 'low' : 'moderate');

function describeBigFive(bigFive: BigFive): string {
  return Object.entries(bigFive).map(([trait, value]) => `${trait} ${level(value)} (${value.toFixed(2)})`).join(', ');
}

const alignmentText: Record<string, string> = {
  paragon: 'You are a paragon: principled and good, even when it costs you.',
  flawed: 'You are flawed: you mean well but have real faults that show under pressure.',
  egoist: 'You are an egoist: you put yourself first and bend rules for your own gain.',
  villain: 'You are a villain: you pursue harmful ends and do not pretend otherwise in your thoughts.',
};

/** States what the character cannot know, so it abstains instead of leaking outside knowledge. */
export function knowledgeLimitsText(character: Character): string | undefined {
  const k = character.knowledge;
  if (!k) return undefined;
  const lines: string[] = [];
  if (k.era) lines.push(`You live in ${k.era}. You know nothing of later times, people, inventions or events.`);
  if (k.deathDate) lines.push(`You died ${/^\d{1,4}( (BC|BCE|AD|CE))?$/.test(k.deathDate.trim()) ? 'in' : 'on'} ${k.deathDate}. You know nothing that happened after that date; if asked, say you do not know, in character.`);
  if (k.canon) lines.push(`You are the version of ${character.name} from ${k.canon}. You know only what that version knows.`);
  for (const limit of k.limits ?? []) lines.push(limit);
  lines.push('When asked about something beyond what you could know, react as the character would (confusion, ignorance, a guess framed as a guess); never use knowledge from outside your world.');
  return lines.join('\n');
}

/**
 * The fixed system prompt of a session: character sheet, private setup and output rules.
 * It must not change turn by turn (it is the start of the stable prompt prefix).
 */
export function buildCharacterSheet(character: Character, options: SheetOptions): string {
  const macro: MacroContext = { char: character.name, user: options.userName, pickSeed: options.pickSeed };
  const render = (text: string) => renderMacros(text, macro).trim();
  const sections: string[] = [];
  const scene = options.scene;
  const company = scene
    ? `in the scene "${scene.title}" with ${scene.others.length ? scene.others.join(', ') : 'nobody else'}${scene.narrator ? ` (${scene.narrator} narrates what happens around you)` : ''}`
    : `in an ongoing role-play with ${options.userName}`;
  const defaultIntro = `You are ${character.name}, ${company}. Stay in character at all times: speak, think and act only as ${character.name} would.`;
  sections.push(character.system_prompt.trim() ? renderMacros(character.system_prompt, { ...macro, original: defaultIntro }).trim() : defaultIntro);

  const add = (title: string, body: string | undefined) => {
    if (body && body.trim()) sections.push(`## ${title}\n${body.trim()}`);
  };
  add(`Who ${character.name} is`, render(character.description));
  add('Personality', [
    render(character.personality),
    character.bigFive && `Big Five: ${describeBigFive(character.bigFive)}.`,
    character.alignment && alignmentText[character.alignment],
  ].filter(Boolean).join('\n'));
  add('Speaking style', character.speakingStyle && render(character.speakingStyle));
  if (scene?.setting?.trim()) add('The scene', render(scene.setting));
  else add('Scenario', render(character.scenario));
  add('Rules of this scene', scene?.rules);
  add('What you cannot know', knowledgeLimitsText(character));
  const secrets = [...(character.secrets ?? []), ...(options.privateSetup?.secrets ?? [])];
  add('Your secrets (private: reveal them only if and when the character would)', secrets.map((s) => `- ${render(s)}`).join('\n'));
  const goals = [...(character.goals ?? []), ...(options.privateSetup?.goals ?? [])];
  add('Your goals', goals.map((g) => `- ${render(g)}`).join('\n'));
  add('Private notes', (options.privateSetup?.notes ?? []).map((n) => `- ${render(n)}`).join('\n'));
  add('Example of how you talk', render(character.mes_example.replace(/<START>/gi, '---')));
  if (options.replyRules !== false) add('How to reply', [
    `Each turn, first think as ${character.name} (your hidden mental state), then act, then speak.`,
    outputInstructions(options.mode, scene?.moves),
  ].join('\n'));
  return sections.join('\n\n');
}
