import { AgentError } from './errors.ts';

/** A turn's time limit when none is given: a turn that takes longer is not worth waiting for in a chat. */
export const DEFAULT_TURN_TIMEOUT_MS = 300_000;
/** For an in-process model on a CPU, which may read a long prompt for minutes before it writes (decision 0015). */
export const LOCAL_TURN_TIMEOUT_MS = 600_000;

/**
 * Runs one turn's generation under a deadline that covers all of it (the first reply, the repair, the retries
 * under them): a model that keeps streaming slowly cannot hold a turn forever, as a per-call idle timeout lets it.
 * The caller's own abort stays an abort; only the deadline becomes `agent/turn-timeout`. 0 or less: no deadline.
 */
export async function withTurnDeadline<T>(timeoutMs: number, callerSignal: AbortSignal | undefined, who: string, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return run(callerSignal);
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`the turn's time limit of ${timeoutMs} ms ran out`));
  }, timeoutMs);
  const forward = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) forward();
  else callerSignal?.addEventListener('abort', forward, { once: true });
  try {
    return await run(controller.signal);
  } catch (error) {
    if (!expired || callerSignal?.aborted) throw error;
    throw new AgentError('agent/turn-timeout',
      `${who} did not finish a turn within ${formatSeconds(timeoutMs)} (the repair included); nothing was stored. ` +
        'The model is too slow for this limit: raise it with --turn-timeout SECONDS, use a smaller or faster model, ' +
        'or for a local model on a busy CPU set DRAMATIS_LOCAL_THREADS=1', { cause: error });
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', forward);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
