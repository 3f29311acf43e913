import { basename, dirname, resolve } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { readInputText } from '../text/index.ts';
import { SceneError, sceneInputFailure } from './errors.ts';
import { parseSceneText, readSceneFile, resolveScene, type ReadSceneOptions } from './scene-file.ts';
import type { ScenarioKind } from './scenario-kinds.ts';
import type { Scene, SceneFile } from './scene-schema.ts';

/**
 * The scene format released with CharacterBox (Wang et al., "CharacterBox: Evaluating the Role-Playing Capabilities
 * of LLMs in Text-Based Virtual Worlds"): the input of its simulator (`data/extracted_scenes/*.json`).
 */
const text = z.union([z.string(), z.array(z.string())]).transform((value) => (Array.isArray(value) ? value.join('、') : value));
const id = z.union([z.number(), z.string()]);

const CharacterBoxCharacter = z.object({
  name: z.string().trim().min(1),
  gender: text.optional(),
  description: text.default(''),
  position: text.optional(),
  states: text.optional(),
}).loose();

const CharacterBoxAction = z.object({
  character: z.string().trim().min(1),
  action: text.optional(),
  /** The string "None" means no dialogue. */
  dialogue: text.optional(),
}).loose();

const CharacterBoxScene = z.object({
  id,
  event: z.string().default(''),
  time: text.optional(),
  location: text.optional(),
  description: text.optional(),
  characters: z.array(CharacterBoxCharacter).min(1),
  actions: z.array(CharacterBoxAction).default([]),
  plot: text.optional(),
  chunk: z.object({ id: id.optional() }).loose().optional(),
}).loose();
type CharacterBoxScene = z.infer<typeof CharacterBoxScene>;

const CharacterBoxFile = z.object({
  title: z.string(),
  scenes: z.array(CharacterBoxScene),
}).loose();

/** Whether `value` (parsed JSON) is a CharacterBox scene file. */
export function isCharacterBoxFile(value: unknown): boolean {
  return CharacterBoxFile.safeParse(value).success;
}

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '' && value.trim() !== 'None';
/** Strips the quote marks around a whole line of dialogue (“…”, 「…」, "…"); inner quotes stay. */
const unquote = (dialogue: string) => dialogue.trim().replace(/^“([^“”]*)”$|^「([^「」]*)」$|^"([^"]*)"$/s, (_, a, b, c) => a ?? b ?? c).trim();

/**
 * Converts a CharacterBox file into scene files, one per scene: the scene's characters become inline cast members,
 * their positions and states public setting, the seed actions the opening, and the plot the narrator's private
 * goal. The narrator directs turns; `turns.max` is two turns per character plus four for the ending.
 * @example characterBoxScenes(JSON.parse(text), { source: '西游记.json' })
 */
export function characterBoxScenes(value: unknown, options: { source: string }): SceneFile[] {
  const parsed = CharacterBoxFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SceneError('scene/characterbox', `${options.source}: not a CharacterBox scene file (${issue.path.join('.') || '(root)'}: ${issue.message}); expected {title, scenes: [{id, event, characters, actions, plot}]}`, { file: options.source });
  }
  return parsed.data.scenes.map((scene) => toSceneFile(parsed.data.title, scene, options.source));
}

function toSceneFile(book: string, scene: CharacterBoxScene, source: string): SceneFile {
  const setting = [
    present(scene.time) ? `Time: ${scene.time}` : undefined,
    present(scene.location) ? `Place: ${scene.location}` : undefined,
    present(scene.description) ? scene.description : undefined,
    ...scene.characters.map((character) => {
      const where = present(character.position) ? ` is at ${character.position}` : '';
      const feeling = present(character.states) ? `${where ? ',' : ''} feeling ${character.states}` : '';
      return where || feeling ? `${character.name}${where}${feeling}.` : undefined;
    }),
  ].filter((line): line is string => line !== undefined).join('\n');

  const opening: SceneFile['opening'] = scene.actions.flatMap((action) => [
    ...(present(action.action) ? [{ actor: action.character, kind: 'action' as const, text: action.action }] : []),
    ...(present(action.dialogue) && unquote(action.dialogue) ? [{ actor: action.character, kind: 'speech' as const, text: unquote(action.dialogue) }] : []),
  ]);

  const provenance = `Imported from CharacterBox: ${source}, scene ${scene.id}${scene.chunk?.id === undefined ? '' : `, from source passage (chunk) ${scene.chunk.id}`}.`;
  return {
    title: `${book}: ${scene.event || `scene ${scene.id}`}`,
    kind: 'conversation',
    params: {},
    ...(setting ? { setting } : {}),
    cast: scene.characters.map((character) => ({
      character: {
        name: character.name,
        description: [character.description, present(character.gender) ? `Gender: ${character.gender}` : undefined].filter(Boolean).join('\n'),
        personality: '', scenario: '', first_mes: '', mes_example: '', system_prompt: '', post_history_instructions: '',
      },
    })),
    narrator: {
      enabled: true,
      name: 'Narrator',
      perspective: 'omniscient',
      notes: [...(present(scene.plot) ? [`Plot to steer towards: ${scene.plot}`] : []), provenance],
      opens: false,
    },
    turns: { policy: 'narrator', max: 2 * scene.characters.length + 4, allowRepeat: false },
    stop: { narrator: true, allLeave: true },
    models: {},
    sampling: {},
    seed: 0,
    opening,
  };
}

/**
 * Reads scenes from a YAML scene file or a CharacterBox JSON file (all its scenes, or the one picked by id,
 * also written `FILE.json#ID`), each validated like a YAML scene.
 * @example const [scene] = await readSceneSource('xiyouji_extracted_scenes.json#3')
 */
export async function readSceneSource(path: string, options: ReadSceneOptions & { pick?: number | string } = {}): Promise<Scene[]> {
  const suffix = /^(.*)#([^#/\\]+)$/.exec(path);
  const file = suffix ? suffix[1] : path;
  const pick = options.pick ?? suffix?.[2];
  if (!/\.json$/i.test(file)) {
    if (pick !== undefined) throw new SceneError('scene/pick', `${path}: picking a scene by id works only for CharacterBox JSON files`, { file: path });
    return [await readSceneFile(file, options)];
  }

  const text = await readInputText(file, { kind: 'scene', maxBytes: options.maxBytes, fail: sceneInputFailure });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined; // not JSON: the YAML reader reports where it breaks
  }
  if (!isCharacterBoxFile(value)) {
    if (pick !== undefined) throw new SceneError('scene/pick', `${path}: not a CharacterBox file, so there is no scene to pick by id`, { file });
    return [await parseSceneText(text, { file, baseDir: dirname(resolve(file)), kinds: options.kinds, policies: options.policies, maxBytes: options.maxBytes })];
  }

  const scenes = characterBoxScenes(value, { source: basename(file) });
  const ids = CharacterBoxFile.parse(value).scenes.map((scene) => String(scene.id));
  const chosen = pick === undefined ? ids.map((_, index) => index) : ids.flatMap((sceneId, index) => (sceneId === String(pick) ? [index] : []));
  if (chosen.length === 0) {
    throw new SceneError('scene/pick', `${file}: no scene with id ${pick}; ids are ${ids.length > 12 ? `${ids.slice(0, 12).join(', ')}, …` : ids.join(', ')}`, { file });
  }
  return Promise.all(chosen.map((index) => resolveScene(scenes[index], { file: `${file}#${ids[index]}`, baseDir: dirname(resolve(file)), kinds: options.kinds, policies: options.policies, maxBytes: options.maxBytes })));
}

/** The scene as readable YAML (long text is never folded); keys left at an empty default are omitted. */
export function writeSceneYaml(scene: SceneFile): string {
  const cast = scene.cast.map((entry) => (entry.character === undefined ? entry : { ...entry, character: withoutEmpty(entry.character) }));
  return stringify(withoutEmpty({ ...scene, cast }), { lineWidth: 0 });
}

/** Drops keys whose value reads back as the same default: '', [], {} (inline character text fields default to ''). */
function withoutEmpty(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => !isEmpty(item) && item !== ''));
}

const isEmpty = (value: unknown) => value === undefined
  || (Array.isArray(value) && value.length === 0)
  || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
