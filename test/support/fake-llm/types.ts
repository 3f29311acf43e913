import type { FakeSchemaDialect } from './schema-dialects.ts';
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeFaultRates, RandomFaultKind } from './random-faults.ts';

/** A JSON Schema, loosely typed (what `response_format.json_schema.schema` carries). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  format?: string;
  nullable?: boolean;
  default?: unknown;
  [key: string]: unknown;
}

export interface ChatMessage {
  role: string;
  content?: string | Array<{ type: string; text?: string; [key: string]: unknown }> | null;
  tool_calls?: unknown[];
  tool_call_id?: string;
  [key: string]: unknown;
}

/** The parsed body of a request, with the OpenAI fields the fake reads. */
export interface FakeRequestBody {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string; json_schema?: { name?: string; schema?: JsonSchema; strict?: boolean } };
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: JsonSchema } }>;
  tool_choice?: unknown;
  /** Embeddings input. */
  input?: string | string[];
  [key: string]: unknown;
}

/** One request the fake received, as parsed from the wire. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body ({} when there was none or it was not JSON). */
  body: FakeRequestBody;
  rawBody: string;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  /** The HTTP status the fake answered with, once it has answered. */
  status?: number;
}

/** Token counts to report instead of the computed ones. */
export interface FakeUsage {
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
}

/** Options every reply may carry. */
export interface ReplyTiming {
  /** Wait this long before answering (added to the server's `latencyMs`). */
  delayMs?: number;
  /** Characters per streamed content chunk (default 8). */
  chunkSize?: number;
  /** Pause between streamed chunks (default 0). */
  chunkDelayMs?: number;
  usage?: FakeUsage;
  /** Overrides the wire `finish_reason` (default `stop`, or `tool_calls`). */
  finishReason?: string;
}

export interface FakeToolCall {
  name: string;
  /** An object (serialized) or a ready JSON string. */
  arguments: unknown;
  id?: string;
}

export type FakeFault =
  | { fault: 'rate-limit'; /** Seconds, may be fractional (`0.05`); sent as `Retry-After`. */ retryAfter?: number; retryAfterMs?: number }
  | { fault: 'server-error'; status?: 500 | 502 | 503 | 504; /** Sent as `retry-after-ms`. */ retryAfterMs?: number }
  /** Any other error status, e.g. 400 or 401 (not retryable). */
  | { fault: 'http-error'; status: number; message?: string }
  /** Accept the request and never answer, until the client goes away. */
  | { fault: 'hang' }
  /** Send `afterChars` characters of `text`, then destroy the socket (stream: without `[DONE]`; JSON: a cut body). */
  | { fault: 'truncate'; text: string; afterChars: number }
  /** Content that is not valid JSON although JSON was requested. */
  | { fault: 'invalid-json'; text?: string };

/** A scripted chat-completions reply. */
export type FakeReply = (
  | { text: string }
  | { json: unknown }
  | { toolCalls: FakeToolCall[]; text?: string }
  | FakeFault
) & ReplyTiming;

/** A scripted embeddings reply: fixed vectors, or a fault. */
export type FakeEmbeddingReply = ({ vectors: number[][] } | FakeFault) & Pick<ReplyTiming, 'delayMs' | 'usage'>;

export interface FakeLlmOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Delay before every answer. */
  latencyMs?: number;
  /** Maximum requests served at once; the rest wait their turn. Default: unlimited. */
  capacity?: number;
  /** Dimension of the default hashed bag-of-words embeddings (default 64). */
  embeddingDimensions?: number;
  /** Model ids listed by `GET /v1/models` (default `['fake']`). */
  models?: string[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
  /**
   * Decides a reply from the request; return undefined to fall back to the queue, then to the auto reply.
   * Called for chat completions and embeddings (look at `request.path`).
   */
  handler?: (request: FakeRequest) => FakeReply | FakeEmbeddingReply | undefined;
  /**
   * Random faults on chat completions (streamed and not), seeded and reproducible, on top of the replies
   * above: e.g. `{ rateLimit: 0.3, serverError: 0.1, truncate: 0.05, invalidJson: 0.1, seed: 1 }`.
   */
  faults?: FakeFaultRates;
  /**
   * Which structured-output schemas the chat-completions route accepts: `any` (default, as grammar servers do),
   * `openai-strict` (OpenAI's strict subset, refused with OpenAI's 400) or `gemini` (Gemini's OpenAI-compatible
   * endpoint). The Anthropic route always refuses what Anthropic's `output_config.format` refuses.
   */
  dialect?: FakeSchemaDialect;
}

export interface FakeLlm {
  /** Base URL ending in `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order of arrival. */
  readonly requests: FakeRequest[];
  /** Most requests that were in flight at the same moment (waiting for capacity included). */
  readonly maxConcurrency: number;
  /** Requests in flight now. */
  readonly inFlight: number;
  /** Random faults injected so far, per kind (all 0 without `faults`). */
  readonly faultCounts: Readonly<Record<RandomFaultKind, number>>;
  /** Queues chat-completions replies, served first in, first out. */
  enqueue(...replies: FakeReply[]): void;
  /** Queues embeddings replies. */
  enqueueEmbeddings(...replies: FakeEmbeddingReply[]): void;
  /** Replies still queued. */
  pending(): number;
  /** Chat-completions requests only. */
  chatRequests(): FakeRequest[];
  /** Clears the queues, the request log, the concurrency record and the random faults' counts and draws. */
  reset(): void;
  close(): Promise<void>;
}
