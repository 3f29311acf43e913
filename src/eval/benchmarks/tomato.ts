import type { BenchmarkDefinitionInput } from '../definition.ts';

/**
 * ToMATO as its authors ask it in `code/run_local_llm.py` (`generate_prompt_qa`, options shown, generation as the
 * code README's `--do_gen_qa --do_sample` command runs it): their system instruction, then `# Transcript `, the
 * conversation, `# Question `, the question, `# Options ` and the options as `[A] …` lines, each line ending in a
 * newline, character for character (the trailing spaces after the headings are theirs). The released files name
 * the transcript `conversation`. `code/run_gpt.py` asks differently (another system instruction, and no
 * transcript at all: its question alone cannot be answered from the released records), so it is not used.
 * Sampling as that command: temperature 0.6, 256 new tokens (their top_p 0.9 is not sent).
 */
export const tomatoBenchmark: BenchmarkDefinitionInput = {
  name: 'tomato',
  title: 'ToMATO',
  description: 'Theory of mind over role-play conversations: 4-option multiple choice on beliefs, intentions, desires, emotions and knowledge (first and second order, false beliefs); '
    + 'asked with the prompt of the authors\' code/run_local_llm.py (generate_prompt_qa).',
  dataset: { loader: 'tomato' },
  prompt: {
    system: 'You are an expert at understanding human communication. Please leverage the information provided and choose the most probable answer to the question from the options. '
      + 'Output your final answer by strictly following this format: [A], [B], [C], or [D]',
    user: '# Transcript \n{{conversation}}\n\n# Question \n{{q}}\n\n# Options \n{{options_bracketed}}\n',
  },
  scorers: ['choice'],
  categories: ['mental_state', 'order', 'false_belief', 'big_five', ['mental_state', 'order', 'false_belief']],
  primaryMetric: 'accuracy',
  sampling: { temperature: 0.6, maxTokens: 256 },
};
