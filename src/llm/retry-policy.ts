import { APICallError } from '@ai-sdk/provider';
import { LlmError, type LlmErrorCode } from './errors.ts';

export interface RetryOptions {
  /** Retries after the first attempt (default 4, so at most 5 attempts). */
  maxRetries: number;
  /** First backoff delay; it doubles each retry, with jitter (default 500). */
  baseDelayMs: number;
  /** Cap of one backoff delay (default 20 000). */
  maxDelayMs: number;
  /** A `Retry-After` longer than this ends the retries at once instead of waiting (default 60 000). */
  maxRetryAfterMs: number;
  /** Retries after timeouts, within `maxRetries` (default 1): a server that hangs rarely answers on the 5th try. */
  maxTimeoutRetries: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  maxTimeoutRetries: 1,
};

/** Waits `ms`, rejecting with the signal's reason when it aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export type FailureKind = 'rate-limited' | 'server-error' | 'timeout' | 'network' | 'bad-request' | 'auth' | 'other';

/** What went wrong with one attempt, and whether another attempt may help. */
export interface Failure {
  kind: FailureKind;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  /** One line describing the failure. */
  detail: string;
}

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT',
  'ConnectionRefused', 'ConnectionClosed', 'FailedToOpenSocket',
]);
const NETWORK_MESSAGES = /socket hang up|fetch failed|failed to fetch|^terminated$|other side closed|ECONNRESET|ECONNREFUSED/i;

/** Sorts an attempt's error into a failure kind. */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof LlmError) {
    return { kind: error.code === 'llm/timeout' ? 'timeout' : 'other', retryable: error.code === 'llm/timeout', status: error.status, detail: error.message };
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const detail = oneLine(error.message);
    if (status === 429) return { kind: 'rate-limited', retryable: true, status, retryAfterMs: retryAfterMs(error.responseHeaders), detail };
    if (status === 408) return { kind: 'timeout', retryable: true, status, detail };
    if (status !== undefined && (status === 409 || status >= 500)) {
      return { kind: 'server-error', retryable: true, status, retryAfterMs: retryAfterMs(error.responseHeaders), detail };
    }
    if (status === 401 || status === 403) return { kind: 'auth', retryable: false, status, detail };
    if (status !== undefined && status >= 400) return { kind: 'bad-request', retryable: false, status, detail };
    // No status, or a 2xx whose body broke off: the connection failed.
    if (error.isRetryable || isNetworkError(error) || error.message === 'Invalid JSON response') {
      return { kind: 'network', retryable: true, status, detail: describeNetwork(error) };
    }
    return { kind: 'other', retryable: false, status, detail };
  }
  if (isNetworkError(error)) return { kind: 'network', retryable: true, detail: describeNetwork(error) };
  return { kind: 'other', retryable: false, detail: oneLine(error instanceof Error ? error.message : String(error)) };
}

/**
 * The wait before the next attempt, or undefined to stop: `Retry-After` when the server sent it
 * (plus up to 10 % jitter), else exponential backoff with jitter. `timeouts` counts the timed-out attempts so far.
 */
export function nextRetryDelay(
  failure: Failure,
  failedAttempts: number,
  options: RetryOptions,
  random: () => number,
  timeouts: number = failure.kind === 'timeout' ? 1 : 0,
): number | undefined {
  if (!failure.retryable || failedAttempts > options.maxRetries) return undefined;
  if (failure.kind === 'timeout' && timeouts > options.maxTimeoutRetries) return undefined;
  if (failure.retryAfterMs !== undefined) {
    if (failure.retryAfterMs > options.maxRetryAfterMs) return undefined;
    return failure.retryAfterMs + random() * Math.min(1000, failure.retryAfterMs * 0.1);
  }
  return backoffDelay(failedAttempts, options, random);
}

/** Exponential backoff with jitter: half the ceiling plus a random half, the ceiling doubling from `baseDelayMs` up to `maxDelayMs`. */
export function backoffDelay(failedAttempts: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (failedAttempts - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

const FINAL_CODES: Record<Exclude<FailureKind, 'other'>, LlmErrorCode> = {
  'rate-limited': 'llm/rate-limited',
  'server-error': 'llm/server-error',
  timeout: 'llm/timeout',
  network: 'llm/network',
  'bad-request': 'llm/bad-request',
  auth: 'llm/auth',
};

/** The error a caller sees once retrying stops; failures of unknown kind keep their original error. */
export function finalError(
  error: unknown,
  failure: Failure,
  context: { model: string; attempts: number; apiKeyHint?: string; maxRetryAfterMs?: number },
): unknown {
  if (failure.kind === 'other') return error;
  const { model, attempts } = context;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const status = failure.status !== undefined ? ` (last status HTTP ${failure.status})` : '';
  const waitTooLong =
    failure.retryAfterMs !== undefined && context.maxRetryAfterMs !== undefined && failure.retryAfterMs > context.maxRetryAfterMs
      ? `; the server asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s, longer than the ${Math.round(context.maxRetryAfterMs / 1000)} s allowed`
      : '';
  const messages: Record<Exclude<FailureKind, 'other'>, string> = {
    'rate-limited': `${model}: rate limited after ${tries}${status}${waitTooLong}: wait and retry, or lower the concurrency`,
    'server-error': `${model}: the server failed after ${tries}${status}${waitTooLong}: ${failure.detail}`,
    timeout: `${model}: ${failure.detail} (${tries}${status})`,
    network: `${model}: cannot reach the server after ${tries}: ${failure.detail}; is it running and is the base URL right?`,
    'bad-request': `${model}: the request was rejected${status}: ${failure.detail}`,
    auth: `${model}: not authorized${status}: ${failure.detail}${context.apiKeyHint ? `; check ${context.apiKeyHint}` : ''}`,
  };
  return new LlmError(FINAL_CODES[failure.kind], messages[failure.kind], { model, status: failure.status, attempts, cause: error });
}

/** Milliseconds asked for by `retry-after-ms` or `Retry-After` (seconds, fractional allowed, or an HTTP date). */
export function retryAfterMs(headers: Record<string, string> | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const header = (name: string) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const ms = Number.parseFloat(header('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = header('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** True when the caller's own signal caused the error: never retried, never wrapped. */
export function isCallerAbort(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function isNetworkError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (NETWORK_MESSAGES.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

function describeNetwork(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current) && parts.length < 3) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !current.message.includes(code) ? `${current.message} [${code}]` : current.message);
    current = current.cause;
  }
  return oneLine(parts.join(': '));
}

/** A message on one line, at most 300 characters. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
