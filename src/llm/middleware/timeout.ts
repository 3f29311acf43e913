import type { LanguageModelV3Middleware, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { Deadline, withDeadline } from '../deadline.ts';
import { isContentPart, type ReadResult } from '../stream-parts.ts';

export interface TimeoutOptions {
  /** Per attempt: the whole call for generate, the wait for the first output for streams. */
  timeoutMs: number;
  /** For streams, the longest silence allowed between parts once output has started. */
  idleTimeoutMs: number;
}

/**
 * Gives each attempt its own abort signal (joined with the caller's) that fires after `timeoutMs`;
 * an expired attempt fails with `llm/timeout`, which the retry middleware may retry.
 */
export function timeoutMiddleware(options: TimeoutOptions): LanguageModelV3Middleware {
  return {
    specificationVersion: 'v3',
    wrapGenerate: ({ model, params }) =>
      withDeadline(params.abortSignal, options.timeoutMs, (abortSignal) => model.doGenerate({ ...params, abortSignal })),
    async wrapStream({ model, params }) {
      let fail: (error: unknown) => void = () => {};
      const deadline = new Deadline(params.abortSignal, options.timeoutMs, (error) => fail(error));
      let result;
      try {
        result = await model.doStream({ ...params, abortSignal: deadline.signal });
      } catch (error) {
        deadline.clear();
        throw deadline.expired ?? error;
      }
      const reader = result.stream.getReader();
      let settled = false;
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        start(controller) {
          // Error the stream ourselves too, in case the body does not react to the abort.
          fail = (error) => {
            if (settled) return;
            settled = true;
            controller.error(error);
            reader.cancel(error).catch(() => {});
          };
        },
        async pull(controller) {
          let next: ReadResult<LanguageModelV3StreamPart>;
          try {
            next = await reader.read();
          } catch (error) {
            deadline.clear();
            if (!settled) {
              settled = true;
              controller.error(deadline.expired ?? error);
            }
            return;
          }
          if (settled) return;
          if (next.done) {
            settled = true;
            deadline.clear();
            controller.close();
            return;
          }
          if (isContentPart(next.value)) deadline.restart(options.idleTimeoutMs, `the reply stalled for ${options.idleTimeoutMs} ms`);
          controller.enqueue(next.value);
        },
        async cancel(reason) {
          settled = true;
          deadline.clear();
          await reader.cancel(reason);
        },
      });
      return { ...result, stream };
    },
  };
}
