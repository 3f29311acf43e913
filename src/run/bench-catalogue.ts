import { BUILT_IN_BENCHMARKS, findLoader, LOADERS, optionLetter, resolveBenchmark, SCORERS, type BenchItem, type BenchmarkDefinition } from '../eval/index.ts';

export interface BenchCatalogue {
  /** The built-in benchmarks asked for (all, or the one named). */
  benchmarks: { name: string; title: string; loader: string; description?: string; scorers: string[]; format: string; source: string }[];
  /** The loaders no listed benchmark uses, for benchmark YAML files (`dataset.loader`); empty when one benchmark was named. */
  otherLoaders: { name: string; format: string }[];
  /** The scorers a benchmark YAML may name. */
  scorers: string[];
}

/** The built-in benchmarks (or the one named), their loaders' formats and sources, and the scorers a YAML file may name. */
export function benchCatalogue(name?: string): BenchCatalogue {
  const chosen = BUILT_IN_BENCHMARKS.filter((b) => !name || b.name === name);
  const benchmarks = chosen.map((b) => {
    const loader = LOADERS.find((l) => l.name === b.dataset.loader);
    return {
      name: b.name, title: b.title ?? b.name, loader: b.dataset.loader, ...(b.description ? { description: b.description } : {}),
      scorers: b.scorers.map((s) => (typeof s === 'string' ? s : s.name)), format: loader?.format ?? '', source: loader?.source ?? '',
    };
  });
  const otherLoaders = name ? [] : LOADERS.filter((l) => !chosen.some((b) => b.dataset.loader === l.name)).map((l) => ({ name: l.name, format: l.format }));
  return { benchmarks, otherLoaders, scorers: Object.keys(SCORERS) };
}

export interface DatasetStats {
  items: number;
  /** Item counts per value of each category, and per group of each crossed breakdown. */
  breakdowns: { by: string[]; counts: Record<string, number> }[];
  /** Multiple-choice sets: items per letter of the gold option as released (A = the first option); absent otherwise. */
  goldLetters?: Record<string, number>;
}

/** Counts a data file's items by the benchmark's categories (single and crossed). */
export function datasetStats(definition: BenchmarkDefinition, items: readonly BenchItem[]): DatasetStats {
  const goldLetters = goldLettersOf(items);
  return {
    items: items.length,
    ...(goldLetters ? { goldLetters } : {}),
    breakdowns: definition.categories.map((spec) => {
      const by = Array.isArray(spec) ? spec : [spec];
      const counts: Record<string, number> = {};
      for (const item of items) {
        const label = by.map((category) => String(item.categories[category] ?? '(none)')).join(' · ');
        counts[label] = (counts[label] ?? 0) + 1;
      }
      const sorted = Object.entries(counts).sort(([x], [y]) => x.localeCompare(y, 'en', { numeric: true }));
      return { by, counts: Object.fromEntries(sorted) };
    }),
  };
}

/** Items per letter of their gold option (every letter up to the most options an item has), or undefined when no item has options and an answer. */
function goldLettersOf(items: readonly BenchItem[]): Record<string, number> | undefined {
  const chosen = items.filter((item) => item.options !== undefined && item.options.length > 0 && item.answer !== undefined && item.answer >= 0);
  if (chosen.length === 0) return undefined;
  const width = Math.max(...chosen.map((item) => item.options!.length));
  const counts: Record<string, number> = Object.fromEntries(Array.from({ length: width }, (_, i) => [optionLetter(i), 0]));
  for (const item of chosen) counts[optionLetter(item.answer!)]! += 1;
  return counts;
}

/** Loads a benchmark's data (its own, or `data`) and counts its items by the benchmark's categories. */
export async function benchDataStats(options: { benchmark: string; data?: string; cwd?: string; maxBytes?: number }): Promise<{ definition: BenchmarkDefinition; dataPath: string; stats: DatasetStats }> {
  const benchmark = await resolveBenchmark(options.benchmark, { data: options.data, cwd: options.cwd ?? process.cwd(), maxBytes: options.maxBytes });
  const items = await findLoader(benchmark.definition.dataset.loader).load(benchmark.dataPath, { maxBytes: options.maxBytes });
  return { definition: benchmark.definition, dataPath: benchmark.dataPath, stats: datasetStats(benchmark.definition, items) };
}
