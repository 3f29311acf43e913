import { describe, expect, it } from 'vitest';
import { SCORERS } from '../../src/eval/scorers/index.ts';
import { MARKER, runScorerContract, type ScorerFixture } from './scorer-contract.ts';

const options = ['the lamp is lit', 'the lamp is out', 'the keeper left', 'the ship sank'];
const candidates = ['Ilse', 'Tomas', 'Mirela'];

const fixtures: Record<string, ScorerFixture> = {
  choice: {
    reference: 'choice',
    item: { id: 'c1', record: 1, vars: {}, options, answer: 1, categories: {} },
    order: [3, 1, 0, 2],
    answers: ['B', 'The answer is [A].', 'the lamp is out'],
    unreadable: ['It is hard to say.', 'A or B, perhaps C.'],
  },
  distribution: {
    reference: { name: 'distribution', bins: 5 },
    item: { id: 'd1', record: 1, vars: {}, options: candidates, answer: 1, categories: {} },
    answers: ['{"Ilse": 0.2, "Tomas": 0.7, "Mirela": 0.1}', 'Ilse: 50%\nTomas: 50%\nMirela: 0%'],
    unreadable: ['No idea who speaks.', '{"Zed": 1}'],
  },
  reference: {
    reference: 'reference',
    item: { id: 'r1', record: 1, vars: {}, reference: 'The lamp went out at midnight.', categories: {}, meta: { expected: 'answer' } },
    answers: [`The lamp went out at midnight, ${MARKER}.`, 'I cannot answer that from the text.'],
    unreadable: [],
  },
  abstention: {
    reference: 'abstention',
    item: { id: 'a1', record: 1, vars: {}, reference: 'Barack Obama', categories: { phase: 'after' }, meta: { president: 44 } },
    answers: ['Barack Obama.', 'I cannot know that; I died long before.', `Abraham Lincoln, ${MARKER}`],
    unreadable: [],
  },
  rubric: {
    reference: { name: 'rubric', dimensions: [{ name: 'in_character', description: 'stays in role' }, { name: 'fluency', description: 'reads well', scale: [0, 3] }], samples: 2 },
    item: { id: 'u1', record: 1, vars: { character: 'Ilse, the keeper', question: 'Is the lamp lit?' }, reference: 'Aye, always.', categories: {} },
    answers: [`Aye, it burns till dawn. ${MARKER}`],
    unreadable: [],
    verdict: { critique: 'In role.', scores: { in_character: 4, fluency: 2 } },
  },
  pairwise: {
    reference: { name: 'pairwise', task: 'Which keeps the keeper\'s voice better?' },
    item: { id: 'p1', record: 1, vars: { question: 'Is the lamp lit?' }, reference: 'Aye, always.', categories: {} },
    answers: [`Aye, it burns till dawn. ${MARKER}`],
    unreadable: [],
    verdict: { critique: 'A is warmer.', winner: 'A' },
  },
  furina: {
    reference: { name: 'furina' },
    item: { id: 'f1', record: 1, vars: { character: 'Ilse', transcript: 'Tomas: Is the lamp lit?' }, reference: 'Aye, always.', categories: {} },
    answers: [`Aye, it burns till dawn. ${MARKER}`],
    unreadable: [],
    verdict: { critique: 'A answers the question.', dimension: 'context_reliance', winner: 'A' },
  },
  agreement: {
    reference: { name: 'agreement', scale: [1, 5] },
    item: { id: 'g1', record: 1, vars: { response: 'Aye.' }, categories: {}, meta: { labels: { in_character: 4, fluency: 3 } } },
    answers: [`{"in_character": 4, "fluency": 3, "note": "${MARKER}"}`, '{"critique": "ok", "scores": {"in_character": 2, "fluency": 5}}'],
    unreadable: ['Four and three.', '{"in_character": 9, "fluency": 3}'],
  },
  'think-act': {
    reference: { name: 'think-act', method: 'both' },
    item: {
      id: 't1', record: 1, vars: { name: 'Hero 1', lore: 'MCU', dilemma: 'The city or her?', question: 'What will you choose?' }, categories: {},
      meta: { choices: ['Save her', 'Save the city'] },
    },
    answers: [`<thinking>The many come first. ${MARKER}</thinking>\n<acting>B) Save the city.</acting>`, `Reasoning: she would want it, ${MARKER}.\nAction: I save her.`],
    unreadable: ['I would save the city.'],
    verdict: { critique: 'Consistent.', thinking_score: 4, acting_score: 5, match: true },
  },
  'moral-fidelity': {
    reference: { name: 'moral-fidelity', samples: 2 },
    item: {
      id: 'm1', record: 1, vars: { character: 'Vex', book: 'The Hall', profile: 'Cold.', scenario: 'A dark hall.' }, reference: 'Ora: Who goes there?', categories: {},
      meta: { traits: ['cruel'], plotSummary: 'Vex takes the hall.', characterProfiles: '### Vex\n\nCold.' },
    },
    answers: [`[I must not show it] You will kneel. ${MARKER}`],
    unreadable: ['[only my thoughts, nothing said]'],
    verdict: { critique: 'Too kind.', flaws: [{ instance: 'kneel', type: 'tone', character: 'Vex', traits: ['cruel'], severity: 2 }] },
  },
};

for (const [name, fixture] of Object.entries(fixtures)) runScorerContract(name, fixture);
runScorerContract('think-act (judge only)', { ...fixtures['think-act'], reference: { name: 'think-act', method: 'judge' } });
runScorerContract('think-act (embedding only)', { ...fixtures['think-act'], reference: { name: 'think-act', method: 'embedding' }, verdict: undefined });

describe('the scorer registry', () => {
  it('every registered scorer runs the contract', () => {
    expect(Object.keys(fixtures).sort()).toEqual(Object.keys(SCORERS).sort());
  });
});
