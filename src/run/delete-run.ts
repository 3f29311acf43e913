import type { RunRemoval, Store } from '../store/index.ts';
import { RunError } from './errors.ts';
import { liveOwner } from './local-runner.ts';

/**
 * Deletes a run of `kind` with its jobs, its episodes and their events, and its usage rows; memories written
 * during it stay with their characters. A run that a live process is executing is refused (checked under the
 * store's write lock, so a resume starting at the same moment either wins or waits).
 */
export async function deleteRun(store: Store, runId: string, kind: string): Promise<RunRemoval> {
  return store.deleteRun(runId, {
    check: (run) => {
      if (run.kind !== kind) {
        throw new RunError('run/other-kind', `run ${runId} is a ${run.kind} run, not a ${kind} run; delete it with: dramatis ${run.kind} runs delete ${runId}`, { id: runId });
      }
      const owner = liveOwner(run);
      if (owner) {
        throw new RunError('run/busy', `run ${runId} is being executed by process ${owner.pid} on this machine; stop it first (kill ${owner.pid}), then delete it`, { id: runId });
      }
    },
  });
}
