import { z } from 'zod';
import type { BenchItem } from '../item.ts';
import { arrayOf, dataError, parseDataJson, readDataText, uniqueIds, validateRecords } from './read-data.ts';
import type { DatasetLoader } from './types.ts';

const ENVIRONMENT = 'Environment';
const Index = z.union([z.number().int(), z.string().min(1)]);

/** A key character; `morality_classification` is what Moral RolePlay adds to the CoSER scene format. */
const KeyCharacter = z.looseObject({
  name: z.string().min(1),
  thought: z.string().optional(),
  morality_classification: z.looseObject({
    level: z.number().int().min(1, 'expected a moral level 1–4').max(4, 'expected a moral level 1–4'),
    key_traits: z.array(z.string()).default([]),
  }).optional(),
});

/** One released scene (`RolePlay_Villain_test.json`), field names as released; unknown fields are kept. */
const Scene = z.looseObject({
  book: z.string().min(1),
  i_c: Index,
  scenario: z.string().min(1),
  topic: z.string().optional(),
  plot: z.looseObject({
    i_p: Index,
    summary: z.string(),
    key_characters: z.array(z.looseObject({ name: z.string(), description: z.string().optional() })).default([]),
  }),
  character_profiles: z.record(z.string(), z.string()).default({}),
  dialogues: z.array(z.looseObject({ character: z.string().min(1), message: z.string() })),
  speaking_characters_w_env: z.array(z.string()),
  major_characters: z.array(z.string()),
  key_characters: z.array(KeyCharacter),
});
type Scene = z.infer<typeof Scene>;

/** The authors' `remove_inner_thoughts`: drops `[thoughts]`, trims lines, collapses blank lines (and the double space a thought leaves). */
export function removeInnerThoughts(message: string): string {
  return message.replace(/\[[\s\S]*?\]/g, '').replace(/[ \t]{2,}/g, ' ').split('\n').map((line) => line.trim()).join('\n').replace(/\n+/g, '\n').trim();
}

/** `Name: message`, as the authors prefix each simulated turn (`add_speaker_name`), unless already prefixed. */
export function withSpeaker(message: string, speaker: string): string {
  const prefixed = message.split('\n').some((line) => line.trim().startsWith(`${speaker}:`) || line.trim().startsWith(`${speaker}：`));
  return prefixed ? message : `${speaker}: ${message}`;
}

/** A character's profile as the authors assemble it: the plot's description of them, then their profile. */
function profileOf(scene: Scene, name: string): string {
  const profile = scene.character_profiles[name] ?? '';
  const description = scene.plot.key_characters.find((c) => c.name === name)?.description;
  return (description ? `${description.replace(/^\n+|\n+$/g, '')}\n\n${profile.replace(/^\n+|\n+$/g, '')}` : profile).trim();
}

/** The speaking characters' non-empty profiles, in speaking order. */
function involvedProfiles(scene: Scene): [string, string][] {
  return scene.speaking_characters_w_env
    .filter((name) => name !== ENVIRONMENT)
    .map((name): [string, string] => [name, profileOf(scene, name)])
    .filter(([, profile]) => profile !== '');
}

/** The reference dialogue as the judge sees it (`Name: message`, characters' thoughts removed). */
function originalConversation(scene: Scene): string {
  return scene.dialogues
    .map((d) => `${d.character}: ${d.character === ENVIRONMENT ? d.message : removeInnerThoughts(d.message)}`.replace(/^\n+|\n+$/g, ''))
    .join('\n\n');
}

/** The released dialogue before the character's first line (all of it if they never speak), as others' turns are shown to an actor. */
function conversationBefore(scene: Scene, name: string): string {
  const first = scene.dialogues.findIndex((d) => d.character === name);
  return scene.dialogues
    .slice(0, first === -1 ? undefined : first)
    .map((d) => removeInnerThoughts(withSpeaker(d.message, d.character)))
    .join('\n\n');
}

export const moralRolePlayLoader: DatasetLoader = {
  name: 'moral-roleplay',
  title: 'Moral RolePlay',
  source: 'https://github.com/Tencent/digitalhuman/tree/main/RolePlay_Villain (data: huggingface.co/datasets/Zihao1/Moral-RolePlay; Yi et al. 2025, arXiv:2511.04962)',
  format: 'a JSON array of CoSER-style scenes {book, i_c, scenario, plot {i_p, summary, key_characters}, character_profiles, dialogues [{character, message}], '
    + 'speaking_characters_w_env, major_characters, key_characters [{name, thought, morality_classification {level 1–4, key_traits}}]}; '
    + 'one item per speaking key character with a moral level',
  categories: ['moral_level', 'book', 'character', 'traits'],
  async load(path, options) {
    const data = arrayOf(parseDataJson(await readDataText(path, this, options), path, this), 'scenes', path, this);
    const scenes = validateRecords(data, Scene, path, this);
    const items = scenes.flatMap((scene, index) => toItems(scene, index + 1));
    if (items.length === 0) {
      throw dataError([`${path}: no speaking key character has key_characters[].morality_classification.level, so there is nothing to role-play`], this);
    }
    return uniqueIds(items);
  },
};

function toItems(scene: Scene, record: number): BenchItem[] {
  const profiles = involvedProfiles(scene);
  const reference = originalConversation(scene);
  return scene.key_characters.flatMap((character): BenchItem[] => {
    const moral = character.morality_classification;
    if (!moral || !scene.speaking_characters_w_env.includes(character.name)) return [];
    const others = profiles.filter(([name]) => name !== character.name).map(([name, profile]) => `${name}: ${profile}\n\n`).join('');
    const traits = moral.key_traits.join(', ');
    return [{
      id: `${scene.book}-${scene.plot.i_p}-${scene.i_c}/${character.name}`,
      record,
      vars: {
        character: character.name,
        book: scene.book,
        profile: profileOf(scene, character.name),
        scenario: scene.scenario,
        other_profiles: others ? `===Information about the other Characters===\n${others}\n\n` : '',
        thought: character.thought ? `===Your Inner Thoughts===\n${character.thought}\n\n` : '',
        conversation: conversationBefore(scene, character.name),
        topic: scene.topic ?? '',
        traits,
      },
      reference,
      categories: { moral_level: moral.level, book: scene.book, character: character.name, traits },
      meta: {
        moralLevel: moral.level,
        traits: moral.key_traits,
        plotSummary: scene.plot.summary,
        characterProfiles: profiles.map(([name, profile]) => `### ${name}\n\n${profile}`).join('\n\n'),
      },
    }];
  });
}
