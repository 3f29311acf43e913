import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';

export type StreamPart = LanguageModelV3StreamPart;

/** What `reader.read()` resolves to. */
export type ReadResult<T> = Awaited<ReturnType<ReadableStreamDefaultReader<T>['read']>>;

/** True for parts that carry model output, after which a failed stream can no longer be retried unseen. */
export function isContentPart(part: StreamPart): boolean {
  switch (part.type) {
    case 'text-delta':
    case 'reasoning-delta':
      return part.delta.length > 0;
    case 'tool-input-start':
    case 'tool-input-delta':
    case 'tool-call':
    case 'tool-result':
    case 'tool-approval-request':
    case 'file':
    case 'source':
      return true;
    default:
      return false;
  }
}

/** Characters of text delivered by these parts. */
export function textLength(parts: readonly StreamPart[]): number {
  let length = 0;
  for (const part of parts) if (part.type === 'text-delta') length += part.delta.length;
  return length;
}

export type StreamOutcome = { type: 'done' } | { type: 'error'; error: unknown } | { type: 'cancel'; reason: unknown };

/**
 * Passes a stream through unchanged, calling `part` for each part and `end` once when it closes, fails
 * or is cancelled; a `done` end is awaited before the consumer sees the close.
 */
export function observeStream<T>(
  source: ReadableStream<T>,
  hooks: { part?: (part: T) => void; end?: (outcome: StreamOutcome) => void | Promise<void> },
): ReadableStream<T> {
  const reader = source.getReader();
  let ended = false;
  const end = async (outcome: StreamOutcome) => {
    if (ended) return;
    ended = true;
    await hooks.end?.(outcome);
  };
  return new ReadableStream<T>({
    async pull(controller) {
      let next: ReadResult<T>;
      try {
        next = await reader.read();
      } catch (error) {
        await end({ type: 'error', error });
        controller.error(error);
        return;
      }
      if (next.done) {
        try {
          await end({ type: 'done' });
        } catch (error) {
          controller.error(error);
          return;
        }
        controller.close();
        return;
      }
      hooks.part?.(next.value);
      controller.enqueue(next.value);
    },
    async cancel(reason) {
      await end({ type: 'cancel', reason });
      await reader.cancel(reason);
    },
  });
}

/** A stream that yields the given parts and closes. */
export function streamOf<T>(parts: readonly T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}
