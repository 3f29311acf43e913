/**
 * `dramatis/eval`: benchmarks as data and code: definitions and the built-in benchmarks, dataset loaders, scorers,
 * judges and their validation, statistics, comparisons, reports, the personality interview, the ToMATO export.
 * @example
 * import { resolveBenchmark, findLoader } from 'dramatis/eval';
 * const benchmark = await resolveBenchmark('tomato', { data: 'tomato_fb.json', cwd: process.cwd() });
 * const items = await findLoader(benchmark.definition.dataset.loader).load(benchmark.dataPath);
 */
export * from './eval/index.ts';
export { createBenchRun, executeBenchRun, summarizeBenchRun, benchItemRecords, type CreateBenchRunOptions, type ExecuteBenchRunOptions } from './run/index.ts';
