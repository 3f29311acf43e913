import { LlmError } from './errors.ts';

/**
 * An abort signal for one attempt: it fires when the caller aborts or when the timer runs out
 * (then `expired` is true and `error` says how long it waited).
 */
export class Deadline {
  readonly signal: AbortSignal;
  #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expired: LlmError | undefined;
  #onExpire: ((error: LlmError) => void) | undefined;
  #unlink: (() => void) | undefined;

  constructor(callerSignal: AbortSignal | undefined, timeoutMs: number, onExpire?: (error: LlmError) => void) {
    this.signal = this.#controller.signal;
    if (callerSignal) this.#unlink = forwardAbort(callerSignal, this.#controller);
    this.#onExpire = onExpire;
    this.restart(timeoutMs, `no answer within ${timeoutMs} ms`);
  }

  get expired(): LlmError | undefined {
    return this.#expired;
  }

  /** Starts the timer again (e.g. after each streamed part); a non-finite or non-positive time disables it. */
  restart(timeoutMs: number, message: string): void {
    clearTimeout(this.#timer);
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs) || this.#expired) return;
    this.#timer = setTimeout(() => {
      this.#expired = new LlmError('llm/timeout', message);
      this.#unlink?.();
      this.#unlink = undefined;
      this.#controller.abort(this.#expired);
      this.#onExpire?.(this.#expired);
    }, timeoutMs);
  }

  /** Stops the timer and lets go of the caller's signal. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#unlink?.();
    this.#unlink = undefined;
  }
}

/** Runs one attempt under its own deadline; an expired deadline is reported as its `llm/timeout`, not as the abort it caused. */
export async function withDeadline<T>(callerSignal: AbortSignal | undefined, timeoutMs: number, call: (signal: AbortSignal) => PromiseLike<T>): Promise<T> {
  const deadline = new Deadline(callerSignal, timeoutMs);
  try {
    return await call(deadline.signal);
  } catch (error) {
    throw deadline.expired ?? error;
  } finally {
    deadline.clear();
  }
}

/**
 * Aborts `controller` when the caller's signal aborts; returns the unlink. A listener removed when the attempt ends
 * instead of `AbortSignal.any`: that makes one more signal per attempt (costly on Node 20, a benchmark makes
 * thousands a second) and keeps a reference on the caller's signal for as long as it lives (nodejs/node#55351).
 */
export function forwardAbort(callerSignal: AbortSignal, controller: AbortController): (() => void) | undefined {
  if (callerSignal.aborted) {
    controller.abort(callerSignal.reason);
    return undefined;
  }
  const forward = () => controller.abort(callerSignal.reason);
  callerSignal.addEventListener('abort', forward, { once: true });
  return () => callerSignal.removeEventListener('abort', forward);
}
