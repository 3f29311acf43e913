import type { BenchmarkDefinitionInput } from '../definition.ts';

/**
 * Beyond One World, Canon Events, as its authors ask it (`generate_answer.py`, `canon_event`): the role line, then the
 * question and its options inside `<question> … <question/>`. The authors read the letter with a second model; the
 * `choice` scorer reads it by rule, so the prompt adds one line asking for the letter.
 */
export const beyondOneWorldCanonBenchmark: BenchmarkDefinitionInput = {
  name: 'beyond-one-world-canon',
  title: 'Beyond One World: Canon Events',
  description: 'Version-specific super hero role-play (30 heroes, 90 versions across Marvel and DC canons): multiple-choice recall of each version\'s pivotal decisions by life stage (Childhood, Pre-Hero, Hero1–3).',
  dataset: { loader: 'beyond-one-world-canon' },
  prompt: {
    user: 'You are playing the role of {{name}}, act and think as {{name}}, from {{lore}}\n <question> {{question}}\n{{options}} <question/>\nAnswer with the letter of your choice: {{letters}}.',
  },
  scorers: ['choice'],
  categories: ['stage', 'hero', 'universe', 'version', ['hero', 'stage']],
  primaryMetric: 'accuracy',
  sampling: { temperature: 0.6, maxTokens: 1024 },
};
