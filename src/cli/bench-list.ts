import { BUILT_IN_BENCHMARKS, type BenchmarkDefinition, type BenchItem, LOADERS, SCORERS } from '../eval/index.ts';

export interface Catalogue {
  benchmarks: { name: string; title: string; loader: string; description?: string; scorers: string[]; format: string; source: string }[];
  scorers: string[];
  text: string;
}

/** The built-in benchmarks (or one), their loaders' formats and sources, and the scorers a YAML file may name. */
export function benchCatalogue(name?: string): Catalogue {
  const chosen = BUILT_IN_BENCHMARKS.filter((b) => !name || b.name === name);
  const benchmarks = chosen.map((b) => {
    const loader = LOADERS.find((l) => l.name === b.dataset.loader);
    return {
      name: b.name, title: b.title ?? b.name, loader: b.dataset.loader, ...(b.description ? { description: b.description } : {}),
      scorers: b.scorers.map((s) => (typeof s === 'string' ? s : s.name)), format: loader?.format ?? '', source: loader?.source ?? '',
    };
  });
  const lines: string[] = [];
  for (const b of benchmarks) {
    lines.push(`${b.name} — ${b.title}`);
    if (b.description) lines.push(`  ${b.description}`);
    lines.push(`  data: ${b.format}`, `  from: ${b.source}`, `  scorers: ${b.scorers.join(', ')}`, '');
  }
  const other = LOADERS.filter((l) => !chosen.some((b) => b.dataset.loader === l.name));
  if (!name && other.length) {
    lines.push('Loaders for benchmark YAML files (dataset.loader):');
    for (const l of other) lines.push(`  ${l.name}: ${l.format}`);
    lines.push('');
  }
  lines.push(`Scorers (scorers: in a benchmark YAML): ${Object.keys(SCORERS).join(', ')}`);
  if (name && benchmarks.length === 0) lines.unshift(`no built-in benchmark named '${name}'`);
  return { benchmarks, scorers: Object.keys(SCORERS), text: lines.join('\n') };
}

export interface DatasetStats {
  items: number;
  /** Item counts per value of each category, and per group of each crossed breakdown. */
  breakdowns: { by: string[]; counts: Record<string, number> }[];
}

/** Counts a data file's items by the benchmark's categories (single and crossed). */
export function datasetStats(definition: BenchmarkDefinition, items: readonly BenchItem[]): DatasetStats {
  return {
    items: items.length,
    breakdowns: definition.categories.map((spec) => {
      const by = Array.isArray(spec) ? spec : [spec];
      const counts: Record<string, number> = {};
      for (const item of items) {
        const label = by.map((name) => String(item.categories[name] ?? '(none)')).join(' · ');
        counts[label] = (counts[label] ?? 0) + 1;
      }
      const sorted = Object.entries(counts).sort(([x], [y]) => x.localeCompare(y, 'en', { numeric: true }));
      return { by, counts: Object.fromEntries(sorted) };
    }),
  };
}

export function formatStats(definition: BenchmarkDefinition, data: string, stats: DatasetStats): string {
  const lines = [`${definition.title ?? definition.name}: ${stats.items} items in ${data}`];
  for (const breakdown of stats.breakdowns) {
    lines.push('', `by ${breakdown.by.join(' × ')}:`);
    const width = Math.max(...Object.keys(breakdown.counts).map((k) => k.length));
    for (const [label, count] of Object.entries(breakdown.counts)) lines.push(`  ${label.padEnd(width)}  ${String(count).padStart(5)}`);
  }
  return lines.join('\n');
}
