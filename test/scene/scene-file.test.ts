import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SceneError } from '../../src/scene/errors.ts';
import { conversationKind, defaultScenarioKinds } from '../../src/scene/scenario-kinds.ts';
import { parseSceneText, readSceneFile } from '../../src/scene/scene-file.ts';
import { repoRoot, tempDir } from '../support/cli.ts';

const examples = join(repoRoot, 'examples');
const parse = (text: string) => parseSceneText(text, { file: 'scene.yaml', baseDir: examples });

async function sceneError(run: Promise<unknown>): Promise<SceneError> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(SceneError);
    return error as SceneError;
  }
  throw new Error('expected a SceneError');
}

const twoInline = `title: T
cast:
  - character: { name: Ann }
  - character: { name: Bob }
`;

describe('scene files', () => {
  it('loads every example scene', async () => {
    for (const name of ['lighthouse', 'debate', 'heist']) {
      const scene = await readSceneFile(join(examples, 'scenes', `${name}.yaml`));
      expect(scene.cast.length).toBeGreaterThan(1);
      expect(scene.file).toBe(join(examples, 'scenes', `${name}.yaml`));
    }
  });

  it('resolves the lighthouse scene: card relative to the file, inline character, private setup, narrator', async () => {
    const scene = await readSceneFile(join(examples, 'scenes', 'lighthouse.yaml'));
    expect(scene).toMatchObject({
      title: "The keeper's secret", kind: 'conversation', seed: 7,
      turns: { policy: 'round-robin', max: 12, order: ['Mirela', 'Tomas'], allowRepeat: false },
      stop: { phrase: '[END]', narrator: true, allLeave: true },
      models: { default: 'openai:gpt-4o-mini', characters: {} },
      narrator: { name: 'Narrator', style: 'terse and gothic', perspective: 'omniscient', notes: [], opens: true },
      opening: [],
    });
    const [mirela, tomas] = scene.cast;
    expect(mirela).toMatchObject({
      name: 'Mirela', source: join(examples, 'cards', 'mirela.png'), talkativeness: 0.5,
      privateSetup: { secrets: ['She signals the smugglers from the lamp room.'], goals: ['Keep the visitor out of the lamp room'], notes: [] },
    });
    expect(mirela.character.personality).toContain('Guarded');
    expect(tomas.source).toBe('inline');
    expect(tomas.privateSetup.secrets).toEqual(["He is Ilie's son and suspects her."]);
    // an inline character is a full card character, every V3 field present
    expect(tomas.character).toMatchObject({
      name: 'Tomas', description: 'A customs officer from Constanța.', personality: '', creator_notes: '', alternate_greetings: [],
      tags: [], creator: '', character_version: '', extensions: {}, group_only_greetings: [],
    });
  });

  it('builds private notes from opinions, relationships and notes; turn order and models by name', async () => {
    const scene = await parse(`title: T
cast:
  - character: { name: Ann, secrets: [card-level secret], bigFive: { openness: 0.1, conscientiousness: 0.2, extraversion: 0.3, agreeableness: 0.4, neuroticism: 0.5 } }
    secret: one
    secrets: [two]
    opinions: Sell it.
    relationships: { bob: A fool. }
    notes: Speak last.
    talkativeness: 0.9
    model: ollama:a
  - character: { name: Bob }
  - character: { name: Cy }
turns: { order: [cy, Ann] }
models: { narrator: openai:n, characters: { BOB: openai:b } }
narrator: { name: Teller, notes: Steer to a vote. }
opening:
  - text: Dusk.
  - { actor: bob, text: Hello., to: ann }
  - { actor: Teller, text: Psst., to: [Cy] }
  - { actor: Ann, kind: action, text: waves }
`);
    expect(scene.cast[0]).toMatchObject({
      talkativeness: 0.9, model: 'ollama:a',
      privateSetup: { secrets: ['one', 'two'], goals: [], notes: ['Your private opinion: Sell it.', 'About Bob: A fool.', 'Speak last.'] },
    });
    expect(scene.cast[0].character.secrets).toEqual(['card-level secret']);
    expect(scene.cast[0].character.bigFive?.openness).toBe(0.1);
    expect(scene.cast[1].model).toBe('openai:b');
    expect(scene.cast[2].model).toBeUndefined();
    expect(scene.turns.order).toEqual(['Cy', 'Ann', 'Bob']);
    expect(scene.models.characters).toEqual({ Bob: 'openai:b' });
    expect(scene.narrator).toMatchObject({ name: 'Teller', model: 'openai:n', notes: ['Steer to a vote.'] });
    expect(scene.opening).toEqual([
      { actor: 'narrator', kind: 'narration', text: 'Dusk.' },
      { actor: 'Bob', kind: 'speech', text: 'Hello.', to: ['Ann'] },
      { actor: 'narrator', kind: 'narration', text: 'Psst.', to: ['Cy'] },
      { actor: 'Ann', kind: 'action', text: 'waves' },
    ]);
  });

  it('leaves the narrator out when it is missing or disabled', async () => {
    expect((await parse(twoInline)).narrator).toBeUndefined();
    expect((await parse(`${twoInline}narrator: { enabled: false, style: x }\n`)).narrator).toBeUndefined();
  });

  it('reports a YAML syntax error with file, line and column', async () => {
    const error = await sceneError(parse('title: T\ncast: [a\nseed: 1\n'));
    expect(error.code).toBe('scene/yaml');
    expect(error.message).toMatch(/^scene\.yaml:\d+:\d+: /);
    expect(error.line).toBeGreaterThanOrEqual(2);
  });

  it('lists every schema problem with the line of the offending key', async () => {
    const error = await sceneError(parse(`${twoInline}turns:
  max: many
  bogus: 1
seed: -1
`));
    expect(error.code).toBe('scene/invalid');
    expect(error.problems).toEqual([
      'scene.yaml:6: turns.max: expected number, received string',
      'scene.yaml:7: turns.bogus: unknown key; allowed keys: policy, max, order, allowRepeat',
      'scene.yaml:8: seed: Too small: expected number to be >=0',
    ]);
    expect(error.message).toBe(error.problems.join('\n'));
    expect(error.line).toBe(6);
  });

  it('names a missing key at its parent and an unknown key inside a cast entry', async () => {
    const missing = await sceneError(parse('cast:\n  - character: { name: Ann }\n'));
    expect(missing.message).toBe('scene.yaml:1: title: required (expected string)');
    const unknown = await sceneError(parse(`title: T
cast:
  - character: { name: Ann }
    secert: typo
`));
    expect(unknown.message).toMatch(/^scene\.yaml:4: cast\[0\]\.secert: unknown key; allowed keys: card, character, secret, secrets/);
    const both = await sceneError(parse('title: T\ncast:\n  - secret: x\n'));
    expect(both.message).toBe('scene.yaml:3: cast[0]: a cast entry needs exactly one of `card` (a file) or `character` (inline)');
    const union = await sceneError(parse(`${twoInline}opening:\n  - { text: hi, to: 5 }\n`));
    expect(union.message).toBe('scene.yaml:6: opening[0].to: expected string or array, received number');
  });

  it('rejects an empty file', async () => {
    expect((await sceneError(parse(''))).message).toMatch(/the scene file is empty/);
  });

  it('checks the scenario kind and its params', async () => {
    const unknown = await sceneError(parse(`title: T\nkind: duel\n${twoInline.slice('title: T\n'.length)}`));
    expect(unknown.code).toBe('scene/unknown-kind');
    expect(unknown.message).toBe('scene.yaml:2: kind: unknown scenario kind "duel"; known kinds: conversation, debate');
    const params = await sceneError(parse(`${twoInline}params:\n  topic: 3\n  mood: dark\n`));
    expect(params.problems).toEqual([
      'scene.yaml:6: params.topic: expected string, received number',
      'scene.yaml:7: params.mood: unknown key; allowed keys: topic',
    ]);
    const scene = await parse(`${twoInline}params: { topic: the mill }\n`);
    expect(conversationKind.rules(scene)).toBe('The conversation is about: the mill.');
    expect(conversationKind.rules(await parse(twoInline))).toBeUndefined();
  });

  it('every shipped scenario kind accepts its required params alone and gives rules as text or nothing', async () => {
    expect(new Set(defaultScenarioKinds.map((kind) => kind.name)).size).toBe(defaultScenarioKinds.length);
    // The params each kind cannot do without (a debate needs its topic).
    const required: Record<string, string> = { debate: 'params: { topic: the mill should be sold }\n' };
    for (const kind of defaultScenarioKinds) {
      const scene = await parse(`${twoInline}kind: ${kind.name}\n${required[kind.name] ?? ''}`);
      expect(scene.kind).toBe(kind.name);
      expect(kind.description).not.toBe('');
      expect(['string', 'undefined']).toContain(typeof kind.rules(scene));
    }
  });

  it('reports unknown names in turns.order, opening and models.characters on their lines, listing the cast', async () => {
    const order = await sceneError(parse(`${twoInline}turns:\n  order: [Ann, Zed]\n`));
    expect(order.code).toBe('scene/unknown-name');
    expect(order.message).toBe('scene.yaml:6: turns.order[1]: "Zed" is not a cast member; cast names: Ann, Bob');
    const to = await sceneError(parse(`${twoInline}opening:
  - text: hello
  - text: psst
    to: [Bob, Zed]
`));
    expect(to.message).toMatch(/^scene\.yaml:8: opening\[1\]\.to\[1\]: "Zed" is not a cast member; cast names: Ann, Bob$/);
    const actor = await sceneError(parse(`${twoInline}opening:\n  - actor: Zed\n    text: hi\n`));
    expect(actor.message).toMatch(/^scene\.yaml:6: opening\[0\]\.actor: "Zed" is neither the narrator nor a cast member/);
    const models = await sceneError(parse(`${twoInline}models:
  default: a:b
  characters:
    Ann: a:c
    Zed: a:d
`));
    expect(models.message).toMatch(/^scene\.yaml:9: models\.characters\.Zed: "Zed" is not a cast member; cast names: Ann, Bob$/);
    const relation = await sceneError(parse(`title: T
cast:
  - character: { name: Ann }
    relationships:
      Zed: hm
  - character: { name: Bob }
`));
    expect(relation.message).toMatch(/^scene\.yaml:5: cast\[0\]\.relationships\.Zed: /);
  });

  it('requires unique names, keeps reserved names out of the cast and the narrator apart', async () => {
    const duplicate = await sceneError(parse('title: T\ncast:\n  - character: { name: Ann }\n  - character: { name: ann }\n'));
    expect(duplicate.code).toBe('scene/duplicate-name');
    expect(duplicate.message).toMatch(/^scene\.yaml:4: cast\[1\]: two cast members are named "ann"/);
    const reserved = await sceneError(parse('title: T\ncast:\n  - character: { name: Narrator }\n  - character: { name: Bob }\n'));
    expect(reserved.code).toBe('scene/reserved-name');
    const narrator = await sceneError(parse(`${twoInline}narrator: { name: Bob }\n`));
    expect(narrator.message).toMatch(/^scene\.yaml:5: narrator\.name: /);
  });

  it('refuses policies the cast or narrator cannot support', async () => {
    const one = 'title: T\ncast:\n  - character: { name: Ann }\n';
    for (const policy of ['natural', 'simultaneous']) {
      const error = await sceneError(parse(`${one}narrator: {}\nturns: { policy: ${policy} }\n`));
      expect(error.code).toBe('scene/policy');
      expect(error.message).toMatch(new RegExp(`^scene\\.yaml:5: turns\\.policy: the ${policy} policy needs at least two characters`));
    }
    expect((await sceneError(parse(one))).message).toMatch(/scene\.yaml:1: turns\.policy: a cast of one \(Ann\) without a narrator/);
    expect((await parse(`${one}narrator: {}\n`)).cast).toHaveLength(1);
    const narratorPolicy = await sceneError(parse(`${twoInline}turns: { policy: narrator }\n`));
    expect(narratorPolicy.message).toMatch(/^scene\.yaml:5: turns\.policy: the narrator policy needs a narrator/);
    expect((await sceneError(parse(`${twoInline}narrator: { enabled: false }\nturns: { policy: narrator }\n`))).code).toBe('scene/policy');
  });

  it('names the scene file and cast entry when a card fails to load', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'cards'));
    copyFileSync(join(examples, 'cards', 'mirela.png'), join(dir, 'cards', 'mirela.png'));
    writeFileSync(join(dir, 'cards', 'broken.json'), '{"spec": "chara_card_v3", "data": {"name": ""}}');
    const file = join(dir, 'scene.yaml');
    writeFileSync(file, 'title: T\ncast:\n  - card: cards/mirela.png\n  - card: cards/broken.json\n');
    const error = await sceneError(readSceneFile(file));
    expect(error.code).toBe('scene/card');
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: cast\\[1\\]: cannot load the card cards/broken\\.json: .*name is missing or empty.*\\(card/missing-name\\)$`));
    writeFileSync(file, 'title: T\ncast:\n  - card: cards/mirela.png\n  - card: cards/nope.png\n');
    expect((await sceneError(readSceneFile(file))).message).toMatch(/:4: cast\[1\]: cannot load the card cards\/nope\.png: .*\(card\/not-found\)$/);
  });

  it('reports an invalid inline character at its field', async () => {
    const error = await sceneError(parse(`title: T
cast:
  - character:
      name: Ann
      bigFive: { openness: 2 }
  - character: { name: Bob }
`));
    expect(error.code).toBe('scene/character');
    expect(error.message).toMatch(/^scene\.yaml:5: cast\[0\]\.character: invalid character card: bigFive/);
  });

  it('reports a missing scene file', async () => {
    const error = await sceneError(readSceneFile(join(tempDir(), 'nope.yaml')));
    expect(error.code).toBe('scene/not-found');
  });
});
