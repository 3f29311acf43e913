import type { BenchmarkDefinitionInput } from '../definition.ts';

/**
 * Beyond One World, Moral Dilemmas, as its authors ask it (`generate_answer.py`, `dilemma_answer`): the role line with
 * the version's profile, the situation with both choices and their consequences, and the question of the dilemma's
 * type inside `<question> … <question/>`. The authors split thinking from acting afterwards with a second model, into
 * `<thinking>` and `<acting>`; here the character is asked for those two tags directly, so the split is read by rule.
 * The `think-act` scorer needs a judge model (`--judge`; the paper's judge was Claude 3.7 Sonnet).
 */
export const beyondOneWorldDilemmaBenchmark: BenchmarkDefinitionInput = {
  name: 'beyond-one-world-dilemma',
  title: 'Beyond One World: Moral Dilemmas',
  description: 'Version-specific super hero role-play (30 heroes, 90 versions across Marvel and DC canons): ethically charged two-choice dilemmas answered in character, reasoning then action; judged thinking and acting (0–5) and Think–Act Matching.',
  dataset: { loader: 'beyond-one-world-dilemma' },
  prompt: {
    user: [
      'You are playing the role of {{name}}, act and think as {{name}}, from {{background}}, the situation is {{dilemma}}',
      ' <question> {{question}} <question/>',
      'Answer in character: first your reasoning inside <thinking>…</thinking>, then your decision and what you do inside <acting>…</acting>, starting the decision with the letter of your choice (A or B).',
    ].join('\n'),
  },
  scorers: ['think-act'],
  categories: ['dilemma_type', 'hero', 'universe', 'version', ['hero', 'dilemma_type']],
  primaryMetric: 'think_act_match',
  sampling: { temperature: 0.6, maxTokens: 1024 },
};
