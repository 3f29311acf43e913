import type { Job, JobCounts, JobStatus, Store } from '../store/types.ts';

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
  const todo = await store.listJobs(runId, { status: UNFINISHED });
  const counts = await store.jobCounts(runId);
  const progress: RunProgress = { done: counts.done, failed: 0, running: 0, total: counts.total };
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  options.onProgress?.({ ...progress });

  let nextIndex = 0;
  const worker = async () => {
    while (!controller.signal.aborted && nextIndex < todo.length) {
      const job = todo[nextIndex++];
      await store.updateJob(runId, job.id, { status: 'running', attempt: true });
      progress.running++;
      options.onProgress?.({ ...progress });
      try {
        const result = await options.execute(job, controller.signal);
        await store.updateJob(runId, job.id, { status: 'done', result });
        progress.done++;
      } catch (error) {
        if (controller.signal.aborted) {
          // Interrupted, not failed: leave it `running` for the resume.
        } else {
          await store.updateJob(runId, job.id, { status: 'failed', error: describeError(error) });
          progress.failed++;
          options.onJobError?.(job, error);
        }
      } finally {
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
  await store.updateRun(runId, { status: interrupted ? 'running' : final.failed > 0 ? 'failed' : 'done' });
  return { counts: final, interrupted };
}

/** One line for a job's error: the message and its stable code. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.includes('/') && !message.includes(`[${code}]`) ? `${message} [${code}]` : message;
}
