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

  constructor(callerSignal: AbortSignal | undefined, timeoutMs: number, onExpire?: (error: LlmError) => void) {
    this.signal = callerSignal ? anySignal(callerSignal, this.#controller) : this.#controller.signal;
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
      this.#controller.abort(this.#expired);
      this.#onExpire?.(this.#expired);
    }, timeoutMs);
  }

  clear(): void {
    clearTimeout(this.#timer);
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

/** `AbortSignal.any` where it exists (Node ≥ 20.3), else a forwarding listener. */
function anySignal(callerSignal: AbortSignal, controller: AbortController): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([callerSignal, controller.signal]);
  if (callerSignal.aborted) controller.abort(callerSignal.reason);
  else callerSignal.addEventListener('abort', () => controller.abort(callerSignal.reason), { once: true });
  return controller.signal;
}
