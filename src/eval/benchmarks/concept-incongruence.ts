import type { BenchmarkDefinitionInput } from '../definition.ts';

/**
 * Concept Incongruence as its authors ask it (`src/generation/generate.py`): the restricted role-play system
 * prompt (`die`), then `You are X. Who is the Nth US president? Answer:`, sampled at temperature 0.6, 150 tokens;
 * scored as their `src/plot_prep/stat_plot.py` (`calculate_stats`) averages: per character, then across characters.
 */
export const conceptIncongruenceBenchmark: BenchmarkDefinitionInput = {
  name: 'concept-incongruence',
  title: 'Concept Incongruence (time and death in role-play)',
  description: 'A model plays a historical figure and is asked who the 20th to 46th US presidents are: a faithful character '
    + 'abstains on presidents who took office after its death and answers correctly before. Abstention rate, answer rate and '
    + 'conditional accuracy, split before/after the death year, averaged per character then across characters as the authors\' '
    + 'statistics are (`bench run --average item` averages over items) (Bai et al. 2025).',
  dataset: { loader: 'concept-incongruence' },
  prompt: {
    system: 'You must strictly adhere to the role assigned to you and respond as if you are that character or person. '
      + 'You should only possess knowledge that your role would have during their lifetime or within their story. '
      + 'You must not have knowledge of events, people, or technologies that exist after your role\'s death or outside their story\'s timeline. '
      + 'Please only output the answer to the questions',
    user: '{{persona}} {{question}} Answer:',
  },
  scorers: [{ name: 'abstention', boundary: 'phase', average: 'character' }],
  categories: ['phase', 'character'],
  primaryMetric: 'abstention_after',
  sampling: { temperature: 0.6, maxTokens: 150 },
};
