import { describe, expect, it } from 'vitest';
import type { SceneEvent } from '../../src/events/index.ts';
import { defaultScenarioKinds, openSceneEpisode, parseSceneText, type Scene, type ScenarioKind, type SceneError } from '../../src/scene/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { promptText } from '../support/mock-models.ts';
import { roleOf, sceneModel } from '../support/scene-models.ts';

/** What the contract needs to know about a kind: params it accepts, and params it must refuse (with the field named). */
export interface ScenarioKindFixture {
  /** `params` values the kind accepts, as YAML flow mappings (`{}`, `{ topic: the mill }`); the first is used for runs. */
  valid: string[];
  /** `params` values the kind refuses, each with the field path its error names (`params.topic`). */
  invalid: { params: string; field: string }[];
}

const CAST = 'cast:\n  - character: { name: Ana, description: A miller. }\n  - character: { name: Bo, description: A smith. }\n  - character: { name: Cy, description: A priest. }\n';

/** A scene of the kind with these params (YAML), three inline characters and a narrator; `params` is on line 3. */
function yamlOf(kind: ScenarioKind, params: string, extra = ''): string {
  return `title: Contract\nkind: ${kind.name}\nparams: ${params}\n${CAST}narrator: { enabled: true }\nturns: { max: 6 }\n${extra}`;
}

function readScene(kind: ScenarioKind, params: string): Promise<Scene> {
  return parseSceneText(yamlOf(kind, params), { file: 'kind.yaml', baseDir: '.', kinds: [kind] });
}

async function sceneError(kind: ScenarioKind, params: string): Promise<SceneError> {
  const error = await readScene(kind, params).then(() => undefined, (e: unknown) => e as SceneError);
  expect(error, `params ${params} should be refused`).toBeDefined();
  return error!;
}

let seq = 0;
const event = (e: Omit<SceneEvent, 'id' | 'episodeId' | 'seq' | 'at'>): SceneEvent => ({ id: `k${++seq}`, episodeId: 'k', seq, at: '', ...e });

/** Every value of a metrics record is a finite number. */
function expectFiniteMetrics(metrics: Record<string, number>, what: string): void {
  expect(typeof metrics, what).toBe('object');
  for (const [name, value] of Object.entries(metrics)) expect(Number.isFinite(value), `${what}: ${name} = ${value}`).toBe(true);
}

/**
 * The behaviour every scenario kind must have, the shipped `conversation` and every kind added later: run it with
 * `runScenarioKindContract(kind, { valid, invalid })`. Scenes are read and run with mock models, nothing else.
 */
export function runScenarioKindContract(kind: ScenarioKind, fixture: ScenarioKindFixture): void {
  describe(`ScenarioKind contract: ${kind.name}`, () => {
    it('has a name, a description, and a unique name among the shipped kinds', () => {
      expect(kind.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(kind.description.trim()).not.toBe('');
      expect(defaultScenarioKinds.filter((other) => other.name === kind.name && other !== kind)).toEqual([]);
    });

    it('accepts its valid params, and keeps the parsed value as the scene\'s params', async () => {
      for (const params of fixture.valid) {
        const scene = await readScene(kind, params);
        expect(scene.kind).toBe(kind.name);
        expect(kind.params.safeParse(scene.params).success, `params ${params}`).toBe(true);
      }
    });

    it('refuses bad params at their line, naming the field (a misspelt key included)', async () => {
      const cases = [...fixture.invalid, { params: '{ surely_not_a_param: 1 }', field: 'params.surely_not_a_param' }];
      for (const { params, field } of cases) {
        const error = await sceneError(kind, params);
        expect(error.code, `params ${params}`).toBe('scene/invalid');
        expect(error.message, `params ${params}`).toContain(`kind.yaml:3: ${field}: `);
      }
    });

    it('gives rules as text or nothing, the same for the same scene', async () => {
      for (const params of fixture.valid) {
        const scene = await readScene(kind, params);
        const rules = kind.rules(scene);
        expect(rules === undefined || (typeof rules === 'string' && rules.trim() !== ''), `rules for ${params}: ${JSON.stringify(rules)}`).toBe(true);
        expect(kind.rules(scene)).toBe(rules);
      }
    });

    it('its rules reach every character and the narrator when the scene runs', async () => {
      for (const params of fixture.valid) {
        const scene = await readScene(kind, params);
        const rules = kind.rules(scene);
        if (rules === undefined) continue;
        const model = sceneModel({});
        const episode = await openSceneEpisode({ store: openSqliteStore(':memory:'), scene, episodeId: 'rules', seed: 1, models: { character: () => model, narrator: model }, kinds: [kind] });
        await episode.run();
        const roles = new Set(model.doStreamCalls.map((call) => roleOf(call.prompt)));
        expect([...roles].sort()).toEqual(['Ana', 'Bo', 'Cy', 'narrator']);
        // The prompt as JSON: the rules as a JSON string's contents.
        for (const call of model.doStreamCalls) expect(promptText(call), `${roleOf(call.prompt)}'s prompt`).toContain(JSON.stringify(rules).slice(1, -1));
      }
    });

    it('measures an empty log: finite numbers, never a throw', async () => {
      const scene = await readScene(kind, fixture.valid[0]);
      expectFiniteMetrics(kind.metrics(scene, []), 'empty log');
    });

    it('measures a finished episode: finite numbers, the same twice, whatever the log holds', async () => {
      const scene = await readScene(kind, fixture.valid[0]);
      const model = sceneModel({ characters: (name, call) => ({ speech: `${name} says something (${call}), Bo.`, action: call === 1 ? 'nods' : '', to: call === 0 ? 'Cy' : '', leave: name === 'Cy' && call === 1 }) });
      const episode = await openSceneEpisode({ store: openSqliteStore(':memory:'), scene, episodeId: 'metrics', seed: 3, models: { character: () => model, narrator: model }, kinds: [kind] });
      await episode.run();
      const metrics = kind.metrics(scene, episode.log);
      expectFiniteMetrics(metrics, 'finished episode');
      expect(Object.keys(metrics).length).toBeGreaterThan(0);
      expect(kind.metrics(scene, episode.log)).toEqual(metrics);
      // Events a log may hold that the kind did not write: a stranger's lines, empty texts, odd data.
      const odd = [
        ...episode.log,
        event({ kind: 'speech', actor: 'Stranger', text: 'Who are you all?', visibility: 'all' }),
        event({ kind: 'speech', actor: 'Ana', text: '', visibility: { only: ['Ana', 'Bo'] }, data: { to: 'Bo' } }),
        event({ kind: 'system', actor: 'system', text: '', visibility: { only: [] }, data: { warning: 42 } }),
      ];
      expectFiniteMetrics(kind.metrics(scene, odd), 'log with odd events');
    });
  });
}
