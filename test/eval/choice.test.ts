import { describe, expect, it } from 'vitest';
import type { BenchItem } from '../../src/eval/item.ts';
import { createChoiceScorer } from '../../src/eval/scorers/choice.ts';
import { extractChoice } from '../../src/eval/scorers/extract-choice.ts';

const options = ['He feels relieved', 'He feels betrayed', 'He feels amused by the joke', 'He feels nothing'];

describe('extractChoice', () => {
  it.each([
    ['B', 1],
    ['[C]', 2],
    ['(D)', 3],
    ['A)', 0],
    ['**B**', 1],
    ['B) He feels betrayed', 1],
    ['C. because of the joke', 2],
    ['The answer is C.', 2],
    ['the answer is b)', 1],
    ['Answer: (D)', 3],
    ['Final answer: **A**', 0],
    ['Let me think. A seems plausible, but no. The answer is B', 1],
    ['At first I thought the answer is A, but on reflection the answer is D.', 3],
    ['I choose option C', 2],
    ['Option B is correct, since he lied.', 1],
    ['{"answer": "D"}', 3],
    ['```json\n{"answer": 2}\n```', 2],
    ['{"answer": "He feels betrayed"}', 1],
    ['I think he feels betrayed by his friend.', 1],
    ['He feels amused by the joke', 2],
    ['<think>maybe [A]</think> [B]', 1],
    ['B is correct.', 1],
    ['c)', 2],
    ['a', 0],
    ['The correct option is D', 3],
    ['The correct choice is (A).', 0],
    ['I think it is B because he lied.', 1],
    ['B\n\nExplanation: he lied', 1],
    ['答案是B', 1],
    ['My final answer is option 2', 1],
    ['A) relieved? No. B) betrayed? Yes. So B.', 1],
    ['It is a hard one. I would say the answer is C.', 2],
    ["I'd go with [C]", 2],
  ])('reads %j as option %i', (answer, index) => {
    const result = extractChoice(answer, options);
    expect(result).toMatchObject({ ok: true, index });
  });

  it.each([
    ['', 'empty'],
    ['I am not sure.', 'no option'],
    ['Either [A] or [C]', 'several options'],
    ['The answer is E', 'letter E is not one of the 4 options'],
    ['He feels', 'no option'],
    ['The answer is a feeling of dread', 'no option'],
    ["It's a trick question.", 'no option'],
    ['A or B, probably B', 'no option'],
  ])('refuses %j (%s)', (answer, reason) => {
    const result = extractChoice(answer, options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('does not read a contained option when another one is named too', () => {
    expect(extractChoice('he feels relieved and he feels nothing', options).ok).toBe(false);
  });
});

describe('choice scorer', () => {
  const item: BenchItem = { id: 'q1', record: 1, vars: {}, options, answer: 1, categories: {} };
  const scorer = createChoiceScorer();

  it('maps the shown letter back through the option order', async () => {
    // Shown order: released 3, 1, 0, 2 → "B" shown is released option 1 (right); "A" is released 3 (wrong).
    expect((await scorer.score({ item, answer: 'B', order: [3, 1, 0, 2] })).values).toMatchObject({ accuracy: 1, strict_accuracy: 1, invalid_rate: 0, position: 1 });
    expect((await scorer.score({ item, answer: 'A', order: [3, 1, 0, 2] })).values).toMatchObject({ accuracy: 0, strict_accuracy: 0 });
    expect((await scorer.score({ item, answer: 'B' })).values.accuracy).toBe(1);
  });

  it('counts an unreadable answer as invalid: no accuracy, wrong only under strict accuracy', async () => {
    const score = await scorer.score({ item, answer: 'It is hard to say.' });
    expect(score).toMatchObject({ invalid: true, values: { accuracy: null, strict_accuracy: 0, invalid_rate: 1 } });
    expect(score.extraction).toContain('unreadable');
  });

  it('refuses options it does not know and items without an answer', async () => {
    expect(() => createChoiceScorer({ name: 'choice', letters: 5 })).toThrow(/takes no options/);
    await expect(async () => scorer.score({ item: { ...item, answer: undefined }, answer: 'A' })).rejects.toThrow(/multiple-choice data/);
  });
});
