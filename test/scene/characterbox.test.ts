import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { characterBoxScenes, readSceneSource } from '../../src/scene/characterbox.ts';
import { repoRoot, tempDir } from '../support/cli.ts';
import { describeCharacterBoxFile } from './characterbox-suite.ts';

const fixture = join(repoRoot, 'test', 'fixtures', 'characterbox', 'lantern_fair_scenes.json');

describeCharacterBoxFile('the invented file', {
  path: fixture,
  scenes: 3,
  castTotal: 7,
  first: {
    title: 'The Lantern Fair: A stall knocked over',
    cast: ['Ada Brennan', 'Jonas Pike'],
    firstDescription: 'A lamp-maker with soot on her sleeves and a quick temper; her lanterns are the best in the county.\nGender: female',
    setting: 'Time: The first evening of the Lantern Fair\nPlace: The market square of Wickham\n'
      + 'Paper lanterns sway on strings between the stalls; the smell of roasted chestnuts hangs over the crowd.\n'
      + 'Ada Brennan is at her overturned stall, feeling angry, anxious.\nJonas Pike is at the edge of the crowd, feeling watchful、tired.',
    opening: [
      { actor: 'Ada Brennan', kind: 'action', text: 'Ada kneels among the broken glass, gathering what is left of her best lantern.' },
      { actor: 'Ada Brennan', kind: 'speech', text: 'Somebody pushed this stall over, and I want to know who!' },
      { actor: 'Jonas Pike', kind: 'action', text: 'Jonas steps through the crowd and raises a hand for quiet.' },
      { actor: 'Jonas Pike', kind: 'speech', text: 'Nobody leaves the square until I have heard from everyone.' },
      { actor: 'Ada Brennan', kind: 'action', text: 'Ada points at a boy running towards the river.' },
    ],
    notes: [
      'Plot to steer towards: Ada and Jonas look for whoever overturned the stall, and find that the culprit was a runaway goat chased by a frightened boy.',
      'Imported from CharacterBox: lantern_fair_scenes.json, scene 0, from source passage (chunk) 4.',
    ],
    sourceOnly: 'sold twice that morning',
  },
  pick: 2,
  knownIds: /no scene with id 99; ids are 0, 1, 2$/,
  yamlRoundTrip: [0, 1, 2],
});

describe('CharacterBox scenes', () => {
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

  it('falls back to the scene reader for YAML and non-CharacterBox JSON', async () => {
    const dir = tempDir();
    const json = join(dir, 'scene.json');
    writeFileSync(json, JSON.stringify({ title: 'T', cast: [{ character: { name: 'Ann' } }, { character: { name: 'Bob' } }] }));
    expect((await readSceneSource(json)).map((scene) => scene.title)).toEqual(['T']);
    await expect(readSceneSource(`${json}#1`)).rejects.toMatchObject({ code: 'scene/pick' });
  });
});
