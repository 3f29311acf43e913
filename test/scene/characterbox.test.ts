import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { characterBoxScenes, isCharacterBoxFile, readSceneSource, writeSceneYaml } from '../../src/scene/characterbox.ts';
import { SceneError } from '../../src/scene/errors.ts';
import { parseSceneText, resolveScene } from '../../src/scene/scene-file.ts';
import { sharedData, tempDir } from '../support/cli.ts';

const file = sharedData('characterbox', 'xiyouji_extracted_scenes.json');
const raw = () => JSON.parse(readFileSync(file, 'utf8')) as { title: string; scenes: Array<Record<string, unknown>> };

describe('CharacterBox scenes', () => {
  it('recognises the format', () => {
    expect(isCharacterBoxFile(raw())).toBe(true);
    expect(isCharacterBoxFile({ title: 'T', cast: [] })).toBe(false);
    expect(isCharacterBoxFile(null)).toBe(false);
    expect(() => characterBoxScenes({ title: 'T' }, { source: 'x.json' })).toThrow(SceneError);
  });

  it('reads all 46 scenes of the shared file, each a valid scene', async () => {
    const scenes = await readSceneSource(file);
    expect(scenes).toHaveLength(46);
    for (const scene of scenes) {
      expect(scene.turns.policy).toBe('narrator');
      expect(scene.turns.max).toBe(2 * scene.cast.length + 4);
      expect(scene.narrator).toMatchObject({ perspective: 'omniscient', opens: false });
    }
    expect(scenes.reduce((sum, scene) => sum + scene.cast.length, 0)).toBe(120);
  });

  it('maps the first scene: cast, public setting, seed actions as the opening, plot for the narrator', async () => {
    const [scene] = await readSceneSource(file, { pick: 0 });
    expect(scene.title).toBe('西游记: 山谷误会');
    expect(scene.file).toBe(`${file}#0`);
    expect(scene.cast.map((member) => member.name)).toEqual(['孙悟空', '猪八戒']);
    expect(scene.cast[0].character.description).toBe('神通广大的美猴王，身披锁子黄金甲，手持如意金箍棒。\nGender: 男');
    expect(scene.setting).toBe('Time: 唐僧师徒西行取经途中\nPlace: 荒僻山谷\n山谷幽深，云雾缭绕，奇花异草遍布，一派神秘景象。\n'
      + '孙悟空 is at 山谷巨石之上, feeling 警觉、好奇.\n猪八戒 is at 山谷小溪之畔, feeling 迷茫、饥饿.');
    expect(scene.opening).toEqual([
      { actor: '孙悟空', kind: 'action', text: '孙悟空眼观六路，耳听八方，发现猪八戒，误以为又是妖怪变化，挥舞金箍棒准备迎敌。' },
      { actor: '孙悟空', kind: 'speech', text: '何处来的妖怪，敢挡你孙爷爷的去路！' },
      { actor: '猪八戒', kind: 'action', text: '猪八戒正饥肠辘辘，听到孙悟空的喊声，本能地举起钉耙自卫。' },
      { actor: '猪八戒', kind: 'speech', text: '何人敢与天蓬元帅为敌？' },
    ]);
    expect(scene.narrator?.notes).toEqual([
      'Plot to steer towards: 孙悟空与猪八戒在荒僻山谷的偶遇，因误会而起的冲突，最终在师徒情谊的感召下化解，继续西行取经之路。',
      'Imported from CharacterBox: xiyouji_extracted_scenes.json, scene 0, from source passage (chunk) 31.',
    ]);
    expect(JSON.stringify(scene)).not.toContain('火眼金睛'); // the source passage stays out
  });

  it('picks a scene with FILE.json#ID and refuses an unknown id', async () => {
    const scenes = await readSceneSource(`${file}#3`);
    expect(scenes).toHaveLength(1);
    expect(scenes[0].file).toBe(`${file}#3`);
    expect(scenes[0].title).toBe(`西游记: ${raw().scenes[3].event as string}`);
    await expect(readSceneSource(`${file}#99`)).rejects.toMatchObject({ code: 'scene/pick', message: expect.stringMatching(/no scene with id 99; ids are 0, 1, 2/) });
  });

  it('drops "None" dialogue and strips only whole-line quote marks', () => {
    const data = {
      title: 'The Matrix',
      scenes: [{
        id: 7, event: 'Red pill', time: 'night', location: 'a hotel room', description: 'Rain.',
        characters: [
          { id: 0, name: 'Neo', gender: 'male', description: 'A hacker.', position: 'armchair', states: 'confused' },
          { id: 1, name: 'Morpheus', gender: 'male', description: 'A captain.', position: 'standing', states: ['calm', 'certain'] },
        ],
        actions: [
          { action_id: 0, character: 'Morpheus', character_id: 1, action: 'Opens his hand.', dialogue: '“Take the “red” pill.”' },
          { action_id: 1, character: 'Neo', character_id: 0, action: 'Stares.', dialogue: 'None' },
        ],
        plot: 'Neo chooses.',
        chunk: { id: 2, text: 'long source text' },
      }],
    };
    const [scene] = characterBoxScenes(data, { source: 'matrix.json' });
    expect(scene.opening).toEqual([
      { actor: 'Morpheus', kind: 'action', text: 'Opens his hand.' },
      { actor: 'Morpheus', kind: 'speech', text: '“Take the “red” pill.”' },
      { actor: 'Neo', kind: 'action', text: 'Stares.' },
    ]);
    expect(scene.setting).toContain('Morpheus is at standing, feeling calm、certain.');
    expect(JSON.stringify(scene)).not.toContain('long source text');
  });

  it('writes YAML that reads back as the same scene', async () => {
    const dir = tempDir();
    const sceneFiles = characterBoxScenes(raw(), { source: 'xiyouji_extracted_scenes.json' });
    for (const index of [0, 17, 45]) {
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

  it('falls back to the scene reader for YAML and non-CharacterBox JSON', async () => {
    const dir = tempDir();
    const json = join(dir, 'scene.json');
    writeFileSync(json, JSON.stringify({ title: 'T', cast: [{ character: { name: 'Ann' } }, { character: { name: 'Bob' } }] }));
    expect((await readSceneSource(json)).map((scene) => scene.title)).toEqual(['T']);
    await expect(readSceneSource(`${json}#1`)).rejects.toMatchObject({ code: 'scene/pick' });
  });
});
