import type { BenchmarkDefinitionInput } from '../definition.ts';

/**
 * PersonaEval as its authors run it (`personaeval/models.py`): each released `prompt` is sent alone as the user
 * message (it holds the dialogue, the candidates and the request for a JSON of probabilities keyed by name), at
 * temperature 0; calibration uses the 20 bins of their `metrics.py`. Options are shown as released: the prompt text
 * lists them itself, so `--shuffle-options` changes nothing here.
 */
export const personaEvalBenchmark: BenchmarkDefinitionInput = {
  name: 'persona-eval',
  title: 'PersonaEval',
  description: 'Role identification from human-authored dialogue (novels, screenplays, Wired "5 Levels"): which candidate is speaking, '
    + 'answered as a probability per candidate (top-1/top-2 accuracy, mean rank, Brier score, calibration error).',
  dataset: { loader: 'persona-eval' },
  prompt: { user: '{{prompt}}' },
  scorers: [{ name: 'distribution', bins: 20 }],
  categories: ['track'],
  primaryMetric: 'top1',
  sampling: { temperature: 0 },
};
