import type { BenchSummary, ItemRecord } from '../results.ts';

/** The whole run as pretty JSON: `{ summary, items }`, for other tools. */
export function renderJsonReport(summary: BenchSummary, items: readonly ItemRecord[]): string {
  return `${JSON.stringify({ summary, items }, null, 2)}\n`;
}
