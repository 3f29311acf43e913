import { describe, expect, it } from 'vitest';
import { characterItems, parseSceneRubricText, replyText, utteranceItems, type JudgedEpisode } from '../../src/eval/index.ts';
import type { SceneEvent } from '../../src/events/index.ts';

// What a judge of a scene reads about one character: built from the log through that character's perspective only.

let seq = 0;
const event = (actor: string, kind: SceneEvent['kind'], text: string, visibility: SceneEvent['visibility'], data: Record<string, unknown> = {}): SceneEvent => ({
  id: `ev${++seq}`, episodeId: 'ep', seq, at: '2026-12-04T00:00:00Z', actor, kind, text, visibility, data,
});

const events: SceneEvent[] = [
  event('system', 'system', 'Scene "Fair" begins.', 'all', { scene: { title: 'Fair', cast: ['Ana', 'Ben', 'Cleo'] } }),
  event('narrator', 'narration', 'Lanterns sway over the fair.', 'all', { turn: 't0', setting: true }),
  event('Ana', 'speech', 'Scripted opening line.', 'all', { turn: 't0', opening: true }),
  event('Ana', 'thought', 'ANA-THOUGHT-1', { only: ['Ana'] }, { turn: 't2', belief: 'ANA-BELIEF-1' }),
  event('Ana', 'action', 'lifts a lantern', 'all', { turn: 't2' }),
  event('Ana', 'speech', 'Who lit these?', 'all', { turn: 't2' }),
  event('Ben', 'thought', 'BEN-THOUGHT-1', { only: ['Ben'] }, { turn: 't3.1' }),
  event('Ben', 'speech', 'BEN-WHISPER-TO-CLEO', { only: ['Ben', 'Cleo'] }, { turn: 't3.1', to: ['Cleo'] }),
  event('Cleo', 'thought', 'CLEO-THOUGHT-1', { only: ['Cleo'] }, { turn: 't3.2' }),
  event('Cleo', 'speech', 'I did.', 'all', { turn: 't3.2' }),
  event('narrator', 'narration', 'NARRATOR-ASIDE-TO-CLEO', { only: ['Cleo'] }, { turn: 't4', private: true }),
  event('narrator', 'system', 'next: Ana (NARRATOR-REASON)', { only: ['narrator'] }, { turn: 't4' }),
  event('Ana', 'thought', 'ANA-THOUGHT-2', { only: ['Ana'] }, { turn: 't5' }),
  event('Ana', 'speech', 'ANA-WHISPER-TO-BEN', { only: ['Ana', 'Ben'] }, { turn: 't5', to: ['Ben'] }),
];

const episode: JudgedEpisode = {
  key: 'e0', episodeId: 'ep', events, cast: ['Ana', 'Ben', 'Cleo'],
  sheets: { Ana: 'You are Ana. ANA-SECRET', Ben: 'You are Ben. BEN-SECRET', Cleo: 'You are Cleo. CLEO-SECRET' },
};

/** Everything of an item a judge could be shown. */
const shown = (item: { vars: Record<string, string>; meta?: Record<string, unknown> }) => JSON.stringify([item.vars, item.meta?.answer]);
const privateOf: Record<string, string[]> = {
  Ana: ['ANA-THOUGHT-1', 'ANA-BELIEF-1', 'ANA-THOUGHT-2', 'ANA-SECRET'],
  Ben: ['BEN-THOUGHT-1', 'BEN-SECRET', 'BEN-WHISPER-TO-CLEO'],
  Cleo: ['CLEO-THOUGHT-1', 'CLEO-SECRET', 'NARRATOR-ASIDE-TO-CLEO'],
};
const mayNotSee: Record<string, string[]> = {
  Ana: [...privateOf.Ben!, ...privateOf.Cleo!, 'NARRATOR-REASON'],
  Ben: [...privateOf.Ana!.filter((t) => t !== 'ANA-WHISPER-TO-BEN'), 'CLEO-THOUGHT-1', 'CLEO-SECRET', 'NARRATOR-ASIDE-TO-CLEO', 'NARRATOR-REASON'],
  Cleo: [...privateOf.Ana!, 'ANA-WHISPER-TO-BEN', 'BEN-THOUGHT-1', 'BEN-SECRET', 'NARRATOR-REASON'],
};

describe('characterItems', () => {
  it('one item per character who played a line: its lines as the answer, its sheet and perceived scene as context', () => {
    const items = characterItems(episode, { thoughts: false });
    expect(items.map((i) => i.id)).toEqual(['e0:Ana', 'e0:Ben', 'e0:Cleo']);
    const ana = items[0]!;
    expect(ana.categories).toEqual({ character: 'Ana', episode: 'e0' });
    expect(Object.keys(ana.vars).sort()).toEqual(['character', 'sheet', 'transcript']);
    expect(ana.meta?.answer).toBe('Ana: *lifts a lantern*\nAna: Who lit these?\n[whisper Ana → Ben] ANA-WHISPER-TO-BEN');
    expect(ana.meta?.answer).not.toContain('Scripted opening line');
    expect(ana.vars.transcript).toContain('Scripted opening line');
  });

  it('leaks nothing private of another character to the judge, and its own thoughts only when the rubric asks', () => {
    for (const thoughts of [false, true]) {
      for (const item of characterItems(episode, { thoughts })) {
        const name = String(item.categories.character);
        for (const text of mayNotSee[name]!) expect(shown(item), `${name} (thoughts ${thoughts}) sees ${text}`).not.toContain(text);
        const ownThoughts = privateOf[name]!.filter((t) => t.includes('THOUGHT'));
        for (const text of ownThoughts) expect(shown(item).includes(text), `${name}'s own ${text}`).toBe(thoughts);
      }
    }
  });
});

describe('utteranceItems', () => {
  it('one item per played turn; the context stops before its step (a simultaneous round sees none of its siblings)', () => {
    const items = utteranceItems(episode);
    expect(items.map((i) => i.id)).toEqual(['e0:t2:Ana', 'e0:t3.1:Ben', 'e0:t3.2:Cleo', 'e0:t5:Ana']);
    const [first, ben, cleo, last] = items;
    expect(first!.meta).toMatchObject({ answer: '*lifts a lantern* Who lit these?', turn: 't2', character: 'Ana', beforeSeq: 4 });
    expect(ben!.meta?.beforeSeq).toBe(cleo!.meta?.beforeSeq);
    expect(cleo!.vars.transcript).not.toContain('BEN-WHISPER-TO-CLEO');
    expect(last!.vars.transcript).toContain('Cleo: I did.');
    for (const item of items) {
      const name = String(item.categories.character);
      for (const text of [...mayNotSee[name]!, ...privateOf[name]!.filter((t) => t.includes('THOUGHT'))]) expect(item.vars.transcript).not.toContain(text);
    }
  });

  it('formats a reply as the baseline\'s is formatted', () => {
    expect(replyText('*nods*', ' Yes. ')).toBe('*nods* Yes.');
    expect(replyText('', 'Yes.')).toBe('Yes.');
  });
});

describe('rubric files', () => {
  it('reads YAML and JSON with defaults', () => {
    const yaml = parseSceneRubricText('name: mine\nthoughts: true\ndimensions:\n  - name: warmth\n    description: kind to others\n', 'mine.yaml');
    expect(yaml).toMatchObject({ name: 'mine', title: 'mine', kind: 'rubric', thoughts: true, dimensions: [{ name: 'warmth', scale: [1, 5] }], origin: 'mine.yaml' });
    const json = parseSceneRubricText('{\n  "name": "j",\n  "kind": "pairwise",\n  "dimensions": [{"name": "wit", "description": "funny", "scale": [0, 3]}]\n}\n', 'j.json');
    expect(json).toMatchObject({ kind: 'pairwise', thoughts: false, dimensions: [{ name: 'wit', scale: [0, 3] }] });
  });

  it('reports every problem with its line', () => {
    const text = '{\n  "name": "j",\n  "dimensions": [\n    {"name": "overall", "description": "x"}\n  ],\n  "colour": 3\n}\n';
    expect(() => parseSceneRubricText(text, 'j.json')).toThrow(/j\.json:3: dimensions: overall, win_rate/);
    expect(() => parseSceneRubricText(text, 'j.json')).toThrow(/j\.json:6: colour: unknown key; allowed keys: name, title/);
    expect(() => parseSceneRubricText('name: x\ndimensions: [\n', 'broken.yaml')).toThrow(/broken\.yaml:\d+:\d+:/);
    expect(() => parseSceneRubricText('name: x\n', 'empty.yaml')).toThrow(/empty\.yaml:1: dimensions: required/);
  });
});
