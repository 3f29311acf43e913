import type { BenchmarkDefinitionInput } from '../definition.ts';
import { tomatoBenchmark } from './tomato.ts';

/** The benchmarks `bench run NAME` knows. */
export const BUILT_IN_BENCHMARKS: readonly BenchmarkDefinitionInput[] = [tomatoBenchmark];
