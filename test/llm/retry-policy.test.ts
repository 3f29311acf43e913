import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { LlmError } from '../../src/llm/index.ts';
import { classifyFailure, DEFAULT_RETRY, nextRetryDelay, retryAfterMs } from '../../src/llm/retry-policy.ts';

const apiError = (statusCode: number | undefined, headers?: Record<string, string>) =>
  new APICallError({ message: `HTTP ${statusCode}`, url: 'http://x', requestBodyValues: {}, statusCode, responseHeaders: headers });

describe('retryAfterMs', () => {
  it('reads seconds (fractional too), milliseconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '0.05' }, now)).toBe(50);
    expect(retryAfterMs({ 'retry-after-ms': '120', 'retry-after': '9' }, now)).toBe(120);
    expect(retryAfterMs({ 'Retry-After': 'Wed, 01 Jan 2025 00:00:03 GMT' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('classifyFailure', () => {
  it('retries 429, 408, 409 and 5xx, but not other 4xx', () => {
    expect(classifyFailure(apiError(429, { 'retry-after': '1' }))).toMatchObject({ kind: 'rate-limited', retryable: true, retryAfterMs: 1000 });
    expect(classifyFailure(apiError(408))).toMatchObject({ kind: 'timeout', retryable: true });
    expect(classifyFailure(apiError(409))).toMatchObject({ kind: 'server-error', retryable: true });
    expect(classifyFailure(apiError(500))).toMatchObject({ kind: 'server-error', retryable: true });
    expect(classifyFailure(apiError(400))).toMatchObject({ kind: 'bad-request', retryable: false });
    expect(classifyFailure(apiError(404))).toMatchObject({ kind: 'bad-request', retryable: false });
    expect(classifyFailure(apiError(403))).toMatchObject({ kind: 'auth', retryable: false });
  });

  it('retries network errors and timeouts, and leaves unknown errors alone', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(classifyFailure(new TypeError('fetch failed', { cause: reset }))).toMatchObject({ kind: 'network', retryable: true });
    expect(classifyFailure(new Error('socket hang up'))).toMatchObject({ kind: 'network', retryable: true });
    expect(classifyFailure(new LlmError('llm/timeout', 'no answer within 5 ms'))).toMatchObject({ kind: 'timeout', retryable: true });
    expect(classifyFailure(new Error('schema mismatch'))).toMatchObject({ kind: 'other', retryable: false });
  });
});

describe('nextRetryDelay', () => {
  const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000, maxRetries: 5 };
  const failure = { kind: 'server-error' as const, retryable: true, detail: '' };

  it('doubles the backoff up to the cap, with jitter in the upper half', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => nextRetryDelay(failure, attempt, options, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(nextRetryDelay(failure, 3, options, () => 0)).toBe(200);
    expect(nextRetryDelay(failure, 6, options, () => 1)).toBeUndefined();
    expect(nextRetryDelay({ ...failure, retryable: false }, 1, options, () => 1)).toBeUndefined();
  });

  it('retries timeouts only maxTimeoutRetries times', () => {
    const timeout = { kind: 'timeout' as const, retryable: true, detail: '' };
    expect(nextRetryDelay(timeout, 1, options, () => 1, 1)).toBe(100);
    expect(nextRetryDelay(timeout, 2, options, () => 1, 2)).toBeUndefined();
    expect(nextRetryDelay(timeout, 3, { ...options, maxTimeoutRetries: 3 }, () => 1, 3)).toBe(400);
  });
});
