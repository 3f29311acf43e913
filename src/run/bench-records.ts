import {
  askedBy, compareRuns, renderCsv, renderHtmlReport, renderJsonReport, renderMarkdownReport, reportFormatFor, type BenchSummary, type ItemRecord,
  type RunComparison,
} from '../eval/index.ts';
import type { Env } from '../llm/index.ts';
import type { JobCounts, Run, RunRemoval, Store } from '../store/index.ts';
import { benchItemRecords, benchMeta, primaryMetricOf, runMode, summarizeBenchRun } from './bench-run.ts';
import { deleteRun } from './delete-run.ts';
import { displayStatus } from './local-runner.ts';
import { findRunOfKind } from './run-plan.ts';

// Reading, reporting, comparing and deleting stored benchmark runs.

export interface BenchRunRow {
  id: string;
  benchmark: string;
  /** `stopped` for a run whose process is gone (resume it). */
  status: string;
  models: string[];
  jobs: JobCounts;
  createdAt: string;
}

/** The stored benchmark runs with their status and item counts. */
export async function listBenchRuns(store: Store): Promise<BenchRunRow[]> {
  const runs = await store.listRuns({ kind: 'bench' });
  return Promise.all(runs.map(async (run) => ({
    id: run.id, benchmark: benchMeta(run).benchmark, status: displayStatus(run), models: benchMeta(run).models,
    jobs: await store.jobCounts(run.id), createdAt: run.createdAt,
  })));
}

/** Deletes a benchmark run: its items, scores and token usage; refuses a missing run and a live one (`run/busy`). */
export async function deleteBenchRun(store: Store, runId: string): Promise<RunRemoval> {
  await findRunOfKind(store, runId, 'bench');
  return deleteRun(store, runId, 'bench');
}

/** A stored run's summary (metrics with intervals, breakdowns, usage) and its item × model records. */
export async function benchRunReport(options: { store: Store; runId: string; env: Env }): Promise<{ summary: BenchSummary; items: ItemRecord[] }> {
  const run = await findRunOfKind(options.store, options.runId, 'bench');
  const items = await benchItemRecords(options.store, run);
  return { summary: await summarizeBenchRun(options.store, run, options.env, items), items };
}

/**
 * A report as text in the format its file name asks for (`.html`, `.md`, `.csv`, `.json`); an unknown extension
 * is an `eval/` error naming the formats.
 */
export async function renderBenchReport(fileName: string, summary: BenchSummary, items: readonly ItemRecord[]): Promise<string> {
  const format = reportFormatFor(fileName);
  return format === 'html' ? renderHtmlReport(summary, items)
    : format === 'md' ? renderMarkdownReport(summary)
    : format === 'csv' ? renderCsv(summary)
    : renderJsonReport(summary, items);
}

/** The paired difference of two stored runs on the items both scored (B − A), by `metric` (default: A's primary metric). */
export async function compareBenchRuns(options: { store: Store; runA: string; runB: string; metric?: string }): Promise<RunComparison> {
  const { store } = options;
  const [a, b] = [await findRunOfKind(store, options.runA, 'bench'), await findRunOfKind(store, options.runB, 'bench')];
  const side = async (run: Run) => {
    const meta = benchMeta(run);
    return {
      id: run.id, models: meta.models, primaryMetric: primaryMetricOf(meta.definition), items: await benchItemRecords(store, run),
      askedBy: askedBy({ mode: runMode(meta) }),
      categories: meta.definition.categories.filter((category): category is string => typeof category === 'string'),
    };
  };
  return compareRuns({ a: await side(a), b: await side(b), metric: options.metric });
}
