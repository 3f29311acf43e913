import { describe, expect, it } from 'vitest';
import { BUILT_IN_BENCHMARKS } from '../../src/eval/benchmarks/index.ts';
import { BenchmarkDefinition } from '../../src/eval/definition.ts';
import { LOADERS, findLoader } from '../../src/eval/loaders/index.ts';
import { csv, jsonArray, jsonLines, runLoaderContract, type LoaderFixture } from './loader-contract.ts';

const OPTIONS = ['Ana believes the mill is sold', 'Ana believes the mill is hers', 'Ana doubts Bo', 'Ana trusts nobody'];

const fixtures: LoaderFixture[] = [
  {
    loader: findLoader('tomato'),
    fileName: 'tomato_test.json',
    record: (i) => ({
      a0: OPTIONS[0], a1: OPTIONS[1], a2: OPTIONS[2], a3: OPTIONS[3], a_idx: i % 4, a_str: OPTIONS[i % 4],
      big_five: 'Openness to Experience - High; Conscientiousness - Low; Extraversion - High; Agreeableness - Low; Neuroticism - High',
      conversation: `Ana: The mill, Bo. (${i})\nBo: It is not for sale.`, false_belief: i % 2 === 0, mental_state: ['belief', 'intention'][i % 2],
      order: 1 + (i % 2), q: 'What does Ana think?', q_id: `q${i}`,
    }),
    write: jsonArray,
    required: ['a0', 'a_idx', 'conversation', 'mental_state', 'q_id'],
    wrongTopLevel: '{"records": []}',
    broken: '[{"a0": "x",',
    noRecords: '[]',
  },
  {
    loader: findLoader('persona-eval'),
    fileName: 'Literary.csv',
    record: (i) => ({
      prompt: `Dialogue ${i}:\nA: Where were you?\nB: At the mill.\nWho is B?`, gt: `Bo ${i}`,
      option1: `Ana ${i}`, option1_profile: 'A miller.', option2: `Bo ${i}`, option2_profile: 'A smith, "Bo".', option3: `Cy ${i}`, option3_profile: '', option4: `Dee ${i}`, option4_profile: 'A priest, of sorts.',
    }),
    write: csv,
    required: ['prompt', 'gt'],
    wrongTopLevel: '[{"prompt": "Who is B?", "gt": "Bo"}]',
    broken: 'prompt,gt,option1,option2,option3,option4\r\n"Who is B?,Bo,Ana,Bo,Cy,Dee\r\n',
    noRecords: 'prompt,gt,option1,option2,option3,option4\r\n',
  },
  {
    loader: findLoader('role-mrc'),
    fileName: 'roleMRC_test.jsonl',
    record: (i) => ({
      task: ['role_related_mrc_answer_with_narration', 'role_unrelated_mrc_refused_no_narration-2ndanswer'][i % 2],
      question: [{ role: 'System', content: 'You are Ana, a miller.' }, { role: 'User', content: `Passage ${i}: the mill burnt. What burnt?` }],
      reference: `The mill (${i}).`, id: `r${i}`,
    }),
    write: jsonLines,
    required: ['task', 'question', 'reference'],
    wrongTopLevel: '[[1, 2], [3]]',
    broken: '{"task": "role_related_mrc_answer_with_narration",\n',
    noRecords: '[]',
  },
  {
    loader: findLoader('human-labels'),
    fileName: 'labels.jsonl',
    record: (i) => ({ id: `h${i}`, context: { character: 'Ana', user: 'Is the mill sold?' }, response: `Never (${i}).`, labels: { in_character: 1 + (i % 5) } }),
    write: jsonLines,
    required: ['id', 'response', 'labels'],
    wrongTopLevel: '[{"id": "h1", "response": "x", "labels": {"a": 1}}]',
    broken: '{"id": "h1",\n',
  },
  {
    loader: findLoader('concept-incongruence'),
    fileName: 'full_question.json',
    record: (i) => ({ type: 'real_person', characters: [{ role: `Person ${i}`, source: 'none', type: 'real_person', year: 1900 + 10 * i }] }),
    write: jsonArray,
    required: ['type', 'characters'],
    wrongTopLevel: '{"type": "real_person", "characters": []}',
    broken: '[{"type": "real_person", "characters": [',
    noRecords: '[]',
  },
  {
    loader: findLoader('moral-roleplay'),
    fileName: 'RolePlay_Villain_test.json',
    record: (i) => ({
      book: `Book ${i}`, i_c: i, scenario: 'A dark hall at night.', topic: 'power',
      plot: { i_p: i, summary: 'Vex takes the hall.', key_characters: [{ name: 'Vex', description: 'A usurper.' }] },
      character_profiles: { Vex: 'Cold and patient.', Ora: 'A guard.' },
      dialogues: [{ character: 'Ora', message: 'Who goes there?' }, { character: 'Vex', message: '[I must lie] A friend.' }],
      speaking_characters_w_env: ['Ora', 'Vex'], major_characters: ['Vex'],
      key_characters: [{ name: 'Vex', thought: 'Patience.', morality_classification: { level: 1 + (i % 4), key_traits: ['cruel', 'patient'] } }],
    }),
    write: jsonArray,
    required: ['book', 'scenario', 'dialogues', 'key_characters'],
    wrongTopLevel: '{"book": "B"}',
    broken: '[{"book": ',
    noRecords: '[]',
  },
  ...(['beyond-one-world-canon', 'beyond-one-world'] as const).map((name): LoaderFixture => ({
    loader: findLoader(name),
    fileName: 'characters_canon_events.json',
    record: (i) => ({
      UID: i, Name: `Hero ${i}`, CID: 100 + i, Source: ['MCU: The Heroes', `film ${i}`],
      Events: { 'Early life': [{ question: 'Where did you grow up?', options: ['A) Queens', 'B) Mars'], correct_answer: 'A' }], Later: [{ question: 'Who?', options: ['A) x', 'B) y', 'C) z'], correct_answer: 'C' }] },
    }),
    write: jsonArray,
    required: ['UID', 'Name', 'CID', 'Events'],
    wrongTopLevel: '{"UID": 1}',
    broken: '[{"UID": 1,',
    noRecords: '[]',
  })),
  {
    loader: findLoader('beyond-one-world-dilemma'),
    fileName: 'character_dilemmas.json',
    record: (i) => ({
      situation: `The city burns (${i}).`, choice_A: 'Save her', choice_B: 'Save the city', consequence_A: 'The city falls', consequence_B: 'She falls',
      UID: i, CID: 200 + i, name: `Hero ${i}`, lore: "['MCU: The Heroes', 'film']", dilemma_type: 'Hero or Villain_1', iteration: 1,
    }),
    write: jsonArray,
    required: ['situation', 'choice_A', 'CID', 'dilemma_type'],
    wrongTopLevel: '{"situation": "x"}',
    broken: '[{"situation": "x",',
    noRecords: '[]',
  },
];

for (const fixture of fixtures) runLoaderContract(fixture);

describe('the loader registry', () => {
  it('every registered loader runs the contract', () => {
    expect(fixtures.map((f) => f.loader.name).sort()).toEqual(LOADERS.map((loader) => loader.name).sort());
  });

  it('every built-in benchmark breaks down by categories its loader declares', () => {
    for (const input of BUILT_IN_BENCHMARKS) {
      const definition = BenchmarkDefinition.parse(input);
      const declared = findLoader(definition.dataset.loader).categories;
      expect(definition.categories.flat().filter((category) => !declared.includes(category)), definition.name).toEqual([]);
    }
  });
});
