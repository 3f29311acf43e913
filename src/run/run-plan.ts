import type { Run, Store } from '../store/index.ts';
import { RunError, type LookedFor } from './errors.ts';

// What scene runs and benchmark runs share when they start or resume: a new run's id must be free; a resume finds
// its run, refuses to change what the run planned, and takes the settings it is given for this attempt.

/** Where a lookup looked, for "not found" messages: `in the store at PATH` (or that there is none there yet). */
export function storeWhere(store: Store): string {
  return store.location.exists ? `in the store at ${store.location.path}` : `(there is no store at ${store.location.path} yet)`;
}

/** The run `id` of `kind` (`scene`, `bench`), or a `run/not-found` error naming what was looked for and where. */
export async function findRunOfKind(store: Store, id: string, kind: 'scene' | 'bench'): Promise<Run> {
  const run = await store.getRun(id);
  if (run && run.kind === kind) return run;
  const lookedFor: LookedFor = kind === 'scene' ? 'scene run' : 'benchmark run';
  const where = storeWhere(store);
  throw new RunError('run/not-found', `no ${lookedFor} with id '${id}' ${where}`, { id, lookedFor, where });
}

/** A new run may not take the id of a stored one (`run/exists`): resume that one, or pick another id. */
export async function assertRunIdFree(store: Store, runId: string | undefined): Promise<void> {
  if (runId === undefined || !(await store.getRun(runId))) return;
  throw new RunError('run/exists', `a run with id '${runId}' already exists; resume it, or pick another id`, { id: runId });
}

/**
 * A resume continues its run as it was planned: any plan field given (not undefined) is refused with
 * `run/fixed-on-resume`, naming the fields in the order of `order`.
 */
export function assertPlanUnchanged(run: Run, plan: Record<string, unknown> | undefined, order: readonly string[]): void {
  const fields = order.filter((field) => plan?.[field] !== undefined);
  if (fields.length === 0) return;
  throw new RunError('run/fixed-on-resume', `a resume continues run ${run.id} as it was planned; ${fields.join(', ')} cannot change it (start a new run instead)`, { id: run.id, fields });
}

/**
 * Stores the settings given for this attempt over the run's (connection settings may change between attempts: a
 * server on a new port, a longer timeout); settings left undefined keep their stored value.
 */
export async function applySettings<S extends object>(store: Store, run: Run, settings: Partial<S> | undefined): Promise<Run> {
  const given = Object.fromEntries(Object.entries(settings ?? {}).filter(([, value]) => value !== undefined));
  if (Object.keys(given).length === 0) return run;
  return store.updateRun(run.id, { meta: { settings: { ...(run.meta.settings as object), ...given } } });
}
