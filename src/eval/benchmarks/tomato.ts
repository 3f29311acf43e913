import type { BenchmarkDefinitionInput } from '../definition.ts';

/** ToMATO as its authors ask it (`code/run_gpt.py`): a system instruction, the question, options as `[A] …`. */
export const tomatoBenchmark: BenchmarkDefinitionInput = {
  name: 'tomato',
  title: 'ToMATO',
  description: 'Theory of mind over role-play conversations: 4-option multiple choice on beliefs, intentions, desires, emotions and knowledge (first and second order, false beliefs).',
  dataset: { loader: 'tomato' },
  prompt: {
    system: 'You are an expert at answering questions. Please choose the most probable answer to the following question from the options. Output your final verdict by strictly following this format: [A], [B], [C], or [D]',
    user: '# Conversation\n{{conversation}}\n\n# Question\n{{q}}\n\n# Options\n{{options_bracketed}}',
  },
  scorers: ['choice'],
  categories: ['mental_state', 'order', 'false_belief', 'big_five', ['mental_state', 'order', 'false_belief']],
  primaryMetric: 'accuracy',
  sampling: { temperature: 0.6, maxTokens: 500 },
};
