import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SceneEvent } from '../../src/events/index.ts';
import { characterBoxScenes, isCharacterBoxFile, readSceneSource, writeSceneYaml } from '../../src/scene/characterbox.ts';
import { SceneError } from '../../src/scene/errors.ts';
import { parseSceneText, resolveScene } from '../../src/scene/scene-file.ts';
import type { Scene } from '../../src/scene/scene-schema.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';

/**
 * A CharacterBox scene file read, imported and run: the repository's invented file (test/fixtures/characterbox) and a
 * released one (the real-data suite) go through the same tests, each with its own figures.
 */
export interface CharacterBoxFile {
  path: string;
  scenes: number;
  /** Character slots over all scenes. */
  castTotal: number;
  /** The first scene as imported. */
  first: {
    title: string;
    cast: string[];
    firstDescription: string;
    setting: string;
    opening: Scene['opening'];
    notes: string[];
    /** Text of the source passage (chunk), which the import leaves out. */
    sourceOnly: string;
  };
  /** A scene id to pick with FILE.json#ID. */
  pick: number;
  /** What refusing an unknown id lists. */
  knownIds: RegExp;
  /** Scenes whose YAML must read back the same. */
  yamlRoundTrip: number[];
}

export function describeCharacterBoxFile(title: string, file: CharacterBoxFile): void {
  const raw = () => JSON.parse(readFileSync(file.path, 'utf8')) as { title: string; scenes: Array<Record<string, unknown>> };

  describe(`CharacterBox scenes (${title})`, () => {
    it('recognises the format', () => {
      expect(isCharacterBoxFile(raw())).toBe(true);
      expect(isCharacterBoxFile({ title: 'T', cast: [] })).toBe(false);
      expect(isCharacterBoxFile(null)).toBe(false);
      expect(() => characterBoxScenes({ title: 'T' }, { source: 'x.json' })).toThrow(SceneError);
    });

    it('reads every scene of the file, each a valid scene', async () => {
      const scenes = await readSceneSource(file.path);
      expect(scenes).toHaveLength(file.scenes);
      for (const scene of scenes) {
        expect(scene.turns.policy).toBe('narrator');
        expect(scene.turns.max).toBe(2 * scene.cast.length + 4);
        expect(scene.narrator).toMatchObject({ perspective: 'omniscient', opens: false });
      }
      expect(scenes.reduce((sum, scene) => sum + scene.cast.length, 0)).toBe(file.castTotal);
    });

    it('maps the first scene: cast, public setting, seed actions as the opening, plot for the narrator', async () => {
      const [scene] = await readSceneSource(file.path, { pick: 0 });
      expect(scene.title).toBe(file.first.title);
      expect(scene.file).toBe(`${file.path}#0`);
      expect(scene.cast.map((member) => member.name)).toEqual(file.first.cast);
      expect(scene.cast[0].character.description).toBe(file.first.firstDescription);
      expect(scene.setting).toBe(file.first.setting);
      expect(scene.opening).toEqual(file.first.opening);
      expect(scene.narrator?.notes).toEqual(file.first.notes);
      expect(JSON.stringify(scene)).not.toContain(file.first.sourceOnly); // the source passage stays out
    });

    it('picks a scene with FILE.json#ID and refuses an unknown id', async () => {
      const scenes = await readSceneSource(`${file.path}#${file.pick}`);
      expect(scenes).toHaveLength(1);
      expect(scenes[0].file).toBe(`${file.path}#${file.pick}`);
      expect(scenes[0].title).toBe(`${raw().title}: ${raw().scenes.find((scene) => scene.id === file.pick)!.event as string}`);
      await expect(readSceneSource(`${file.path}#99`)).rejects.toMatchObject({ code: 'scene/pick', message: expect.stringMatching(file.knownIds) });
    });

    it('writes YAML that reads back as the same scene', async () => {
      const dir = tempDir();
      const sceneFiles = characterBoxScenes(raw(), { source: basename(file.path) });
      for (const index of file.yamlRoundTrip) {
        const yaml = writeSceneYaml(sceneFiles[index]);
        expect(yaml).not.toMatch(/^(params|models|sampling): \{\}$/m);
        const path = join(dir, `scene-${index}.yaml`);
        writeFileSync(path, yaml);
        const fromYaml = await parseSceneText(yaml, { file: path, baseDir: dir });
        const direct = await resolveScene(sceneFiles[index], { file: path, baseDir: dir });
        expect(fromYaml).toEqual(direct);
        const [fromSource] = await readSceneSource(path);
        expect(fromSource).toEqual(direct);
      }
    });
  });

  describe(`dramatis scene import (${title})`, () => {
    let fake: FakeLlm;
    beforeAll(async () => { fake = await startFakeLlm(); });
    afterAll(async () => { await fake.close(); });
    const cli = (dir: string, ...args: string[]) => runCli(args, { cwd: dir, env: {} });

    it('writes one YAML scene per CharacterBox scene, and an imported scene runs', async () => {
      const dir = tempDir();
      const result = await cli(dir, 'scene', 'import', file.path, '--out', 'imported');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`wrote ${file.scenes} scene(s) to imported`);
      const files = readdirSync(join(dir, 'imported')).filter((f) => f.endsWith('.yaml'));
      expect(files).toHaveLength(file.scenes);
      expect(existsSync(join(dir, 'imported', 'scene-0.yaml'))).toBe(true);

      const valid = await cli(dir, 'scene', 'validate', join('imported', 'scene-0.yaml'));
      expect(valid.code).toBe(0);
      const run = await cli(dir, 'scene', 'run', join('imported', 'scene-0.yaml'), '--model', 'openai-compatible:fake', '--base-url', fake.url, '--run-id', 'x0', '--quiet');
      expect(run.stderr).not.toContain('error');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^run x0: 1 done, 0 failed/m);
      const shown = await cli(dir, 'scene', 'show', 'x0-e0', '--json');
      expect(shown.stderr).toBe('');
      expect(shown.code).toBe(0);
      const { events } = JSON.parse(shown.stdout) as { events: SceneEvent[] };
      expect(events.filter((e) => e.kind === 'speech').length).toBeGreaterThan(0);
    });
  });
}
