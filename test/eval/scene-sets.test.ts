import { describe, expect, it } from 'vitest';
import type { SceneEvent } from '../../src/events/index.ts';
import { buildPersonaEvalSet, buildTomatoSet, type Judge, type SceneSetEpisode } from '../../src/eval/index.ts';

// The builders over hand-made scene logs: what each question shows, its gold option, its distractors, and that no
// thought ever reaches a shown conversation.

const CAST = ['Ana', 'Ben', 'Cleo'];

function log(id: string, turns: { actor: string; speech: string; belief: string; emotion?: string }[]): SceneEvent[] {
  const events: SceneEvent[] = [{ id: `${id}-0`, episodeId: id, seq: 0, at: '2026-01-01T00:00:00Z', kind: 'system', actor: 'system', text: 'begins', visibility: 'all', data: { scene: { title: 'The storm', cast: CAST } } }];
  turns.forEach((turn, i) => {
    const thought = { belief: turn.belief, intention: `INTENT-${turn.actor}-${i}`, desire: `DESIRE-${turn.actor}-${i}`, emotion: turn.emotion ?? `EMOTION-${turn.actor}-${i}`, knowledge: `KNOW-${turn.actor}-${i}` };
    const base = { episodeId: id, at: '2026-01-01T00:00:00Z', actor: turn.actor, data: { turn: `t${i}` } };
    events.push({ ...base, id: `${id}-${i}a`, seq: events.length, kind: 'thought', text: JSON.stringify(thought), visibility: { only: [turn.actor] }, data: { ...thought, turn: `t${i}` } });
    events.push({ ...base, id: `${id}-${i}b`, seq: events.length, kind: 'speech', text: turn.speech, visibility: 'all' });
  });
  return events;
}

const turns = Array.from({ length: 9 }, (_, i) => {
  const actor = CAST[i % 3]!;
  const other = CAST[(i + 1) % 3]!;
  return { actor, speech: `line ${i} by ${actor}`, belief: i % 2 === 0 ? `BELIEF-${i}: ${other} is hiding the key` : `BELIEF-${i}: the storm will pass`, emotion: i === 4 ? 'calm' : undefined };
});
const episode: SceneSetEpisode = { id: 'e0', events: log('e0', turns), title: 'The storm', bigFive: { Ana: { openness: 0.9, conscientiousness: 0.2, extraversion: 0.5, agreeableness: 0.1, neuroticism: 0.4 } } };
const thoughtTexts = episode.events.filter((e) => e.kind === 'thought').flatMap((e) => ['belief', 'intention', 'desire', 'emotion', 'knowledge'].map((k) => String(e.data![k])));

describe('buildTomatoSet', () => {
  it('first order: the gold option is the speaker\'s own thought of that turn, distractors from the same episode, never the gold text', async () => {
    const { records, summary } = await buildTomatoSet([episode], { seed: 3 });
    const first = records.filter((r) => r.order === 1);
    expect(first.length).toBe(9 * 5);
    for (const record of records) {
      const options = [record.a0, record.a1, record.a2, record.a3];
      expect(options[record.a_idx]).toBe(record.a_str);
      expect(new Set(options.map((o) => o.toLowerCase())).size).toBe(4);
      expect(options.every((o) => thoughtTexts.includes(o))).toBe(true);
      expect(record.false_belief).toBeUndefined();
      expect(Object.keys(record)).toEqual(['a0', 'a1', 'a2', 'a3', 'a_idx', 'a_str', 'big_five', 'conversation', 'mental_state', 'order', 'q', 'q_id', 'sotopia_agents', 'sotopia_environment', 'u_id']);
    }
    const intent = records.find((r) => r.q_id === '1st-order-intention_e0_3')!;
    expect(intent.a_str).toBe('INTENT-Ana-3');
    // The same speaker's intentions at its other turns come first among the distractors.
    expect([intent.a0, intent.a1, intent.a2, intent.a3].filter((o) => o !== intent.a_str).sort()).toEqual(['INTENT-Ana-0', 'INTENT-Ana-6', expect.stringMatching(/^INTENT-(Ben|Cleo)-/)].sort());
    expect(intent.q).toMatch(/^(What will Ana do when Ana says "line 3 by Ana"\?|When Ana says "line 3 by Ana", what will Ana do\?)$/);
    expect(intent.big_five).toBe('Openness to Experience - High; Conscientiousness - Low; Extraversion - High; Agreeableness - Low; Neuroticism - Low');
    expect(summary.items).toBe(records.length);
    expect(Object.values(summary.goldLetters).reduce((a, b) => a + b, 0)).toBe(records.length);
  });

  it('second order: a belief that names another character is asked as what the speaker thinks of that character', async () => {
    const { records } = await buildTomatoSet([episode], { seed: 3 });
    const second = records.filter((r) => r.order === 2);
    expect(second.map((r) => r.u_id)).toEqual(['0', '2', '4', '6', '8']);
    const at2 = second.find((r) => r.u_id === '2')!;
    expect(at2).toMatchObject({ mental_state: 'belief', a_str: 'BELIEF-2: Ana is hiding the key' });
    expect(at2.q).toContain('Cleo think that Ana thinks');
  });

  it('the conversation stops at the utterance and never holds a thought (leak test)', async () => {
    const { records } = await buildTomatoSet([episode], { seed: 3 });
    for (const record of records) {
      const lines = record.conversation.split('\n');
      expect(lines).toHaveLength(Number(record.u_id) + 1);
      expect(lines.at(-1)).toBe(`${turns[Number(record.u_id)]!.actor}: "${turns[Number(record.u_id)]!.speech}"`);
      for (const thought of thoughtTexts) if (thought.length > 4) expect(record.conversation).not.toContain(thought);
    }
  });

  it('the same seed gives the same file; another seed another order', async () => {
    const a = await buildTomatoSet([episode], { seed: 3 });
    const b = await buildTomatoSet([episode], { seed: 3 });
    const c = await buildTomatoSet([episode], { seed: 4 });
    expect(JSON.stringify(b.records)).toBe(JSON.stringify(a.records));
    expect(c.records.map((r) => r.a_idx)).not.toEqual(a.records.map((r) => r.a_idx));
  });

  it('skips questions without three distinct distractors and says why; a log without thoughts is an error', async () => {
    const short = { id: 's', events: log('s', turns.slice(0, 3)) };
    // Three turns: each state has the gold and two other texts, too few for a four-option question.
    await expect(buildTomatoSet([short])).rejects.toMatchObject({ code: 'eval/no-items', message: expect.stringContaining('skipped (too-few-distractors)') });
    const speechOnly = { id: 'q', events: log('q', turns).filter((e) => e.kind !== 'thought') };
    await expect(buildTomatoSet([speechOnly])).rejects.toMatchObject({ code: 'eval/no-thoughts' });
    // Four turns: the first-order questions of the states with four distinct texts are built, the others counted.
    const { summary } = await buildTomatoSet([{ id: 'f', events: log('f', [...turns.slice(0, 3), { ...turns[3]!, belief: turns[0]!.belief }]) }]);
    expect(summary.skipped['too-few-distractors']).toBeGreaterThan(0);
    expect(summary.byStateAndOrder['intention · 1']).toBe(4);
  });

  it('the false-belief flag comes from the judge, compared with the other character\'s own last thought', async () => {
    const asked: Record<string, string>[] = [];
    const judge: Judge = {
      model: 'fake-judge',
      async ask(request) {
        asked.push(request.candidates);
        return { verdict: { reason: 'r', contradicts: request.candidates["A's belief about B"]!.includes('BELIEF-4') } as never, raw: '', repaired: false };
      },
    };
    const { records, summary } = await buildTomatoSet([episode], { seed: 3, judge });
    expect(records.filter((r) => r.order === 1).every((r) => r.false_belief === false)).toBe(true);
    expect(records.find((r) => r.order === 2 && r.u_id === '4')?.false_belief).toBe(true);
    // At u 0 Ben has had no thought yet: the flag is left out.
    expect(records.find((r) => r.order === 2 && r.u_id === '0')?.false_belief).toBeUndefined();
    expect(summary.falseBelief).toEqual({ true: 1, false: 3, unknown: 1 });
    expect(asked.find((c) => c["A's belief about B"]!.startsWith('BELIEF-2'))?.["B's own thought"]).toContain('belief: BELIEF-0');
  });
});

describe('buildPersonaEvalSet', () => {
  it('each line with the speech before it, the speaker hidden, the cast as candidates, no thought shown', () => {
    const { rows, summary } = buildPersonaEvalSet([{ ...episode, descriptions: { Ana: 'The keeper.', Ben: 'A customs officer.', Cleo: 'A fisher.' } }], { seed: 2 });
    expect(rows).toHaveLength(8);
    expect(summary.skipped).toEqual({ 'no-context': 1 });
    for (const row of rows) {
      expect(row.options.map((o) => o.name).sort()).toEqual([...CAST].sort());
      const shown = row.prompt.split('\nCandidates for')[0]!;
      expect(shown).not.toMatch(new RegExp(`\\b${row.gt}\\b`));
      for (const thought of thoughtTexts) expect(row.prompt).not.toContain(thought);
    }
    expect(rows[0]!.prompt).toContain('Ana: "line 0 by Ana"\nCharacter2: "line 1 by Character2"');
  });
});
