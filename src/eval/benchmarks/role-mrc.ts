import type { BenchmarkDefinitionInput } from '../definition.ts';

/**
 * RoleMRC's test set as its authors run it (`evaluation/evaluation.py`): each record's own chat (system role
 * profile, passages, questions, earlier turns) is sent as is, at temperature 0 with at most 256 new tokens, and the
 * reply is compared with the reference. Their LLM-judge dimensions (`llm_judge.py`) are not part of this built-in.
 */
export const roleMrcBenchmark: BenchmarkDefinitionInput = {
  name: 'role-mrc',
  title: 'RoleMRC',
  description: 'Role-playing reading comprehension: in character, answer from given passages, refuse beyond the role\'s knowledge, '
    + 'say when a passage has no answer, and follow nested, multi-turn and prioritised instructions; scored against reference answers.',
  dataset: { loader: 'role-mrc' },
  scorers: ['reference'],
  categories: ['task', 'scenario', 'expected', 'knowledge', 'narration', ['knowledge', 'expected']],
  primaryMetric: 'rougeL',
  sampling: { temperature: 0, maxTokens: 256 },
};
