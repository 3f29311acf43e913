import type { BenchmarkDefinitionInput } from '../definition.ts';
import { beyondOneWorldCanonBenchmark } from './beyond-one-world-canon.ts';
import { beyondOneWorldDilemmaBenchmark } from './beyond-one-world-dilemma.ts';
import { conceptIncongruenceBenchmark } from './concept-incongruence.ts';
import { moralRolePlayBenchmark } from './moral-roleplay.ts';
import { personaEvalBenchmark } from './persona-eval.ts';
import { roleMrcBenchmark } from './role-mrc.ts';
import { tomatoBenchmark } from './tomato.ts';

/** The benchmarks `bench run NAME` knows. */
export const BUILT_IN_BENCHMARKS: readonly BenchmarkDefinitionInput[] = [
  tomatoBenchmark, personaEvalBenchmark, roleMrcBenchmark, beyondOneWorldCanonBenchmark, beyondOneWorldDilemmaBenchmark, conceptIncongruenceBenchmark, moralRolePlayBenchmark,
];
