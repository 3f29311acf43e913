import type { LanguageModelV3Middleware, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { LlmError } from '../errors.ts';
import {
  classifyFailure, DEFAULT_RETRY, defaultSleep, finalError, isCallerAbort, nextRetryDelay, oneLine, type RetryOptions, type Sleep,
} from '../retry-policy.ts';
import { isContentPart, textLength, type ReadResult } from '../stream-parts.ts';

export interface RetryContext {
  /** The model spec, for messages. */
  model: string;
  retry: RetryOptions;
  sleep: Sleep;
  random: () => number;
  /** Where the API key comes from, named in `llm/auth` messages. */
  apiKeyHint?: string;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** The retry context of one model from its options: defaults filled in, sleep and jitter injectable for tests. */
export function retryContext(
  model: string,
  options: { retry?: Partial<RetryOptions>; sleep?: Sleep; random?: () => number; onRetry?: RetryContext['onRetry'] },
  apiKeyHint?: string,
): RetryContext {
  return {
    model,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    apiKeyHint,
    onRetry: options.onRetry,
  };
}

/**
 * Calls `call` until it succeeds, a failure is not worth retrying, or the retries run out;
 * the last failure becomes an `LlmError` naming the model, the attempts and the last status.
 */
export async function withRetry<T>(call: () => PromiseLike<T>, signal: AbortSignal | undefined, context: RetryContext): Promise<T> {
  const history = { attempts: 0, timeouts: 0 };
  for (;;) {
    try {
      return await call();
    } catch (error) {
      await afterFailure(error, history, signal, context);
    }
  }
}

/** Counts the failure, then waits before the next attempt or throws the final error. */
async function afterFailure(
  error: unknown,
  history: { attempts: number; timeouts: number },
  signal: AbortSignal | undefined,
  context: RetryContext,
): Promise<void> {
  if (isCallerAbort(signal)) throw error;
  const failure = classifyFailure(error);
  const attempt = ++history.attempts;
  if (failure.kind === 'timeout') history.timeouts++;
  const delayMs = nextRetryDelay(failure, attempt, context.retry, context.random, history.timeouts);
  if (delayMs === undefined) {
    const { model, apiKeyHint, retry } = context;
    throw finalError(error, failure, { model, attempts: attempt, apiKeyHint, maxRetryAfterMs: retry.maxRetryAfterMs });
  }
  context.onRetry?.({ attempt, delayMs, error });
  await context.sleep(delayMs, signal);
}

/**
 * Retries failed calls with backoff, honouring `Retry-After`. It is the only retry layer: its final errors
 * are `LlmError`s, which the AI SDK's own retry never repeats.
 *
 * Streams are retried only while nothing has been delivered: the first parts are held back until the first
 * output arrives. A failure after that (an error part, a broken connection, a stall) errors the stream with
 * `llm/stream-cut`, so `streamText` rejects instead of returning a silently shortened reply.
 */
export function retryMiddleware(context: RetryContext): LanguageModelV3Middleware {
  return {
    specificationVersion: 'v3',
    wrapGenerate: ({ model, params }) => withRetry(() => model.doGenerate(params), params.abortSignal, context),
    async wrapStream({ model, params }) {
      const history = { attempts: 0, timeouts: 0 };
      for (;;) {
        let failure: unknown;
        try {
          const result = await model.doStream(params);
          const opened = await openStream(result.stream);
          if (opened.ok) return { ...result, stream: continueStream(opened, params.abortSignal, context.model, history.attempts + 1) };
          failure = opened.error;
        } catch (error) {
          failure = error;
        }
        await afterFailure(failure, history, params.abortSignal, context);
      }
    },
  };
}

type Opened =
  | { ok: true; held: LanguageModelV3StreamPart[]; reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart> }
  | { ok: false; error: unknown };

/** Reads until the first output part (or the end); a failure before it means the attempt can be retried. */
async function openStream(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<Opened> {
  const reader = stream.getReader();
  const held: LanguageModelV3StreamPart[] = [];
  for (;;) {
    let next: ReadResult<LanguageModelV3StreamPart>;
    try {
      next = await reader.read();
    } catch (error) {
      return { ok: false, error };
    }
    if (next.done) return { ok: true, held, reader };
    if (next.value.type === 'error') {
      reader.cancel().catch(() => {});
      return { ok: false, error: next.value.error };
    }
    held.push(next.value);
    if (isContentPart(next.value) || next.value.type === 'finish') return { ok: true, held, reader };
  }
}

function continueStream(
  opened: Extract<Opened, { ok: true }>,
  signal: AbortSignal | undefined,
  model: string,
  attempts: number,
): ReadableStream<LanguageModelV3StreamPart> {
  const { held, reader } = opened;
  let characters = textLength(held);
  const cut = (error: unknown) => {
    if (isCallerAbort(signal)) return error;
    // The provider said exactly what went wrong, and another attempt would fail the same way.
    if (error instanceof LlmError && error.code === 'llm/context-overflow') return error;
    const reason = oneLine(error instanceof Error ? error.message : String(error));
    return new LlmError('llm/stream-cut', `${model}: the reply stream broke off after ${characters} characters: ${reason}`, {
      model,
      attempts,
      status: error instanceof LlmError ? error.status : undefined,
      cause: error,
    });
  };
  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      for (const part of held) controller.enqueue(part);
    },
    async pull(controller) {
      let next: ReadResult<LanguageModelV3StreamPart>;
      try {
        next = await reader.read();
      } catch (error) {
        controller.error(cut(error));
        return;
      }
      if (next.done) {
        controller.close();
        return;
      }
      if (next.value.type === 'error') {
        // An error part would let streamText resolve with the partial text; fail the stream instead.
        reader.cancel().catch(() => {});
        controller.error(cut(next.value.error));
        return;
      }
      if (next.value.type === 'text-delta') characters += next.value.delta.length;
      controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
