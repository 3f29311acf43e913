import { hostname } from 'node:os';
import type { Job, JobCounts, JobStatus, Run, Store } from '../store/index.ts';
import { RunError } from './errors.ts';

export interface RunProgress {
  done: number;
  failed: number;
  running: number;
  total: number;
}

export interface LocalRunOptions {
  store: Store;
  runId: string;
  /** Jobs executed at once. */
  concurrency: number;
  /** Runs one job; resolves with its result (stored on the job) or throws (the job is marked failed). */
  execute: (job: Job, signal: AbortSignal) => Promise<Record<string, unknown>>;
  onProgress?: (progress: RunProgress) => void;
  /** Called when a job fails (the run goes on). */
  onJobError?: (job: Job, error: unknown) => void;
  /** Stops taking new jobs and aborts the running ones; they stay `running` and a resume picks them up. */
  signal?: AbortSignal;
}

export interface LocalRunResult {
  counts: JobCounts;
  /** True when the signal stopped the run before every job finished. */
  interrupted: boolean;
}

/** Statuses a (resumed) run still has to work on: `running` means a previous process died mid-job. */
const UNFINISHED: JobStatus[] = ['pending', 'running', 'failed'];

/**
 * Executes a run's unfinished jobs with bounded concurrency, persisting each job's status as it changes,
 * so `--resume` runs exactly the failed and unfinished ones (DESIGN.md §3 "Runs").
 */
export async function runLocal(options: LocalRunOptions): Promise<LocalRunResult> {
  const { store, runId } = options;
  if (!(await store.getRun(runId))) throw new RunError('run/not-found', `no run with id '${runId}'`, { id: runId, lookedFor: 'run' });
  // Claimed under the store's write lock: of two processes resuming the same run at once, one gets it.
  await store.updateRun(runId, { status: 'running', meta: { owner: { pid: process.pid, host: hostname(), since: new Date().toISOString() } } }, {
    check: (current) => {
      const owner = liveOwner(current);
      if (owner) {
        throw new RunError('run/busy', `run ${runId} is being executed by process ${owner.pid} on this machine; wait for it, or stop it (kill ${owner.pid}) and resume`, { id: runId });
      }
    },
  });
  const todo = await store.listJobs(runId, { status: UNFINISHED });
  const counts = await store.jobCounts(runId);
  const progress: RunProgress = { done: counts.done, failed: 0, running: 0, total: counts.total };
  const controller = new AbortController();
  // Each job gets its own signal, aborted with the run's: the model layer combines the signal it is given with a
  // timer on every call (AbortSignal.any), and Node 20 keeps one WeakRef per combination on the source signal
  // for as long as that signal lives (nodejs/node#55351), i.e. for the whole run if it were the run's.
  const running = new Set<AbortController>();
  const stop = () => {
    controller.abort(options.signal?.reason);
    for (const job of running) job.abort(options.signal?.reason);
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  options.onProgress?.({ ...progress });

  let nextIndex = 0;
  const worker = async () => {
    while (!controller.signal.aborted && nextIndex < todo.length) {
      const job = todo[nextIndex++];
      // Marked running in the next group commit while the job already works (its first model call need not
      // wait for a commit); the outcome is written after the mark. A kill before the mark leaves it pending,
      // which a resume treats the same.
      const marked = store.updateJob(runId, job.id, { status: 'running', attempt: true });
      marked.catch(() => {});
      progress.running++;
      options.onProgress?.({ ...progress });
      const jobController = new AbortController();
      if (controller.signal.aborted) jobController.abort(controller.signal.reason);
      running.add(jobController);
      try {
        const result = await options.execute(job, jobController.signal);
        await marked;
        await store.updateJob(runId, job.id, { status: 'done', result });
        progress.done++;
      } catch (error) {
        if (controller.signal.aborted) {
          // Interrupted, not failed: leave it `running` for the resume.
        } else {
          await marked;
          await store.updateJob(runId, job.id, { status: 'failed', error: describeError(error) });
          progress.failed++;
          options.onJobError?.(job, error);
        }
      } finally {
        running.delete(jobController);
        progress.running--;
        options.onProgress?.({ ...progress });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, todo.length)) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  const final = await store.jobCounts(runId);
  const interrupted = controller.signal.aborted && final.done + final.failed < final.total;
  await store.updateRun(runId, { status: interrupted ? 'running' : final.failed > 0 ? 'failed' : 'done', meta: { owner: null } });
  return { counts: final, interrupted };
}

interface RunOwner { pid: number; host: string; since: string }

/** The live process executing a run on this machine, if any (a killed process leaves a dead owner behind). */
export function liveOwner(run: Run): RunOwner | undefined {
  const owner = run.meta.owner as RunOwner | null | undefined;
  if (!owner || run.status !== 'running' || owner.host !== hostname() || owner.pid === process.pid) return undefined;
  try {
    process.kill(owner.pid, 0);
    return owner;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM' ? owner : undefined;
  }
}

/** A run's status for people: a `running` run whose process is gone is `stopped` (resume it). */
export function displayStatus(run: Run): string {
  if (run.status !== 'running') return run.status;
  const owner = run.meta.owner as RunOwner | null | undefined;
  if (owner && owner.host !== hostname()) return 'running';
  return liveOwner(run) ? 'running' : 'stopped';
}

/** One line for a job's error: the message and its stable code. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.includes('/') && !message.includes(`[${code}]`) ? `${message} [${code}]` : message;
}
