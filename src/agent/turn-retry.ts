import { forwardAbort, backoffDelay, defaultSleep, oneLine, type Sleep } from '../llm/index.ts';

/** How often a whole turn is tried again after a transient failure, and how long to wait in between. */
export interface TurnRetryOptions {
  /** Retries after the first attempt (default 3, so at most 4 attempts); 0 turns retrying off. */
  retries: number;
  /** First wait; it doubles each retry, with jitter (default 1 000). */
  baseDelayMs: number;
  /** Cap of one wait (default 30 000). */
  maxDelayMs: number;
}

export const DEFAULT_TURN_RETRY: Readonly<TurnRetryOptions> = { retries: 3, baseDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * Failures a new attempt of the same turn may get past, by stable code. The model call has already retried
 * what it could: these outlasted its retries (a rate-limit storm, a server down for a while, two timeouts),
 * broke off after output had started (a cut stream), or were the model's own bad sample (invalid structure
 * twice, an empty summary). Anything else (a rejected request, a missing key, a prompt that cannot fit, a
 * cancelled turn, an unknown error) would fail the same way again.
 */
const TRANSIENT_CODES = new Set([
  'llm/rate-limited', 'llm/server-error', 'llm/timeout', 'llm/network', 'llm/stream-cut',
  'agent/invalid-output', 'agent/empty-summary',
]);
/** Of those, the ones where the model's output was at fault: a new attempt should draw a new sample. */
const OUTPUT_CODES = new Set(['agent/invalid-output', 'agent/empty-summary']);

/** The stable code of a turn failure worth another attempt, or undefined. */
export function transientTurnFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code) ? code : undefined;
}

/** One attempt of a turn. */
export interface TurnAttempt {
  /** 0 for the first attempt. */
  index: number;
  /** Earlier attempts that failed on the model's output: a caller with a sampling seed should vary it when > 0. */
  resamples: number;
  /** The caller's signal, also aborted when this attempt fails (so parallel calls of one attempt stop together). */
  signal: AbortSignal;
}

export interface TurnRetryEvent {
  /** 1 for the first retry. */
  retry: number;
  retries: number;
  delayMs: number;
  error: unknown;
  /** The failure's stable code, e.g. `llm/stream-cut`. */
  code: string;
  /** One line: what failed. */
  reason: string;
}

export interface RetryTurnOptions extends Partial<TurnRetryOptions> {
  abortSignal?: AbortSignal;
  /** Called before each wait (warn the user here). */
  onRetry?: (event: TurnRetryEvent) => void;
  /** Replaces the waiting (tests). */
  sleep?: Sleep;
  /** Replaces Math.random for the jitter (tests). */
  random?: () => number;
}

/**
 * Runs a turn, and runs it again from the start after a transient failure (see {@link transientTurnFailure}),
 * with exponential backoff and jitter, at most `retries` times; other failures, a cancelled signal and the last
 * failure are thrown as they are. The turn must store nothing until it succeeds: a failed attempt leaves no trace.
 * @example
 * const { value: act, retries } = await retryTurn((attempt) => agent.act(log, blocks, { abortSignal: attempt.signal }), { abortSignal });
 */
export async function retryTurn<T>(turn: (attempt: TurnAttempt) => Promise<T>, options: RetryTurnOptions = {}): Promise<{ value: T; retries: number }> {
  const settings = { ...DEFAULT_TURN_RETRY, ...definedOnly(options) };
  const sleep = options.sleep ?? defaultSleep;
  let resamples = 0;
  for (let index = 0; ; index++) {
    const controller = new AbortController();
    const unlink = options.abortSignal ? forwardAbort(options.abortSignal, controller) : undefined;
    try {
      return { value: await turn({ index, resamples, signal: controller.signal }), retries: index };
    } catch (error) {
      controller.abort(error);
      const code = options.abortSignal?.aborted ? undefined : transientTurnFailure(error);
      if (code === undefined || index >= settings.retries) throw error;
      if (OUTPUT_CODES.has(code)) resamples++;
      const delayMs = backoffDelay(index + 1, settings, options.random ?? Math.random);
      const reason = oneLine(error instanceof Error ? error.message : String(error));
      options.onRetry?.({ retry: index + 1, retries: settings.retries, delayMs, error, code, reason });
      await sleep(delayMs, options.abortSignal);
    } finally {
      unlink?.();
    }
  }
}

function definedOnly(options: RetryTurnOptions): Partial<TurnRetryOptions> {
  const picked: Partial<TurnRetryOptions> = {};
  if (options.retries !== undefined) picked.retries = options.retries;
  if (options.baseDelayMs !== undefined) picked.baseDelayMs = options.baseDelayMs;
  if (options.maxDelayMs !== undefined) picked.maxDelayMs = options.maxDelayMs;
  return picked;
}

/** `350 ms`, `2.4 s`. */
export function waitText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
