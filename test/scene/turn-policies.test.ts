import { describe, expect, it } from 'vitest';
import {
  defaultTurnPolicies, findTurnPolicy, naturalPolicy, narratorPolicy, openSceneEpisode, parseSceneText, roundRobinPolicy, simultaneousPolicy,
  TurnPolicyName, type SceneError, type TurnContext, type TurnPolicy,
} from '../../src/scene/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { sceneModel } from '../support/scene-models.ts';
import { runTurnPolicyContract, simulateTurns } from './turn-policy-contract.ts';

for (const policy of defaultTurnPolicies) runTurnPolicyContract(policy);

const speakers = (...names: string[]) => names.map((name) => ({ name, talkativeness: 0.5 }));
const context = (overrides: Partial<TurnContext> = {}): TurnContext => ({
  present: speakers('Ana', 'Bo', 'Cy'), order: ['Ana', 'Bo', 'Cy'], turnsLeft: 10, allowRepeat: false, narrator: true, seed: 1, step: 3, ...overrides,
});

describe('the shipped turn policies', () => {
  it('are the ones a scene file may name, found by name', () => {
    expect(defaultTurnPolicies.map((policy) => policy.name)).toEqual(TurnPolicyName.options);
    expect(findTurnPolicy('natural')).toBe(naturalPolicy);
    expect(findTurnPolicy('sideways')).toBeUndefined();
    expect(findTurnPolicy('natural', [roundRobinPolicy])).toBeUndefined();
  });

  it('round-robin follows turns.order, skipping those who left', () => {
    const steps = simulateTurns(roundRobinPolicy, { seed: 1, narrator: false, max: 8 });
    expect(steps.flatMap((s) => (s.choice.kind === 'characters' ? s.choice.names : []))).toEqual(['Cy', 'Ana', 'Dee Marsh', 'Bo', 'Cy', 'Ana', 'Dee Marsh', 'Bo']);
    expect(roundRobinPolicy.next(context({ present: speakers('Ana', 'Cy'), last: 'Ana' }))).toEqual({ kind: 'characters', names: ['Cy'] });
  });

  it('natural: a present character named in the last line speaks next; nobody twice in a row unless allowed', () => {
    expect(naturalPolicy.next(context({ last: 'Ana', lastHeard: 'Well, Cy?' }))).toEqual({ kind: 'characters', names: ['Cy'] });
    expect(naturalPolicy.next(context({ present: speakers('Ana', 'Bo'), last: 'Ana', lastHeard: 'Well, Cy?' }))).toEqual({ kind: 'characters', names: ['Bo'] });
    for (let step = 0; step < 50; step++) {
      const choice = naturalPolicy.next(context({ last: 'Bo', step }));
      expect(choice.kind === 'characters' && choice.names).not.toEqual(['Bo']);
    }
    const repeats = Array.from({ length: 50 }, (_, step) => naturalPolicy.next(context({ last: 'Bo', allowRepeat: true, step })));
    expect(repeats).toContainEqual({ kind: 'characters', names: ['Bo'] });
  });

  it('narrator: the narrator picks; its pick acts while present, and it is asked again for one who left', () => {
    expect(narratorPolicy.next(context())).toEqual({ kind: 'narrator' });
    expect(narratorPolicy.next(context({ narratorChoice: { speaker: 'Bo', reason: 'plot' }, last: 'Bo' }))).toEqual({ kind: 'characters', names: ['Bo'] });
    expect(narratorPolicy.next(context({ present: speakers('Ana', 'Cy'), narratorChoice: { speaker: 'Bo', reason: 'plot' } }))).toEqual({ kind: 'narrator' });
    expect(narratorPolicy.check({ cast: ['Ana', 'Bo'], narrator: false })).toEqual([expect.stringMatching(/^the narrator policy needs a narrator/)]);
  });

  it('simultaneous: everyone present at once in cast order, the last round cut to the turns left', () => {
    expect(simultaneousPolicy.next(context())).toEqual({ kind: 'characters', names: ['Ana', 'Bo', 'Cy'] });
    expect(simultaneousPolicy.next(context({ turnsLeft: 2 }))).toEqual({ kind: 'characters', names: ['Ana', 'Bo'] });
    expect(simultaneousPolicy.check({ cast: ['Ana'], narrator: true })).toEqual([expect.stringMatching(/^the simultaneous policy needs at least two characters/)]);
  });
});

/** A plugin: the quietest present character speaks (ties to the earlier in cast order). */
const quietestFirst: TurnPolicy = {
  name: 'quietest-first',
  description: 'the least talkative present character speaks next',
  narratorDirects: false,
  check: ({ cast }) => (cast.length < 2 ? ['the quietest-first policy needs at least two characters'] : []),
  next: (context) => ({ kind: 'characters', names: [[...context.present].sort((a, b) => a.talkativeness - b.talkativeness)[0].name] }),
};

runTurnPolicyContract(quietestFirst);

describe('a turn policy plugin', () => {
  const yaml = 'title: Q\ncast:\n  - character: { name: Ana }\n    talkativeness: 0.9\n  - character: { name: Bo }\n    talkativeness: 0.1\nturns: { policy: quietest-first, max: 3 }\n';

  it('is refused by a reader that does not know it, naming the known policies at the line', async () => {
    const error = await parseSceneText(yaml, { file: 'q.yaml', baseDir: '.' }).catch((e: SceneError) => e);
    expect(error).toMatchObject({ code: 'scene/policy', line: 7 });
    expect((error as Error).message).toBe('q.yaml:7: turns.policy: unknown turn policy "quietest-first"; known policies: round-robin, natural, narrator, simultaneous');
  });

  it('runs when the reader and the episode are given it; an episode not given it refuses to start', async () => {
    const scene = await parseSceneText(yaml, { file: 'q.yaml', baseDir: '.', policies: [...defaultTurnPolicies, quietestFirst] });
    expect(scene.turns.policy).toBe('quietest-first');
    const model = sceneModel({});
    const store = openSqliteStore(':memory:');
    await expect(openSceneEpisode({ store, scene, episodeId: 'refused', seed: 1, models: { character: () => model } }))
      .rejects.toMatchObject({ code: 'scene/policy', message: expect.stringContaining('"quietest-first", which this episode was not given') });
    const episode = await openSceneEpisode({ store, scene, episodeId: 'q', seed: 1, models: { character: () => model }, policies: [quietestFirst] });
    await episode.run();
    expect(episode.log.filter((e) => e.kind === 'speech').map((e) => e.actor)).toEqual(['Bo', 'Bo', 'Bo']);
  });

  it('a plugin that picks someone absent fails the step clearly instead of running a ghost', async () => {
    const ghost: TurnPolicy = { ...quietestFirst, name: 'ghost', next: () => ({ kind: 'characters', names: ['Zed'] }) };
    const scene = await parseSceneText(yaml.replace('quietest-first', 'ghost'), { file: 'g.yaml', baseDir: '.', policies: [ghost] });
    const model = sceneModel({});
    const episode = await openSceneEpisode({ store: openSqliteStore(':memory:'), scene, episodeId: 'g', seed: 1, models: { character: () => model }, policies: [ghost] });
    await expect(episode.run()).rejects.toMatchObject({ code: 'scene/policy', message: 'the turn policy "ghost" picked "Zed", who is not present at step 2 of "Q"; present: Ana, Bo' });
  });
});
