import { EvalError } from './errors.ts';
import type { CategoryValue } from './item.ts';
import type { ItemRecord } from './results.ts';
import { pairedDifference, type PairedDifference } from './stats.ts';

/** One side of a comparison: a run's id, models, primary metric and item records. */
export interface ComparedRun {
  id: string;
  models: string[];
  primaryMetric: string;
  items: readonly ItemRecord[];
  /** How the run asked its items (`the released prompt`, `the character agent`…), shown beside its id. */
  askedBy?: string;
  /** The categories to break the difference down by (the benchmark's own, single ones). */
  categories?: readonly string[];
}

/** The paired difference within one value of a category (`mental_state = belief`). */
export interface CategoryDifference {
  category: string;
  value: CategoryValue;
  difference: PairedDifference;
}

export interface ModelPair {
  modelA: string;
  modelB: string;
  difference: PairedDifference;
  /** Items scored in one run only (not in the comparison). */
  onlyA: number;
  onlyB: number;
  /** The same difference per value of each category, categories in the benchmark's order, values by name. */
  byCategory: CategoryDifference[];
}

export interface RunComparison {
  metric: string;
  runA: string;
  runB: string;
  askedByA?: string;
  askedByB?: string;
  pairs: ModelPair[];
}

/**
 * Paired comparison of two runs on the same items: a run with one model against a run with one model, else each
 * model both runs share. Items pair by id; only items both runs finished with a value for the metric count.
 */
export function compareRuns(options: { a: ComparedRun; b: ComparedRun; metric?: string; seed?: number }): RunComparison {
  const { a, b } = options;
  const metric = options.metric ?? a.primaryMetric;
  const pairs: [string, string][] = a.models.length === 1 && b.models.length === 1
    ? [[a.models[0], b.models[0]]]
    : a.models.filter((m) => b.models.includes(m)).map((m) => [m, m]);
  if (pairs.length === 0) {
    throw new EvalError('eval/compare', `runs ${a.id} and ${b.id} share no model (${a.models.join(', ')} vs ${b.models.join(', ')}); compare runs of one model each, or runs of the same models`);
  }
  const hasMetric = (items: readonly ItemRecord[]) => items.some((item) => typeof item.values[metric] === 'number');
  for (const side of [a, b]) {
    if (!hasMetric(side.items)) throw new EvalError('eval/compare', `run ${side.id} has no values for metric '${metric}'; pick one with --metric`);
  }
  const categoriesOf = new Map(a.items.map((item) => [item.itemId, item.categories]));
  return {
    metric, runA: a.id, runB: b.id,
    ...(a.askedBy ? { askedByA: a.askedBy } : {}), ...(b.askedBy ? { askedByB: b.askedBy } : {}),
    pairs: pairs.map(([modelA, modelB]) => {
      const valuesA = valuesById(a.items, modelA, metric);
      const valuesB = valuesById(b.items, modelB, metric);
      const shared = [...valuesA.keys()].filter((id) => valuesB.has(id));
      if (shared.length === 0) throw new EvalError('eval/compare', `runs ${a.id} and ${b.id} have no scored item in common for ${modelA} and ${modelB}`);
      const paired = (ids: readonly string[]) => pairedDifference(ids.map((id) => valuesA.get(id)!), ids.map((id) => valuesB.get(id)!), { seed: options.seed });
      return {
        modelA, modelB,
        difference: paired(shared),
        onlyA: valuesA.size - shared.length,
        onlyB: valuesB.size - shared.length,
        byCategory: (a.categories ?? []).flatMap((category) => groupBy(shared, (id) => categoriesOf.get(id)?.[category])
          .map(([value, ids]) => ({ category, value, difference: paired(ids) }))),
      };
    }),
  };
}

/** Ids grouped by a value (items without one left out), groups in the order of their values. */
function groupBy(ids: readonly string[], valueOf: (id: string) => CategoryValue | undefined): [CategoryValue, string[]][] {
  const groups = new Map<CategoryValue, string[]>();
  for (const id of ids) {
    const value = valueOf(id);
    if (value === undefined) continue;
    const group = groups.get(value);
    if (group) group.push(id);
    else groups.set(value, [id]);
  }
  return [...groups].sort(([x], [y]) => String(x).localeCompare(String(y), 'en', { numeric: true }));
}

function valuesById(items: readonly ItemRecord[], model: string, metric: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const item of items) {
    const value = item.values[metric];
    if (item.model === model && item.status === 'done' && typeof value === 'number') values.set(item.itemId, value);
  }
  return values;
}
