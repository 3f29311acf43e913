import { describe, expect, it } from 'vitest';
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { LlmError } from '../../src/llm/errors.ts';
import { openSceneEpisode } from '../../src/scene/scene-episode.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import type { SceneEvent } from '../../src/events/index.ts';
import { roleOf, sceneFromYaml, sceneModel, type CharacterReply } from '../support/scene-models.ts';

const yaml = `title: Retry
cast:
  - character: { name: Ana, description: A miller. }
  - character: { name: Bo, description: A smith. }
narrator: { enabled: true }
turns: { policy: round-robin, max: 6 }
`;

/** Replies that depend only on the prompt (not on how many calls came before), so a retried turn says the same. */
const byPrompt = (name: string, options: LanguageModelV3CallOptions): CharacterReply => ({
  speech: `${name} answers ${options.prompt.length} messages.`, belief: `${name} has read ${options.prompt.length} messages`,
});
const cut = () => new LlmError('llm/stream-cut', 'fake: the reply stream broke off after 40 characters: terminated');

async function run(model: ReturnType<typeof sceneModel>, options: { retries?: number; seed?: number } = {}) {
  const store = openSqliteStore(':memory:');
  const scene = await sceneFromYaml(yaml);
  const warnings: string[] = [];
  const episode = await openSceneEpisode({
    store, scene, episodeId: 'ep', seed: options.seed ?? 5, models: { character: () => model, narrator: model },
    turnRetry: { retries: options.retries, sleep: async () => {} },
  });
  const outcome = episode.run({ onWarning: (w) => warnings.push(w) });
  return { store, episode, outcome, warnings };
}

const script = (events: readonly SceneEvent[]) => events.map((e) => [e.actor, e.kind, e.text, e.data?.turn]);

describe('scene steps retried as whole turns', () => {
  it('a step whose call fails transiently is taken again; the failed attempts leave nothing in the log or state', async () => {
    const clean = await run(sceneModel({ characters: (name, _call, options) => byPrompt(name, options) }));
    await clean.outcome;

    // Bo's second turn is cut twice, the narrator's second turn outlasts its call's retries once.
    const model = sceneModel({
      characters: (name, call, options) => (name === 'Bo' && (call === 1 || call === 2) ? cut() : byPrompt(name, options)),
      narrator: (call) => (call === 1 ? new LlmError('llm/rate-limited', 'fake: rate limited after 5 attempts (last status HTTP 429)') : {}),
    });
    const faulted = await run(model);
    const outcome = await faulted.outcome;
    expect(outcome).toMatchObject({ ended: 'max-turns', speechTurns: 6, turnRetries: 3 });
    expect(script(faulted.episode.log)).toEqual(script(clean.episode.log));
    expect(faulted.episode.log.map((e) => e.seq)).toEqual(faulted.episode.log.map((_, i) => i + 1));
    const retried = faulted.episode.log.filter((e) => e.data?.retries !== undefined).map((e) => [e.actor, e.kind, e.data?.retries]);
    expect(retried).toEqual([['narrator', 'narration', 1], ['Bo', 'speech', 2]]);
    expect(faulted.warnings).toEqual([
      expect.stringMatching(/^the narrator's turn \(t\d+\) failed: fake: rate limited after 5 attempts .*\[llm\/rate-limited\]; trying the turn again in \d+ ms \(turn retry 1 of 3\)$/),
      expect.stringMatching(/^Bo's turn \(t\d+\) failed: fake: the reply stream broke off .*\[llm\/stream-cut\]; .*\(turn retry 1 of 3\)$/),
      expect.stringMatching(/^Bo's turn \(t\d+\) failed: .*\(turn retry 2 of 3\)$/),
    ]);
    const stored = await faulted.store.getEpisode('ep');
    expect(stored?.meta).toMatchObject({ turnRetries: 3, state: { speechTurns: 6 } });
    expect(await faulted.store.listEvents('ep')).toEqual(faulted.episode.log);
  });

  it('a retry after invalid output asks with a new sampling seed; a retry after a cut stream keeps the seed', async () => {
    const model = sceneModel({
      characters: (name, call, options) => (name === 'Ana' && call < 2 ? 'not json' : name === 'Bo' && call === 0 ? cut() : byPrompt(name, options)),
    });
    const { outcome, episode } = await run(model, { seed: 5 });
    expect((await outcome).turnRetries).toBe(2);
    const seeds = (name: string) => model.doStreamCalls.filter((c) => roleOf(c.prompt) === name).map((c) => c.seed);
    // Ana: the reply and its repair were invalid (seed 5), then the retry samples with another seed, once.
    expect(seeds('Ana').slice(0, 3)).toEqual([5, 5, seeds('Ana')[2]]);
    expect(seeds('Ana')[2]).not.toBe(5);
    expect(seeds('Ana').slice(3).every((seed) => seed === 5)).toBe(true);
    expect(seeds('Bo').every((seed) => seed === 5)).toBe(true);
    expect(episode.log.find((e) => e.actor === 'Ana' && e.kind === 'speech')?.data).toMatchObject({ retries: 1 });
  });

  it('fails the episode with the last error once the retries are spent, and never retries a rejected request', async () => {
    const broken = await run(sceneModel({ characters: (name, _call, options) => (name === 'Bo' ? cut() : byPrompt(name, options)) }), { retries: 2 });
    await expect(broken.outcome).rejects.toMatchObject({ code: 'llm/stream-cut' });
    expect(broken.episode.turnRetries).toBe(2);
    expect(broken.warnings.at(-1)).toMatch(/^Bo's turn \(t\d+\) failed again after 2 turn retries; the episode stops here/);
    expect(broken.episode.log.filter((e) => e.actor === 'Bo')).toEqual([]);

    const rejected = sceneModel({ characters: (name, _call, options) => (name === 'Bo' ? new LlmError('llm/bad-request', 'fake: the request was rejected (last status HTTP 400)') : byPrompt(name, options)) });
    const refused = await run(rejected);
    await expect(refused.outcome).rejects.toMatchObject({ code: 'llm/bad-request' });
    expect(rejected.doStreamCalls.filter((c) => roleOf(c.prompt) === 'Bo')).toHaveLength(1);
    expect(refused.episode.turnRetries).toBe(0);
    expect(refused.warnings).toEqual([]);
  });

  it('a simultaneous round is taken again as a whole and committed once', async () => {
    const model = sceneModel({ characters: (name, call, options) => (name === 'Bo' && call === 0 ? cut() : byPrompt(name, options)) });
    const store = openSqliteStore(':memory:');
    const scene = await sceneFromYaml(yaml.replace('policy: round-robin, max: 6', 'policy: simultaneous, max: 4').replace('narrator: { enabled: true }\n', ''));
    const episode = await openSceneEpisode({ store, scene, episodeId: 's', seed: 1, models: { character: () => model }, turnRetry: { sleep: async () => {} } });
    expect(await episode.run()).toMatchObject({ speechTurns: 4, turnRetries: 1 });
    const speeches = episode.log.filter((e) => e.kind === 'speech').map((e) => [e.actor, e.data?.turn, e.data?.retries]);
    expect(speeches).toEqual([['Ana', 't2.1', 1], ['Bo', 't2.2', 1], ['Ana', 't3.1', undefined], ['Bo', 't3.2', undefined]]);
    // Ana's first answer was thrown away with the failed round: she was asked again.
    expect(model.doStreamCalls.filter((c) => roleOf(c.prompt) === 'Ana')).toHaveLength(3);
  });
});
