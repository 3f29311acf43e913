import {
  APICallError, InvalidResponseDataError,
  type LanguageModelV3, type LanguageModelV3CallOptions, type LanguageModelV3Content, type LanguageModelV3FinishReason,
  type LanguageModelV3GenerateResult, type LanguageModelV3StreamPart, type LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { combineHeaders, postJsonToApi, type ResponseHandler } from '@ai-sdk/provider-utils';

/**
 * The parts of `@ai-sdk/openai-compatible`'s chat model this module reuses (request building, headers, error
 * handling), so requests and errors stay exactly the SDK's. Internal to the pinned version (2.0.92): when they
 * are missing, every call goes through the SDK's own `doStream`.
 */
interface CompatibleInternals {
  getArgs(options: LanguageModelV3CallOptions): Promise<{ args: Record<string, unknown>; warnings: unknown[]; metadataKey?: string }>;
  convertUsage?(usage: unknown): LanguageModelV3Usage;
  transformRequestBody(args: Record<string, unknown>, warnings: unknown[]): Record<string, unknown>;
  failedResponseHandler: ResponseHandler<APICallError>;
  config: {
    url(options: { path: string; modelId: string }): string;
    headers(): Record<string, string | undefined>;
    fetch?: typeof globalThis.fetch;
    includeUsage?: boolean;
  };
}

function internalsOf(model: LanguageModelV3): CompatibleInternals | undefined {
  const candidate = model as unknown as Partial<CompatibleInternals>;
  const ok = typeof candidate.getArgs === 'function' && typeof candidate.transformRequestBody === 'function'
    && typeof candidate.failedResponseHandler === 'function' && typeof candidate.config?.url === 'function' && typeof candidate.config?.headers === 'function';
  return ok ? (candidate as CompatibleInternals) : undefined;
}

/**
 * An OpenAI-compatible chat model whose streaming reads the server-sent events itself. The SDK validates every
 * chunk with zod and passes each through several web streams (~1.4 ms of CPU for a short reply); here the body is
 * parsed once per socket read and the text of one read becomes one `text-delta`. Requests, headers and errors
 * are built by the SDK's own model; calls with tools go to the SDK unchanged (decision 0008).
 */
export function withFastStream(base: LanguageModelV3): LanguageModelV3 {
  const internals = internalsOf(base);
  if (!internals) return base;
  return {
    specificationVersion: 'v3',
    provider: base.provider,
    modelId: base.modelId,
    supportedUrls: base.supportedUrls,
    doGenerate: (options) => (options.tools?.length ? base.doGenerate(options) : fastGenerate(base, internals, options)),
    doStream: (options) => (options.tools?.length ? base.doStream(options) : fastStream(base, internals, options)),
  };
}

interface ChatResponse {
  id?: string | null;
  created?: number | null;
  model?: string | null;
  choices?: { message?: { content?: unknown; reasoning_content?: string | null; reasoning?: string | null; refusal?: string | null }; finish_reason?: string | null }[];
  usage?: WireUsage | null;
}

/**
 * A non-streamed call that parses the reply with one `JSON.parse` instead of the SDK's zod validation of every
 * response (a benchmark asks thousands of short questions a minute). The result is the SDK's shape: text, reasoning
 * and refusal content, finish reason, usage, metadata; a body that is not JSON fails as the SDK fails.
 */
async function fastGenerate(base: LanguageModelV3, model: CompatibleInternals, options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
  const { args, warnings, metadataKey } = await model.getArgs({ ...options });
  const body = model.transformRequestBody(args, warnings);
  const url = model.config.url({ path: '/chat/completions', modelId: base.modelId });
  const { value: response, responseHeaders } = await postJsonToApi({
    url,
    headers: combineHeaders(model.config.headers(), options.headers),
    body,
    failedResponseHandler: model.failedResponseHandler,
    successfulResponseHandler: async ({ response: reply }) => {
      const text = await reply.text();
      const headers = Object.fromEntries(reply.headers.entries());
      try {
        const parsed = JSON.parse(text) as ChatResponse;
        if (!parsed || typeof parsed !== 'object') throw new TypeError('the body is not a JSON object');
        return { value: parsed, responseHeaders: headers };
      } catch (cause) {
        throw new APICallError({ message: 'Invalid JSON response', cause, statusCode: reply.status, responseHeaders: headers, responseBody: text, url, requestBodyValues: body });
      }
    },
    abortSignal: options.abortSignal,
    fetch: model.config.fetch,
  });
  const choice = response.choices?.[0];
  if (!choice) throw new InvalidResponseDataError({ data: response, message: 'Response did not contain any choices.' });
  const message = choice.message ?? {};
  const content: LanguageModelV3Content[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string') {
    if (message.content) content.push({ type: 'text', text: message.content });
  } else if (Array.isArray(message.content)) {
    for (const part of message.content as { type?: string; text?: unknown }[]) {
      if (part?.type === 'text' && typeof part.text === 'string' && part.text) content.push({ type: 'text', text: part.text });
    }
  }
  const refusal = message.refusal;
  if (refusal) content.push({ type: 'text', text: refusal });
  const finishReason = mapFinishReason(choice.finish_reason);
  return {
    content,
    finishReason: refusal && choice.finish_reason === 'stop' ? { unified: 'content-filter', raw: 'stop' } : finishReason,
    usage: model.convertUsage ? model.convertUsage(response.usage) : convertUsage(response.usage ?? undefined),
    providerMetadata: { [metadataKey ?? 'openaiCompatible']: {} },
    request: { body: JSON.stringify(body) },
    response: {
      id: response.id ?? undefined, modelId: response.model ?? undefined,
      timestamp: response.created == null ? undefined : new Date(response.created * 1000), headers: responseHeaders, body: response,
    },
    warnings: warnings as LanguageModelV3GenerateResult['warnings'],
  };
}

async function fastStream(base: LanguageModelV3, model: CompatibleInternals, options: LanguageModelV3CallOptions) {
  const { args, warnings } = await model.getArgs({ ...options });
  const body = model.transformRequestBody({ ...args, stream: true, stream_options: model.config.includeUsage ? { include_usage: true } : undefined }, warnings);
  const { value: responseBody, responseHeaders } = await postJsonToApi({
    url: model.config.url({ path: '/chat/completions', modelId: base.modelId }),
    headers: combineHeaders(model.config.headers(), options.headers),
    body,
    failedResponseHandler: model.failedResponseHandler,
    successfulResponseHandler: async ({ response }) => ({ value: response.body, responseHeaders: Object.fromEntries(response.headers.entries()) }),
    abortSignal: options.abortSignal,
    fetch: model.config.fetch,
  });
  if (!responseBody) throw new Error('the server sent an empty streaming response');
  return {
    stream: eventsToParts(responseBody, warnings as never[]),
    request: { body },
    response: { headers: responseHeaders },
  };
}

interface ChatChunk {
  id?: string;
  created?: number;
  model?: string;
  choices?: { delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null }; finish_reason?: string | null }[];
  usage?: WireUsage | null;
  error?: { message?: string; type?: string; code?: unknown };
}

interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

/** Turns the SSE body of a chat-completions stream into model stream parts. */
function eventsToParts(body: ReadableStream<Uint8Array>, warnings: never[]): ReadableStream<LanguageModelV3StreamPart> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  /** A '\r' at the end of a read, kept until the next read shows whether a '\n' follows it. */
  let pendingCR = '';
  let textOpen = false;
  let reasoningOpen = false;
  let metadataSent = false;
  let finishReason: string | null | undefined;
  let usage: WireUsage | undefined;
  let finished = false;

  const finish = (controller: ReadableStreamDefaultController<LanguageModelV3StreamPart>) => {
    if (finished) return;
    finished = true;
    if (reasoningOpen) controller.enqueue({ type: 'reasoning-end', id: 'reasoning-0' });
    if (textOpen) controller.enqueue({ type: 'text-end', id: 'txt-0' });
    controller.enqueue({ type: 'finish', finishReason: mapFinishReason(finishReason), usage: convertUsage(usage) });
    controller.close();
  };

  /** An error ends the stream: nothing after it is read. */
  const fail = (controller: ReadableStreamDefaultController<LanguageModelV3StreamPart>, error: unknown) => {
    finished = true;
    controller.enqueue({ type: 'error', error });
    controller.close();
    reader.cancel().catch(() => {});
  };

  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings });
    },
    async pull(controller) {
      for (;;) {
        let read: Awaited<ReturnType<typeof reader.read>>;
        try {
          read = await reader.read();
        } catch (error) {
          fail(controller, error);
          return;
        }
        if (read.done) {
          buffer += normalize(decoder.decode(), true);
          if (buffer.trim()) handleEvents(`${buffer}\n\n`, controller);
          finish(controller);
          return;
        }
        buffer += normalize(decoder.decode(read.value, { stream: true }), false);
        const end = buffer.lastIndexOf('\n\n');
        if (end === -1) continue;
        const complete = buffer.slice(0, end + 2);
        buffer = buffer.slice(end + 2);
        if (handleEvents(complete, controller) || finished) return;
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });

  /** SSE allows CRLF and CR line ends: make them all '\n' so events split on a blank line. */
  function normalize(text: string, last: boolean): string {
    let joined = pendingCR + text;
    pendingCR = '';
    if (!last && joined.endsWith('\r')) {
      pendingCR = '\r';
      joined = joined.slice(0, -1);
    }
    return joined.includes('\r') ? joined.replace(/\r\n?/g, '\n') : joined;
  }

  /** Handles complete events; returns true when a part was enqueued (so `pull` may return). */
  function handleEvents(text: string, controller: ReadableStreamDefaultController<LanguageModelV3StreamPart>): boolean {
    let delta = '';
    let reasoning = '';
    let enqueued = false;
    const flushDeltas = () => {
      if (reasoning) {
        if (!reasoningOpen) controller.enqueue({ type: 'reasoning-start', id: 'reasoning-0' });
        reasoningOpen = true;
        controller.enqueue({ type: 'reasoning-delta', id: 'reasoning-0', delta: reasoning });
        reasoning = '';
        enqueued = true;
      }
      if (delta) {
        if (reasoningOpen) {
          controller.enqueue({ type: 'reasoning-end', id: 'reasoning-0' });
          reasoningOpen = false;
        }
        if (!textOpen) controller.enqueue({ type: 'text-start', id: 'txt-0' });
        textOpen = true;
        controller.enqueue({ type: 'text-delta', id: 'txt-0', delta });
        delta = '';
        enqueued = true;
      }
    };
    for (const line of text.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(line[5] === ' ' ? 6 : 5).trim();
      if (!data) continue;
      if (data === '[DONE]') {
        flushDeltas();
        finish(controller);
        return true;
      }
      let chunk: ChatChunk;
      try {
        chunk = JSON.parse(data) as ChatChunk;
      } catch (error) {
        flushDeltas();
        fail(controller, new Error(`the server sent an event that is not JSON: ${data.slice(0, 200)}`, { cause: error }));
        return true;
      }
      if (chunk.error) {
        flushDeltas();
        fail(controller, chunk.error.message ?? JSON.stringify(chunk.error));
        return true;
      }
      if (!metadataSent) {
        metadataSent = true;
        controller.enqueue({
          type: 'response-metadata', id: chunk.id ?? undefined, modelId: chunk.model ?? undefined,
          timestamp: chunk.created === undefined ? undefined : new Date(chunk.created * 1000),
        });
        enqueued = true;
      }
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      const thinking = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
      if (thinking) {
        if (delta) flushDeltas();
        reasoning += thinking;
      }
      const content = choice.delta?.content;
      if (content) {
        if (reasoning) flushDeltas();
        delta += content;
      }
    }
    flushDeltas();
    return enqueued;
  }
}

function mapFinishReason(raw: string | null | undefined): LanguageModelV3FinishReason {
  switch (raw) {
    case 'stop': return { unified: 'stop', raw };
    case 'length': return { unified: 'length', raw };
    case 'content_filter': return { unified: 'content-filter', raw };
    case 'function_call':
    case 'tool_calls': return { unified: 'tool-calls', raw };
    default: return { unified: 'other', raw: raw ?? undefined };
  }
}

function convertUsage(usage: WireUsage | undefined): LanguageModelV3Usage {
  const input = usage?.prompt_tokens;
  const output = usage?.completion_tokens;
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
  return {
    inputTokens: { total: input, noCache: input === undefined ? undefined : input - (cached ?? 0), cacheRead: cached, cacheWrite: undefined },
    outputTokens: { total: output, text: output === undefined ? undefined : output - (reasoning ?? 0), reasoning },
    raw: usage ?? undefined,
  } as LanguageModelV3Usage;
}
