import { describe, expect, it } from 'vitest';
import { conversationKind, findScenarioKind } from '../../src/scene/scenario-kinds.ts';
import type { SceneEvent } from '../../src/events/index.ts';
import { sceneFromYaml } from '../support/scene-models.ts';

let seq = 0;
const ev = (e: Omit<SceneEvent, 'id' | 'episodeId' | 'seq' | 'at'>): SceneEvent => ({ id: `e${++seq}`, episodeId: 'x', seq, at: '', ...e });

describe('the conversation kind', () => {
  it('adds the topic to the rules and measures participation', async () => {
    const scene = await sceneFromYaml('title: T\nparams: { topic: the mill }\ncast:\n  - character: { name: Ana }\n  - character: { name: Bo }\n');
    expect(findScenarioKind('conversation')).toBe(conversationKind);
    expect(conversationKind.rules(scene)).toBe('The conversation is about: the mill.');
    const events = [
      ev({ kind: 'speech', actor: 'Ana', text: 'We sell it.', visibility: 'all' }),
      ev({ kind: 'speech', actor: 'Ana', text: 'Tonight, quietly.', visibility: { only: ['Ana', 'Bo'] }, data: { to: ['Bo'] } }),
      ev({ kind: 'speech', actor: 'Bo', text: 'No.', visibility: 'all' }),
      ev({ kind: 'narration', actor: 'narrator', text: 'A draught.', visibility: { only: ['Bo'] }, data: { private: true } }),
      ev({ kind: 'action', actor: 'Bo', text: 'leaves', visibility: 'all', data: { left: true } }),
    ];
    const metrics = conversationKind.metrics(scene, events);
    expect(metrics).toMatchObject({ 'turns.Ana': 2, 'turns.Bo': 1, 'words.Ana': 5, 'words.Bo': 1, whispers: 1, departures: 1, privateNarrations: 1 });
    expect(metrics.balance).toBeCloseTo(0.918, 3);
    expect(conversationKind.metrics(scene, events.slice(0, 1)).balance).toBe(0);
  });
});
