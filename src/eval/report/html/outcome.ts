import type { ItemRecord, MetricInfo } from '../../results.ts';

export type Outcome = 'correct' | 'wrong' | 'invalid' | 'unjudged' | 'failed' | 'pending';

export const outcomes: readonly Outcome[] = ['correct', 'wrong', 'invalid', 'unjudged', 'failed', 'pending'];

/**
 * What happened to an item, for filters: `correct` when the primary metric reached the best end of its range,
 * `wrong` below it; `invalid` / `unjudged` / `failed` / `pending` from its flags and status (an item can carry several).
 */
export function itemOutcomes(item: ItemRecord, primary: MetricInfo): Outcome[] {
  if (item.status === 'failed') return ['failed'];
  if (item.status !== 'done') return ['pending'];
  const found: Outcome[] = [];
  const value = item.values[primary.name];
  if (typeof value === 'number') found.push(value === (primary.higherIsBetter ? primary.range[1] : primary.range[0]) ? 'correct' : 'wrong');
  if (item.invalid) found.push('invalid');
  if (item.unjudged) found.push('unjudged');
  return found;
}

/** The items a capped report shows: problems first (failed, invalid, unjudged), then the rest; in their run order. */
export function selectItems(items: readonly ItemRecord[], max: number): { shown: ItemRecord[]; leftOut: number } {
  if (items.length <= max) return { shown: [...items], leftOut: 0 };
  const flagged = (item: ItemRecord) => item.status === 'failed' || item.invalid || item.unjudged;
  const keep = new Set<ItemRecord>();
  for (const item of items) if (keep.size < max && flagged(item)) keep.add(item);
  for (const item of items) if (keep.size < max && !flagged(item)) keep.add(item);
  return { shown: items.filter((item) => keep.has(item)), leftOut: items.length - keep.size };
}
