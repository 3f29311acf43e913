import { describe, expect, it } from 'vitest';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { openSceneEpisode } from '../../src/scene/scene-episode.ts';
import type { Scene } from '../../src/scene/scene-schema.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';
import type { SceneEvent } from '../../src/events/index.ts';
import { promptText } from '../support/mock-models.ts';
import { lastMessage, roleOf, sceneFromYaml, sceneModel } from '../support/scene-models.ts';

const cast3 = `
cast:
  - character: { name: Ana, description: A miller. }
    secret: ANA-SECRET the mill is mortgaged.
  - character: { name: Bo, description: A smith. }
    secret: BO-SECRET he forged the deed.
  - character: { name: Cy, description: A priest. }
`;

async function episodeOf(yaml: string, model: LanguageModelV3, store: Store = openSqliteStore(':memory:'), id = 'ep', seed = 1) {
  const scene = await sceneFromYaml(yaml);
  const episode = await openSceneEpisode({ store, scene, episodeId: id, seed, models: { character: () => model, narrator: model } });
  return { scene, episode, store };
}

const speeches = (log: readonly SceneEvent[], scene: Scene) => log.filter((e) => e.kind === 'speech' && scene.cast.some((c) => c.name === e.actor));
const speakers = (log: readonly SceneEvent[], scene: Scene) => speeches(log, scene).map((e) => e.actor);

describe('scene episodes', () => {
  it('round-robin: each cast member in order, the narrator once a round, stops after turns.max speech turns', async () => {
    const model = sceneModel({});
    const { scene, episode } = await episodeOf(`title: RR\n${cast3}narrator: { enabled: true }\nturns: { policy: round-robin, max: 5 }\n`, model);
    const outcome = await episode.run();
    expect(outcome).toMatchObject({ ended: 'max-turns', speechTurns: 5 });
    expect(speakers(episode.log, scene)).toEqual(['Ana', 'Bo', 'Cy', 'Ana', 'Bo']);
    const order = episode.log.filter((e) => e.kind === 'speech' || e.kind === 'narration').map((e) => (e.actor === 'narrator' ? 'N' : e.actor[0]));
    expect(order.join('')).toBe('NABCNAB');
    expect(episode.log.at(-1)).toMatchObject({ kind: 'system', data: { end: { reason: 'max-turns' } } });
  });

  it('stores each thought as private to its actor and turns carry round numbers', async () => {
    const { episode } = await episodeOf(`title: T\n${cast3}turns: { max: 4 }\n`, sceneModel({}));
    await episode.run();
    const thoughts = episode.log.filter((e) => e.kind === 'thought');
    expect(thoughts).toHaveLength(4);
    for (const t of thoughts) expect(t.visibility).toEqual({ only: [t.actor] });
    expect(episode.log.filter((e) => e.kind === 'speech').map((e) => e.data?.round)).toEqual([1, 1, 1, 2]);
  });

  it('natural: a character named in the last line speaks next; nobody twice in a row', async () => {
    const model = sceneModel({ characters: (name) => ({ speech: name === 'Ana' ? 'What do you say, Cy?' : name === 'Cy' ? 'Ana is right.' : 'Hm.' }) });
    const { scene, episode } = await episodeOf(`title: N\n${cast3}turns: { policy: natural, max: 8 }\n`, model);
    await episode.run();
    const order = speakers(episode.log, scene);
    order.forEach((name, i) => {
      if (i > 0) expect(name).not.toBe(order[i - 1]);
      if (order[i - 1] === 'Ana') expect(name).toBe('Cy');
      if (order[i - 1] === 'Cy') expect(name).toBe('Ana');
    });
  });

  it('natural: the weighted draw follows talkativeness and the seed', async () => {
    const yaml = `title: W
cast:
  - { character: { name: Ana }, talkativeness: 1 }
  - { character: { name: Bo }, talkativeness: 0 }
  - { character: { name: Cy }, talkativeness: 1 }
turns: { policy: natural, max: 30 }
`;
    const run = async (seed: number) => {
      const { scene, episode } = await episodeOf(yaml, sceneModel({ characters: () => ({ speech: 'Hm.' }) }), openSqliteStore(':memory:'), 'ep', seed);
      await episode.run();
      return speakers(episode.log, scene);
    };
    const a = await run(3);
    expect(await run(3)).toEqual(a);
    expect(a.filter((n) => n === 'Bo').length).toBeLessThan(5);
    expect(a.filter((n) => n === 'Ana').length).toBeGreaterThan(8);
  });

  it('narrator-directed: the narrator picks each speaker with a private reason', async () => {
    const picks = ['Cy', 'Ana', 'Cy'];
    const model = sceneModel({ narrator: (call) => ({ narration: `Beat ${call}.`, next: { speaker: picks[call % 3], reason: `REASON-${call} about ANA-SECRET` } }) });
    const { scene, episode } = await episodeOf(`title: D\n${cast3}narrator: { enabled: true, opens: false }\nturns: { policy: narrator, max: 3 }\n`, model);
    await episode.run();
    expect(speakers(episode.log, scene)).toEqual(['Cy', 'Ana', 'Cy']);
    const choice = episode.log.find((e) => e.kind === 'system' && e.actor === 'narrator');
    expect(choice).toMatchObject({ visibility: { only: ['narrator'] }, data: { next: { speaker: 'Cy' } } });
    for (const call of model.doStreamCalls.filter((c) => roleOf(c.prompt) !== 'narrator')) expect(promptText(call)).not.toContain('REASON-');
  });

  it('narrator-directed: a non-existent speaker is repaired once, then falls back to round-robin with a warning', async () => {
    const model = sceneModel({ narrator: () => ({ narration: 'Fog.', next: { speaker: 'Zed', reason: 'r' } }) });
    const warnings: string[] = [];
    const { scene, episode } = await episodeOf(`title: F\n${cast3}narrator: { enabled: true, opens: false }\nturns: { policy: narrator, max: 2 }\n`, model);
    await episode.run({ onWarning: (w) => warnings.push(w) });
    expect(speakers(episode.log, scene)).toEqual(['Ana', 'Bo']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/Zed.*round-robin/s);
    const narratorCalls = model.doStreamCalls.filter((c) => roleOf(c.prompt) === 'narrator');
    expect(narratorCalls).toHaveLength(4);
    expect(lastMessage(narratorCalls[1].prompt)).toMatch(/'Zed', who is not present; choose one of Ana, Bo, Cy/);
    const warning = episode.log.find((e) => e.data?.warning);
    expect(warning?.visibility).toEqual({ only: [] });
  });

  it('simultaneous: everyone acts on the same log and the moves are revealed together', async () => {
    const model = sceneModel({ characters: (name, call) => ({ speech: `MOVE-${name}-${call}` }) });
    const { scene, episode } = await episodeOf(`title: S\n${cast3}turns: { policy: simultaneous, max: 6 }\n`, model);
    await episode.run();
    expect(speakers(episode.log, scene)).toEqual(['Ana', 'Bo', 'Cy', 'Ana', 'Bo', 'Cy']);
    for (const call of model.doStreamCalls) {
      const text = promptText(call);
      // In round 1 nobody sees a move of round 1; in round 2 everyone sees all of round 1 and none of round 2.
      const round = text.includes('MOVE-Ana-0') ? 2 : 1;
      for (const name of ['Ana', 'Bo', 'Cy']) {
        expect(text.includes(`MOVE-${name}-0`)).toBe(round === 2);
        expect(text).not.toContain(`MOVE-${name}-1`);
      }
    }
    const firstRound = speeches(episode.log, scene).slice(0, 3);
    expect(new Set(firstRound.map((e) => e.data?.turn)).size).toBe(3);
    expect(firstRound.every((e) => e.data?.simultaneous === true)).toBe(true);
  });

  it('a whisper is heard only by its addressee; others see no text of it', async () => {
    const model = sceneModel({ characters: (name, call) => (name === 'Ana' && call === 0 ? { speech: 'WHISPER-TEXT meet me at the mill', to: 'Bo', action: 'leans close to Bo' } : { speech: 'Hm.' }) });
    const { episode } = await episodeOf(`title: Wh\n${cast3}turns: { max: 3 }\n`, model);
    await episode.run();
    const whisper = episode.log.find((e) => e.text.startsWith('WHISPER-TEXT'))!;
    expect(whisper.visibility).toEqual({ only: ['Ana', 'Bo'] });
    expect(whisper.data?.to).toEqual(['Bo']);
    const byRole = (name: string) => model.doStreamCalls.filter((c) => roleOf(c.prompt) === name).map(promptText).join('\n');
    expect(byRole('Bo')).toContain('Ana (whispering to you): WHISPER-TEXT');
    expect(byRole('Cy')).not.toContain('WHISPER-TEXT');
    expect(byRole('Cy')).toContain('leans close to Bo');
  });

  it('private narration reaches only its addressee', async () => {
    const model = sceneModel({ narrator: (call) => ({ narration: `Public ${call}.`, private: [{ to: 'Bo', text: `PRIVATE-FOR-BO-${call}` }] }) });
    const { episode } = await episodeOf(`title: P\n${cast3}narrator: { enabled: true }\nturns: { max: 3 }\n`, model);
    await episode.run();
    expect(episode.log.find((e) => e.text === 'PRIVATE-FOR-BO-0')).toMatchObject({ kind: 'narration', visibility: { only: ['Bo'] }, data: { private: true } });
    const prompts = (name: string) => model.doStreamCalls.filter((c) => roleOf(c.prompt) === name).map(promptText).join('\n');
    expect(prompts('Bo')).toContain('[Narration, for you only] PRIVATE-FOR-BO-0');
    expect(prompts('Ana')).not.toContain('PRIVATE-FOR-BO');
    expect(prompts('Cy')).not.toContain('PRIVATE-FOR-BO');
  });

  it('private narration may address several characters', async () => {
    const model = sceneModel({ narrator: () => ({ narration: '', private: [{ to: ['Ana', 'Bo'], text: 'PAIR-ASIDE the bell rings twice' }] }) });
    const { episode } = await episodeOf(`title: P2\n${cast3}narrator: { enabled: true }\nturns: { max: 3 }\n`, model);
    await episode.run();
    expect(episode.log.find((e) => e.text === 'PAIR-ASIDE the bell rings twice')?.visibility).toEqual({ only: ['Ana', 'Bo'] });
    const prompts = (name: string) => model.doStreamCalls.filter((c) => roleOf(c.prompt) === name).map(promptText).join('\n');
    expect(prompts('Ana')).toContain('[Narration, for you and Bo] PAIR-ASIDE');
    expect(prompts('Cy')).not.toContain('PAIR-ASIDE');
  });

  it('a whisper to someone not in the scene is an invalid turn: repaired once, then the turn is retried, then the step fails', async () => {
    const tagged = (to: string) => `<thought>belief: b</thought><speech>psst</speech><to>${to}</to><leave>no</leave>`;
    const model = sceneModel({ characters: (_name, call) => tagged(call === 0 ? 'Zed' : 'Bo') });
    const store = openSqliteStore(':memory:');
    const scene = await sceneFromYaml(`title: Z\n${cast3}turns: { max: 1 }\n`);
    const episode = await openSceneEpisode({ store, scene, episodeId: 'z', seed: 1, mode: 'tagged', models: { character: () => model } });
    await episode.run();
    expect(episode.log.find((e) => e.kind === 'speech')).toMatchObject({ text: 'psst', visibility: { only: ['Ana', 'Bo'] }, data: { repaired: true } });
    const failing = sceneModel({ characters: () => tagged('Zed') });
    const again = await openSceneEpisode({ store, scene, episodeId: 'z2', seed: 1, mode: 'tagged', models: { character: () => failing }, turnRetry: { sleep: async () => {} } });
    await expect(again.run()).rejects.toMatchObject({ code: 'agent/invalid-output' });
    // The reply and its repair, on the first attempt and on each of the 3 turn retries.
    expect(failing.doStreamCalls).toHaveLength(8);
    expect(again.turnRetries).toBe(3);
    expect((await store.listEvents('z2')).filter((e) => e.kind !== 'system')).toEqual([]);
  });

  it('stops on the stop phrase, on the narrator ending it, and when everyone has left', async () => {
    const told = sceneModel({ characters: (name) => ({ speech: name === 'Bo' ? 'Enough. [END]' : 'Hm.' }) });
    const phrase = await episodeOf(`title: Ph\n${cast3}stop: { phrase: "[END]" }\n`, told);
    expect((await phrase.episode.run()).ended).toBe('phrase');
    expect(String(told.doStreamCalls[0].prompt[0].content)).toContain('include "[END]" in what you say');
    expect(phrase.episode.current.speechTurns).toBe(2);

    const ends = await episodeOf(`title: E\n${cast3}narrator: { enabled: true }\n`, sceneModel({ narrator: (call) => ({ end: call === 1 }) }));
    expect((await ends.episode.run()).ended).toBe('narrator');

    const leave = await episodeOf(`title: L\n${cast3}turns: { max: 20 }\n`, sceneModel({ characters: () => ({ speech: 'Goodbye.', leave: true }) }));
    const outcome = await leave.episode.run();
    expect(outcome).toMatchObject({ ended: 'all-left', speechTurns: 3 });
    expect(leave.episode.log.filter((e) => e.data?.left === true).map((e) => e.actor)).toEqual(['Ana', 'Bo', 'Cy']);
  });

  it('characters cannot leave when stop.allLeave is false', async () => {
    const { episode } = await episodeOf(`title: NL\n${cast3}turns: { max: 4 }\nstop: { allLeave: false }\n`, sceneModel({ characters: () => ({ speech: 'Bye.', leave: true }) }));
    expect((await episode.run()).ended).toBe('max-turns');
    expect(episode.log.some((e) => e.data?.left)).toBe(false);
  });

  it('a failing model fails the step with nothing stored; reopening continues exactly where it stopped', async () => {
    const store = openSqliteStore(':memory:');
    let fail = true;
    const model = sceneModel({ characters: (name, call) => (fail && name === 'Bo' && call === 1 ? new Error('boom') : { speech: `${name} line ${call}` }) });
    const { scene, episode } = await episodeOf(`title: R\n${cast3}turns: { max: 6 }\n`, model, store, 'ep-r');
    await expect(episode.run()).rejects.toThrow(/boom/);
    const before = await store.listEvents('ep-r');
    expect(speakers(before, scene)).toEqual(['Ana', 'Bo', 'Cy', 'Ana']);
    fail = false;
    const reopened = await openSceneEpisode({ store, scene, episodeId: 'ep-r', seed: 1, models: { character: () => model } });
    await reopened.run();
    const after = await store.listEvents('ep-r');
    expect(after.slice(0, before.length)).toEqual(before);
    expect(speakers(after, scene)).toEqual(['Ana', 'Bo', 'Cy', 'Ana', 'Bo', 'Cy']);
    expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
    expect((await store.getEpisode('ep-r'))?.status).toBe('done');
  });

  it('the same seed and the same replies give an identical log', async () => {
    const yaml = `title: Same\n${cast3}narrator: { enabled: true }\nturns: { policy: natural, max: 6 }\n`;
    const reply = (name: string, _call: number, options: { prompt: unknown }) => ({ speech: `${name} answers ${JSON.stringify(options.prompt).length % 7}` });
    const logOf = async (id: string) => {
      const { episode } = await episodeOf(yaml, sceneModel({ characters: reply }), openSqliteStore(':memory:'), id, 42);
      await episode.run();
      return episode.log.map(({ kind, actor, text, data, visibility, seq }) => ({ kind, actor, text, data, visibility, seq }));
    };
    expect(await logOf('one')).toEqual(await logOf('two'));
  });

  it('long scenes compact the history of every character and of the narrator in whole blocks', async () => {
    const model = sceneModel({ characters: (name, call) => ({ speech: `${name} rambles on about the weather for a while, turn ${call}. `.repeat(4) }) });
    const store = openSqliteStore(':memory:');
    const scene = await sceneFromYaml(`title: Long\n${cast3}narrator: { enabled: true }\nturns: { max: 30 }\n`);
    const episode = await openSceneEpisode({ store, scene, episodeId: 'long', seed: 1, contextTokens: 2000, models: { character: () => model, narrator: model } });
    await episode.run();
    const compaction = (await store.getEpisode('long'))!.meta.compaction as Record<string, unknown[]>;
    for (const role of ['Ana', 'Bo', 'Cy', 'narrator']) expect(compaction[role]?.length, role).toBeGreaterThan(0);
    const lastNarratorPrompt = model.doStreamCalls.filter((c) => roleOf(c.prompt) === 'narrator').at(-1)!;
    expect(promptText(lastNarratorPrompt)).toContain('[Summary of earlier events]');
    expect(promptText(lastNarratorPrompt)).not.toContain('Ana rambles on about the weather for a while, turn 0.');
  });

  it('refuses to resume an episode of another scene', async () => {
    const store = openSqliteStore(':memory:');
    await episodeOf(`title: First\n${cast3}`, sceneModel({}), store, 'x');
    await expect(episodeOf(`title: Second\n${cast3}`, sceneModel({}), store, 'x')).rejects.toThrow(/episode of "First"/);
  });
});
