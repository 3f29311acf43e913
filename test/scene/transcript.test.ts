import { describe, expect, it } from 'vitest';
import { renderSceneTranscript, toJsonl } from '../../src/scene/transcript.ts';
import { toTomatoTranscript, TomatoEpisode } from '../../src/eval/tomato-transcript.ts';
import { SceneEvent, type NewEvent } from '../../src/events/index.ts';

const log = (events: NewEvent[], episodeId = 'ep1'): SceneEvent[] =>
  events.map((event, seq) => ({ id: `e${seq}`, episodeId, seq, at: `2025-01-01T00:00:${String(seq).padStart(2, '0')}Z`, ...event }));

const mind = (belief: string, intention: string) => ({ belief, intention, desire: 'to stay dry', emotion: 'wary', knowledge: 'the cellar floods' });
const thought = (actor: string, turn: string, m: ReturnType<typeof mind>): NewEvent => ({
  kind: 'thought', actor, visibility: { only: [actor] }, data: { turn, round: 1, ...m },
  text: Object.entries(m).map(([key, value]) => `${key}: ${value}`).join('\n'),
});

const events = log([
  { kind: 'system', actor: 'system', text: '', visibility: 'all', data: { scene: { title: 'The Cellar', cast: ['Mirela', 'Tomas', 'Ilse'], policy: 'round-robin' } } },
  { kind: 'narration', actor: 'narrator', text: 'Rain drums on the cellar door.', visibility: 'all', data: { narratorName: 'Narrator' } },
  { kind: 'narration', actor: 'narrator', text: 'You notice a key under the barrel.', visibility: { only: ['Mirela'] }, data: { narratorName: 'Narrator', private: true } },
  thought('Mirela', 't1', mind('Tomas hides something', 'test him')),
  { kind: 'action', actor: 'Mirela', text: 'lifts the lamp', visibility: 'all', data: { turn: 't1', round: 1 } },
  { kind: 'speech', actor: 'Mirela', text: 'Who is there?', visibility: 'all', data: { turn: 't1', round: 1 } },
  thought('Tomas', 't2', mind('Mirela saw nothing', 'warn Ilse quietly')),
  { kind: 'speech', actor: 'Tomas', text: 'I have the letter.', visibility: { only: ['Tomas', 'Ilse'] }, data: { turn: 't2', round: 1, to: ['Ilse'] } },
  { kind: 'system', actor: 'system', text: '', visibility: 'all', data: { warning: 'Ilse: reply was not valid JSON; retried' } },
  { kind: 'narration', actor: 'narrator', text: '', visibility: 'all', data: { narratorName: 'Narrator', next: { speaker: 'Ilse', reason: 'she was addressed' } } },
  { kind: 'action', actor: 'Ilse', text: 'slips out the back door', visibility: 'all', data: { turn: 't3', round: 1, left: true } },
  { kind: 'system', actor: 'system', text: '', visibility: 'all', data: { end: { reason: 'max-turns' } } },
]);

describe('renderSceneTranscript', () => {
  it('omniscient: every event, private ones marked, thoughts under their turn', () => {
    expect(renderSceneTranscript(events)).toBe([
      '=== The Cellar ===',
      'cast: Mirela, Tomas, Ilse · policy: round-robin',
      'Narrator: Rain drums on the cellar door.',
      '[to Mirela only] Narrator: You notice a key under the barrel.',
      '-- round 1 --',
      'Mirela: *lifts the lamp*',
      'Mirela: Who is there?',
      '  (Mirela thinks) belief: Tomas hides something',
      '                  intention: test him',
      '                  desire: to stay dry',
      '                  emotion: wary',
      '                  knowledge: the cellar floods',
      '[whisper Tomas → Ilse] I have the letter.',
      '  (Tomas thinks) belief: Mirela saw nothing',
      '                 intention: warn Ilse quietly',
      '                 desire: to stay dry',
      '                 emotion: wary',
      '                 knowledge: the cellar floods',
      '! Ilse: reply was not valid JSON; retried',
      '  (Narrator gives the turn to Ilse: she was addressed)',
      'Ilse: *slips out the back door* [leaves the scene]',
      '=== end: turn limit reached ===',
    ].join('\n'));
  });

  it('as a character: only what it perceived, its own thoughts included', () => {
    const mirela = renderSceneTranscript(events, { as: 'Mirela' });
    expect(mirela).toContain('[to Mirela only] Narrator: You notice a key under the barrel.');
    expect(mirela).toContain('(Mirela thinks) belief: Tomas hides something');
    expect(mirela).not.toContain('Mirela saw nothing');
    expect(mirela).not.toContain('warn Ilse quietly');
    expect(mirela).not.toContain('I have the letter');
    expect(mirela).not.toContain('she was addressed');
    expect(mirela).toContain('Ilse: *slips out the back door*');

    const ilse = renderSceneTranscript(events, { as: 'Ilse' });
    expect(ilse).toContain('[whisper Tomas → Ilse] I have the letter.');
    expect(ilse).not.toContain('key under the barrel');
    expect(ilse).not.toContain('thinks');
  });

  it('hides thoughts on request and colors only on request', () => {
    expect(renderSceneTranscript(events, { showThoughts: false })).not.toContain('thinks');
    expect(renderSceneTranscript(events)).not.toContain('\x1b[');
    expect(renderSceneTranscript(events, { color: true })).toContain('\x1b[1mMirela\x1b[0m: Who is there?');
  });

  it('names the characters it knows when `as` is unknown', () => {
    expect(() => renderSceneTranscript(events, { as: 'Mirella' })).toThrow('No character "Mirella" in this scene log to take the perspective of; use one of: Mirela, Tomas, Ilse.');
    expect(() => toTomatoTranscript(events, { as: 'narrator' })).toThrow(/use one of: Mirela, Tomas, Ilse/);
  });
});

describe('toJsonl', () => {
  it('round-trips the full events, one a line', () => {
    const text = toJsonl(events);
    expect(text.endsWith('}\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines.map((line) => SceneEvent.parse(JSON.parse(line)))).toEqual(events);
    expect(toJsonl([])).toBe('');
  });
});

describe('toTomatoTranscript', () => {
  const profiles = { Mirela: { secrets: ['She hid the key.'] }, Tomas: { goals: ['Get the letter to Ilse.'] } };

  it('pairs each utterance with the thought of its turn', () => {
    const episode = toTomatoTranscript(events, { profiles });
    expect(TomatoEpisode.parse(JSON.parse(JSON.stringify(episode)))).toEqual(episode);
    expect(episode).toEqual({
      episode_id: 'ep1',
      title: 'The Cellar',
      agents: ['Mirela', 'Tomas', 'Ilse'],
      conversation: 'Mirela: "Who is there?"\nTomas: "I have the letter."',
      utterances: [
        { u_id: 0, speaker: 'Mirela', utterance: 'Who is there?', action: 'lifts the lamp', round: 1, turn: 't1', thoughts: mind('Tomas hides something', 'test him') },
        { u_id: 1, speaker: 'Tomas', utterance: 'I have the letter.', to: ['Ilse'], round: 1, turn: 't2', thoughts: mind('Mirela saw nothing', 'warn Ilse quietly') },
      ],
      stage: [
        { before_u_id: 0, kind: 'narration', actor: 'Narrator', text: 'Rain drums on the cellar door.' },
        { before_u_id: 0, kind: 'narration', actor: 'Narrator', text: 'You notice a key under the barrel.', only: ['Mirela'] },
        { before_u_id: 2, kind: 'action', actor: 'Ilse', text: 'slips out the back door', left: true },
      ],
      profiles,
      end: 'max-turns',
    });
  });

  it('from one perspective: its utterances, its thoughts, its profile', () => {
    const episode = toTomatoTranscript(events, { as: 'Mirela', profiles });
    expect(episode.perspective).toBe('Mirela');
    expect(episode.conversation).toBe('Mirela: "Who is there?"');
    expect(episode.utterances[0].thoughts?.belief).toBe('Tomas hides something');
    expect(JSON.stringify(episode)).not.toContain('Mirela saw nothing');
    expect(episode.profiles).toEqual({ Mirela: profiles.Mirela });
  });

  it('without turn ids, pairs a thought parsed from its text with the same actor\'s next speech', () => {
    const bare = log([
      { kind: 'thought', actor: 'Ann', text: 'belief: Bo lies\nemotion: angry', visibility: { only: ['Ann'] } },
      { kind: 'speech', actor: 'Bo', text: 'Hi.', visibility: 'all' },
      { kind: 'speech', actor: 'Ann', text: 'Liar.', visibility: 'all' },
    ]);
    const episode = toTomatoTranscript(bare);
    expect(episode.utterances.map((u) => [u.speaker, u.thoughts])).toEqual([['Bo', undefined], ['Ann', { belief: 'Bo lies', emotion: 'angry' }]]);
    expect(episode.agents).toEqual(['Bo', 'Ann']);
  });

  it('refuses events of several episodes', () => {
    expect(() => toTomatoTranscript([...log([{ kind: 'speech', actor: 'Ann', text: 'a', visibility: 'all' }], 'x'), ...events])).toThrow(/once per episode/);
  });
});
