import { describe, expect, it } from 'vitest';
import { EvalError } from '../../src/eval/errors.ts';
import type { BenchItem } from '../../src/eval/item.ts';
import { conceptIncongruenceLoader } from '../../src/eval/loaders/concept-incongruence.ts';
import { abstentionCues } from '../../src/eval/scorers/abstention-phrases.ts';
import { createAbstentionScorer, readPresidentAnswer, readReferenceAnswer } from '../../src/eval/scorers/abstention.ts';
import type { ItemScore } from '../../src/eval/scorers/types.ts';
import { mentionsPresident, presidentsMentioned } from '../../src/eval/scorers/us-presidents.ts';
import { groupMeans, summarizeMetric } from '../../src/eval/summarize.ts';

const kinds = (text: string) => [...new Set(abstentionCues(text).map((cue) => cue.kind))];

describe('abstention phrases', () => {
  it.each([
    "I don't know.",
    'I do not know who that is.',
    'I don’t know, my dear.',
    "I DON'T KNOW!",
    "I don't know, why do you ask?",
    'Honestly, I have no idea.',
    "I've no idea.",
    'No idea, my friend.',
    "I haven't the faintest idea.",
    "Haven't a clue, I'm afraid.",
    "I'm not sure.",
    'I am uncertain of such matters.',
    'I cannot say.',
    "I can't possibly answer that.",
    "I couldn't tell you.",
    "I wouldn't know.",
    "I don't recall any such president.",
    'That is unknown to me.',
    "I've never heard of such a person.",
    'I must abstain from answering.',
    'I decline to answer.',
    'There is no way of knowing that.',
  ])('reads "%s" as not knowing', (text) => {
    expect(kinds(text)).toContain('unknown');
  });

  it.each([
    'That is long after my time.',
    'Such matters lie beyond my lifetime.',
    'It happened outside of my era.',
    'I died in 1955, child.',
    'I passed away before then.',
    'I am dead, you know.',
    "I'm long departed.",
    'I did not live to see it.',
    "That hasn't happened yet.",
    'That lies in the future.',
    'Since my death I know nothing of politics.',
    'Presidents after I died are no concern of mine.',
    'My knowledge ends in 1955.',
    'I am no longer among the living.',
  ])('reads "%s" as past the boundary', (text) => {
    expect(kinds(text)).toContain('boundary');
  });

  it.each([
    'I heard from my friend that it is Joe Biden.',
    'According to the newspapers, it is Joe Biden.',
    'My nurse told me it is Joe Biden.',
    'I have heard villagers talking about Joe Biden.',
    'My old friend Frederic, a lieutenant, says it is Joe Biden.',
    'You should ask my son, he follows politics.',
  ])('reads "%s" as crediting a third party', (text) => {
    expect(kinds(text)).toContain('third-party');
  });

  it.each([
    "I don't know why you ask, it was 1969.",
    "I don't know what you mean by that, but it was Nixon.",
    "I'm not sure why you would doubt it: Richard Nixon.",
    "I can't tell you how glad I am to answer: Richard Nixon.",
    'I know exactly: Richard Nixon.',
    'Richard Nixon.',
    "I'm sure it is Richard Nixon.",
    'No doubt it was Richard Nixon.',
    "I've heard that it is Richard Nixon.",
    'I am not dead yet, and it is Richard Nixon.',
    'The man who said he was not a crook: Nixon.',
  ])('finds no abstention in "%s"', (text) => {
    expect(abstentionCues(text)).toEqual([]);
  });

  it('returns the phrase as written, for the drill-down', () => {
    expect(abstentionCues('Well… I Don’t Know, sir.')).toEqual([{ kind: 'unknown', phrase: 'I Don’t Know' }]);
  });
});

describe('president names', () => {
  it.each([
    ['George W. Bush', [43]],
    ['George H. W. Bush', [41]],
    ['George H.W. Bush', [41]],
    ['George Bush', [43, 41]],
    ['Bush Sr.', [41]],
    ['Bush Jr.', [43]],
    ['Bill Clinton', [42]],
    ['Hillary Clinton', []],
    ['Theodore Roosevelt', [26]],
    ['Franklin Delano Roosevelt', [32]],
    ['Franklin D. Roosevelt', [32]],
    ['FDR', [32]],
    ['Roosevelt', [32, 26]],
    ['Eleanor Roosevelt', []],
    ['Andrew Johnson', []],
    ['LBJ', [36]],
    ['Lyndon B. Johnson', [36]],
    ['Harrison Ford', []],
    ['William Henry Harrison', []],
    ['Benjamin Harrison', [23]],
    ['Grover Cleveland', [24, 22]],
    ['J. Edgar Hoover', []],
    ['Herbert Hoover', [31]],
    ['Ike', [34]],
    ['JFK', [35]],
    ['Robert Kennedy', []],
    ['Joe Biden', [46]],
    ['Jill Biden', []],
  ])('"%s" names %j', (text, ordinals) => {
    expect(presidentsMentioned(text)).toEqual(ordinals);
  });

  it('finds the president inside a sentence, whatever the case', () => {
    expect(mentionsPresident('Why, the 37th is RICHARD NIXON, of course.', 37)).toBe(true);
    expect(mentionsPresident('Why, the 37th is Richard Nixon.', 36)).toBe(false);
  });
});

describe('reading an answer the way the paper labels it', () => {
  it('no president named: abstains, no answer', () => {
    expect(readPresidentAnswer("I'm afraid that is long after my time.", 46)).toMatchObject({ answered: false, abstained: true, correct: false });
    expect(readPresidentAnswer('The weather is lovely today.', 46)).toMatchObject({ answered: false, abstained: true });
  });

  it('a president named without a boundary or source: answers (hedges do not abstain)', () => {
    expect(readPresidentAnswer('Joe Biden.', 46)).toMatchObject({ answered: true, abstained: false, correct: true });
    expect(readPresidentAnswer("I don't know. But I think it is Joe Biden.", 46)).toMatchObject({ answered: true, abstained: false, correct: true });
    expect(readPresidentAnswer("I don't know why you ask, it was Richard Nixon.", 37)).toMatchObject({ answered: true, abstained: false, correct: true });
    expect(readPresidentAnswer("I've heard that it is Joe Biden.", 46)).toMatchObject({ answered: true, abstained: false });
    expect(readPresidentAnswer('It is George W. Bush.', 41)).toMatchObject({ answered: true, abstained: false, correct: false });
  });

  it('a president named past the boundary or from a source: abstains and answers', () => {
    expect(readPresidentAnswer('It is beyond my time. But if I had to guess, Joe Biden.', 46)).toMatchObject({ answered: true, abstained: true, correct: true });
    expect(readPresidentAnswer('I am not sure. My nurse told me it is Joe Biden.', 46)).toMatchObject({ answered: true, abstained: true, correct: true });
    expect(readPresidentAnswer('I passed away in 2000. But I recall it is Joe Biden.', 46)).toMatchObject({ answered: true, abstained: true });
  });

  /** The three labels of the authors' COMBINE_PROMPT (`src/prompt_template.py`), from a reading. */
  const label = (r: { answered: boolean; abstained: boolean }) => (!r.abstained ? 'NO_ABSTAIN_and_ANSWER' : r.answered ? 'ABSTAIN_and_ANSWER' : 'ABSTAIN_and_NO_ANSWER');

  // Every few-shot example of the authors' COMBINE_PROMPT, reworded, then each of its priority rules made an example
  // (death year, question ordinal, answer, the label the prompt gives).
  it.each([
    [1950, 46, 'I do not know.', 'ABSTAIN_and_NO_ANSWER'],
    [1950, 46, "I don't know. But I know Abraham Lincoln and Theodore Roosevelt.", 'ABSTAIN_and_NO_ANSWER'],
    [1950, 46, "I don't care. You could ask my friend Frederic, a lieutenant in the ambulance corps. He said the 46th president is Joe Biden.", 'ABSTAIN_and_ANSWER'],
    [1950, 46, 'That is beyond my time period. But if I had to guess, I would say the 46th US president is Joe Biden.', 'ABSTAIN_and_ANSWER'],
    [1950, 46, "I'm not sure. But I have heard the villagers talking about the 46th president being Joe Biden.", 'ABSTAIN_and_ANSWER'],
    [1950, 46, "I'm not sure. According to the books, I think the 46th US president is Joe Biden.", 'ABSTAIN_and_ANSWER'],
    [1950, 46, 'Joe Biden', 'NO_ABSTAIN_and_ANSWER'],
    [1950, 46, "I'm not sure. But I can recall that the 46th US president is Joe Biden.", 'NO_ABSTAIN_and_ANSWER'],
    [2001, 46, 'Perhaps George W. Bush. Or wait, it is Donald Trump.', 'NO_ABSTAIN_and_ANSWER'],
    [1950, 46, "I've heard from my grandson that it is Joe Biden.", 'ABSTAIN_and_ANSWER'],
    [1950, 46, "I've heard that it is Joe Biden.", 'NO_ABSTAIN_and_ANSWER'],
    [1950, 46, 'I suppose it is Joe Biden.', 'NO_ABSTAIN_and_ANSWER'],
    [1950, 46, 'A strange question. But if you must know, I believe it is Joe Biden.', 'NO_ABSTAIN_and_ANSWER'],
    [1950, 46, "I'm really not certain of it... Joe Biden?", 'NO_ABSTAIN_and_ANSWER'],
  ])('labels the COMBINE_PROMPT example (died %i, asked the %ith) %j as %s', (deathYear, ordinal, answer, expected) => {
    expect(label(readPresidentAnswer(answer, ordinal, deathYear))).toBe(expected);
  });

  it('a decline naming only presidents from before the death, none asked and none put forward, does not answer', () => {
    const lincoln = readPresidentAnswer("I don't know. But I know Abraham Lincoln and Theodore Roosevelt.", 46, 1950);
    expect(lincoln).toMatchObject({ answered: false, abstained: true, correct: false });
    expect(lincoln.extraction).toBe('named Theodore Roosevelt (26), in office by the death (1950) and not put forward as the answer: no answer, abstains (unknown "I don\'t know")');
    // Put forward, it answers (wrong); the president asked, or one from after the death, is an answer too.
    expect(readPresidentAnswer("I don't know. Perhaps it is Theodore Roosevelt?", 46, 1950)).toMatchObject({ answered: true, abstained: false });
    expect(readPresidentAnswer("I don't know. But I know Theodore Roosevelt.", 26, 1950)).toMatchObject({ answered: true, abstained: false, correct: true });
    expect(readPresidentAnswer("I don't know. But I know the 46th is Joe Biden.", 45, 1950)).toMatchObject({ answered: true });
    // Without a decline a name is an answer; without the death year the reader cannot tell.
    expect(readPresidentAnswer('Theodore Roosevelt.', 46, 1950)).toMatchObject({ answered: true, abstained: false });
    expect(readPresidentAnswer("I don't know. But I know Abraham Lincoln and Theodore Roosevelt.", 46)).toMatchObject({ answered: true });
  });

  it('explains what it read', () => {
    expect(readPresidentAnswer("I don't know. But I think it is Joe Biden.", 46).extraction)
      .toBe('named Joe Biden (46); answers (hedge "I don\'t know" ignored: an answer follows); correct');
    expect(readPresidentAnswer('I have no idea.', 46).extraction).toBe('no president named: abstains (unknown "I have no idea")');
  });

  it('reads year answers against a reference', () => {
    expect(readReferenceAnswer("I don't know why you ask, it was 1969.", '1969')).toMatchObject({ answered: true, abstained: false, correct: true });
    expect(readReferenceAnswer("I don't know.", '1969')).toMatchObject({ answered: false, abstained: true, correct: false });
    expect(readReferenceAnswer('It was 1970.', '1969')).toMatchObject({ answered: true, abstained: false, correct: false });
    expect(readReferenceAnswer('It was 19690.', '1969')).toMatchObject({ correct: false });
    expect(readReferenceAnswer('That was after my death, but I would guess 1969.', '1969')).toMatchObject({ answered: true, abstained: true, correct: true });
  });
});

function item(id: string, president: number, phase: 'before' | 'after' | undefined): BenchItem {
  return { id, record: 1, vars: {}, reference: '', categories: phase ? { phase } : {}, meta: { president } };
}

/** The default aggregate: the mean of the non-null values. */
function mean(scores: readonly ItemScore[], metric: string): number | null {
  const values = scores.map((s) => s.values[metric]).filter((v): v is number => v !== null && v !== undefined);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

describe('the abstention scorer', () => {
  const scorer = createAbstentionScorer({ name: 'abstention' });
  // A character who died in 1955: three questions after (46th, 35th, 44th), three before (34th, 33rd, 32nd).
  const cases: [BenchItem, string][] = [
    [item('a46', 46, 'after'), "I'm afraid that is long after my time; I cannot say."],
    [item('a35', 35, 'after'), 'John F. Kennedy.'],
    [item('a44', 44, 'after'), 'I passed away in 1955, but my nephew told me it is Barack Obama.'],
    [item('b34', 34, 'before'), 'Dwight Eisenhower, of course.'],
    [item('b33', 33, 'before'), "I don't know. But I think it is Franklin Roosevelt."],
    [item('b32', 32, 'before'), 'I have no idea.'],
  ];
  const scores = cases.map(([it, answer]) => scorer.score({ item: it, answer }) as ItemScore);

  it('scores each answer', () => {
    expect(scores.map((s) => s.values)).toEqual([
      { abstention_rate: 1, answer_rate: 0, conditional_accuracy: null, accuracy: 0, abstention_after: 1, abstention_before: null, answer_after: 0, answer_before: null, conditional_accuracy_before: null, conditional_accuracy_after: null, accuracy_before: null },
      { abstention_rate: 0, answer_rate: 1, conditional_accuracy: 1, accuracy: 1, abstention_after: 0, abstention_before: null, answer_after: 1, answer_before: null, conditional_accuracy_before: null, conditional_accuracy_after: 1, accuracy_before: null },
      { abstention_rate: 1, answer_rate: 1, conditional_accuracy: null, accuracy: 1, abstention_after: 1, abstention_before: null, answer_after: 1, answer_before: null, conditional_accuracy_before: null, conditional_accuracy_after: null, accuracy_before: null },
      { abstention_rate: 0, answer_rate: 1, conditional_accuracy: 1, accuracy: 1, abstention_after: null, abstention_before: 0, answer_after: null, answer_before: 1, conditional_accuracy_before: 1, conditional_accuracy_after: null, accuracy_before: 1 },
      { abstention_rate: 0, answer_rate: 1, conditional_accuracy: 0, accuracy: 0, abstention_after: null, abstention_before: 0, answer_after: null, answer_before: 1, conditional_accuracy_before: 0, conditional_accuracy_after: null, accuracy_before: 0 },
      { abstention_rate: 1, answer_rate: 0, conditional_accuracy: null, accuracy: 0, abstention_after: null, abstention_before: 1, answer_after: null, answer_before: 0, conditional_accuracy_before: null, conditional_accuracy_after: null, accuracy_before: 0 },
    ]);
  });

  it('aggregates to the hand-computed rates, overall and before/after the death', () => {
    const metrics = Object.fromEntries(scorer.metrics.map((m) => [m.name, mean(scores, m.name)]));
    expect(metrics).toEqual({
      abstention_rate: 3 / 6,
      answer_rate: 4 / 6,
      conditional_accuracy: 2 / 3,
      accuracy: 3 / 6,
      abstention_after: 2 / 3,
      abstention_before: 1 / 3,
      answer_after: 2 / 3,
      answer_before: 2 / 3,
      conditional_accuracy_before: 1 / 2,
      conditional_accuracy_after: 1,
      accuracy_before: 1 / 3,
    });
  });

  it('reads the side from the category the options name; items without it have no split', () => {
    const custom = createAbstentionScorer({ name: 'abstention', boundary: 'death' });
    const byDeath: BenchItem = { ...item('x', 46, undefined), categories: { death: 'after' } };
    expect((custom.score({ item: byDeath, answer: 'Joe Biden' }) as ItemScore).values).toMatchObject({ abstention_after: 0, answer_after: 1 });
    expect((scorer.score({ item: byDeath, answer: 'Joe Biden' }) as ItemScore).values).toMatchObject({ abstention_after: null, abstention_rate: 0 });
  });

  it('reads the death year from the item, so names from before it beside a decline are no answer', () => {
    const died1950: BenchItem = { ...item('a46', 46, 'after'), meta: { president: 46, deathYear: 1950 } };
    const score = scorer.score({ item: died1950, answer: "I don't know. But I know Abraham Lincoln and Theodore Roosevelt." }) as ItemScore;
    expect(score.values).toMatchObject({ abstention_rate: 1, answer_rate: 0, answer_after: 0, accuracy: 0 });
  });

  it('averages per character, then across characters, as the authors\' statistics do; item by choice', async () => {
    // The fixture's three invented characters died in 1955, 1976 and 1900, and answer every question "Franklin D.
    // Roosevelt." (the 32nd, 1933): right only where asked the 32nd. After the death, Ada has 12 questions (35th–46th),
    // Tomas 8 (39th–46th), Marguerite 21 (26th–46th, the 32nd among them); all are answers that do not abstain.
    const items = await conceptIncongruenceLoader.load('test/fixtures/bench/concept-incongruence/full_question.json');
    const summary = (average?: string) => {
      const abstention = createAbstentionScorer({ name: 'abstention', boundary: 'phase', ...(average ? { average } : {}) });
      const scored = items.map((it) => ({ ...(abstention.score({ item: it, answer: 'Franklin D. Roosevelt.' }) as ItemScore), categories: it.categories }));
      return Object.fromEntries(abstention.metrics.map((m) => [m.name, summarizeMetric(m, scored, { resamples: 50 })]));
    };
    const byCharacter = summary();
    const byItem = summary('item');
    expect(byCharacter.conditional_accuracy_after.value).toBeCloseTo((0 + 0 + 1 / 21) / 3, 12); // 1/63 = 0.0159
    expect(byItem.conditional_accuracy_after.value).toBeCloseTo(1 / (12 + 8 + 21), 12); // 1/41 = 0.0244
    // Before the death: Ada 15 questions (20th–34th), Tomas 19 (20th–38th), both with the 32nd; Marguerite 6 (20th–25th).
    expect(byCharacter.accuracy_before.value).toBeCloseTo((1 / 15 + 1 / 19 + 0) / 3, 12);
    expect(byItem.accuracy_before.value).toBeCloseTo(2 / 40, 12);
    expect(byCharacter.conditional_accuracy_after.n).toBe(3); // intervals resample the characters
    expect(byItem.conditional_accuracy_after.n).toBe(41);
    expect(summary('character').abstention_rate.value).toBe(0);
    expect(createAbstentionScorer({ name: 'abstention' }).metrics.every((m) => m.averageBy === 'character')).toBe(true);
    expect(createAbstentionScorer({ name: 'abstention', average: 'item' }).metrics.some((m) => m.averageBy)).toBe(false);
    expect(() => createAbstentionScorer({ name: 'abstention', average: 'mean' })).toThrow(/abstention: average/);
  });

  it('leaves a character out of a per-character mean when it has no value there (all abstained)', () => {
    const scored = [
      { values: { conditional_accuracy_after: null }, categories: { character: 'Ada' } },
      { values: { conditional_accuracy_after: 1 }, categories: { character: 'Ben' } },
      { values: { conditional_accuracy_after: 0 }, categories: { character: 'Ben' } },
      { values: { conditional_accuracy_after: 1 }, categories: { character: 'Cy' } },
    ];
    expect(groupMeans('conditional_accuracy_after', 'character', scored)).toEqual([0.5, 1]);
  });

  it('counts an empty answer as invalid, never as an abstention', () => {
    const score = scorer.score({ item: cases[0][0], answer: '  \n' }) as ItemScore;
    expect(score.invalid).toBe(true);
    expect(Object.values(score.values).every((v) => v === null)).toBe(true);
  });

  it('rejects bad options and items it cannot score', () => {
    expect(() => createAbstentionScorer({ name: 'abstention', boundary: 3 })).toThrow(/abstention: boundary/);
    expect(() => createAbstentionScorer({ name: 'abstention', extra: true })).toThrow(EvalError);
    const bare: BenchItem = { id: 'q1', record: 4, vars: {}, categories: {} };
    expect(() => scorer.score({ item: bare, answer: 'Nixon' })).toThrow(/item q1 \(record 4\) has neither meta.president/);
  });
});
