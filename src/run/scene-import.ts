import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { characterBoxScenes, isCharacterBoxFile, sceneInputFailure, writeSceneYaml } from '../scene/index.ts';
import { readInputText } from '../text/index.ts';
import { RunError } from './errors.ts';

/**
 * Converts a CharacterBox extracted-scenes file into one runnable YAML scene per scene (`scene-ID.yaml` in
 * `outDir`, made if missing); a file of another shape is refused (`run/wrong-file`).
 * @example const { files } = await importCharacterBoxScenes('xiyouji_extracted_scenes.json', { outDir: 'scenes/xiyouji' })
 */
export async function importCharacterBoxScenes(file: string, options: { outDir: string; cwd?: string; maxBytes?: number }): Promise<{ files: string[] }> {
  const cwd = options.cwd ?? process.cwd();
  const text = await readInputText(resolve(cwd, file), { kind: 'scene', maxBytes: options.maxBytes, fail: sceneInputFailure });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isCharacterBoxFile(value)) {
    throw new RunError('run/wrong-file', `${file} is not a CharacterBox scene file (JSON: { title, scenes: [...] })`);
  }
  const scenes = characterBoxScenes(value, { source: file });
  const dir = resolve(cwd, options.outDir);
  await mkdir(dir, { recursive: true });
  const ids = (value as { scenes: { id: unknown }[] }).scenes.map((scene) => String(scene.id));
  const files: string[] = [];
  for (const [index, scene] of scenes.entries()) {
    const path = join(dir, `scene-${ids[index] ?? index}.yaml`);
    await writeFile(path, writeSceneYaml(scene));
    files.push(path);
  }
  return { files };
}
