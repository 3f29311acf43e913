import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { completionJson, streamCompletion, toCompletion } from './chat-completions.ts';
import { countTokens, hashedEmbedding } from './embeddings.ts';
import { asOpenAiBody as anthropicBody, messageJson, streamMessage, usesJsonTool } from './anthropic-messages.ts';
import { asOpenAiBody as ollamaBody, ollamaChatJson, streamOllamaChat } from './ollama-chat.ts';
import { randomFaults } from './random-faults.ts';
import { anthropicRefusal, geminiRefusal, openAiStrictRefusal, type FakeSchemaDialect, type SchemaRefusal } from './schema-dialects.ts';
import type { FakeEmbeddingReply, FakeFault, FakeLlm, FakeLlmOptions, FakeReply, FakeRequest, FakeRequestBody, JsonSchema } from './types.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a fake OpenAI-compatible server on 127.0.0.1 (a free port by default).
 * @example const fake = await startFakeLlm(); fake.enqueue({ text: 'Hi.' }); // baseURL: fake.url
 */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const queue: FakeReply[] = [];
  const embeddingQueue: FakeEmbeddingReply[] = [];
  const requests: FakeRequest[] = [];
  const waiting: Array<() => void> = [];
  let serving = 0;
  let inFlight = 0;
  let maxConcurrency = 0;
  const faults = randomFaults(options.faults ?? {});

  const acquire = async (response: ServerResponse): Promise<boolean> => {
    if (options.capacity === undefined || serving < options.capacity) {
      serving++;
      return true;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
    if (response.destroyed) {
      release();
      return false;
    }
    return true;
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else serving--;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake-llm failed: ${error instanceof Error ? error.message : String(error)}`, 'server_error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0],
      headers: req.headers,
      body: parseBody(rawBody),
      rawBody,
      at: Date.now(),
    };
    requests.push(request);
    res.on('finish', () => { request.status = res.statusCode; });
    inFlight++;
    maxConcurrency = Math.max(maxConcurrency, inFlight);
    res.on('close', () => inFlight--);
    res.socket?.setNoDelay(true);

    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      return;
    }
    const route = `${request.method} ${request.path.replace(/\/+$/, '')}`;
    if (route === 'GET /v1/models') {
      const data = (options.models ?? ['fake']).map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'dramatis' }));
      sendJson(res, 200, JSON.stringify({ object: 'list', data }));
      return;
    }
    const isOllama = route === 'POST /api/chat';
    const isAnthropic = route === 'POST /v1/messages';
    if (isOllama) request.body = ollamaBody(request.body);
    // Anthropic checks `output_config.format` (a forced `json` tool's input schema is not held to those limits).
    const outputFormat = isAnthropic ? (request.body.output_config as { format?: { schema?: JsonSchema } } | undefined)?.format?.schema : undefined;
    if (isAnthropic) request.body = anthropicBody(request.body);
    if (route !== 'POST /v1/chat/completions' && route !== 'POST /v1/embeddings' && !isOllama && !isAnthropic) {
      sendError(res, 404, `fake-llm has no route ${route}`, 'invalid_request_error');
      return;
    }
    const isChat = route === 'POST /v1/chat/completions' || isOllama || isAnthropic;
    const refusal = outputFormat ? anthropicRefusal(outputFormat) : route === 'POST /v1/chat/completions' ? schemaRefusal(request.body, options.dialect ?? 'any') : undefined;
    if (refusal) {
      sendJson(res, 400, refusal.body);
      return;
    }
    const chosen = options.handler?.(request) ?? (isChat ? queue.shift() : embeddingQueue.shift());
    const scripted = isChat && options.faults && !(chosen && 'fault' in chosen)
      ? faults.draw(request, () => toCompletion(chosen as FakeReply | undefined, request.body).content ?? '', chosen as FakeReply | undefined) ?? chosen
      : chosen;

    if (!(await acquire(res))) return;
    let released = false;
    const releaseOnce = () => {
      if (!released) {
        released = true;
        release();
      }
    };
    res.on('close', releaseOnce);
    try {
      const delay = (options.latencyMs ?? 0) + (scripted?.delayMs ?? 0);
      if (delay > 0) await sleep(delay);
      if (res.destroyed) return;
      if (scripted && 'fault' in scripted && (await serveFault(res, scripted, isChat, request.body))) return;
      if (isOllama) await serveOllamaChat(res, request.body, scripted as FakeReply | undefined);
      else if (isAnthropic) await serveAnthropic(res, request.body, scripted as FakeReply | undefined);
      else if (isChat) await serveChat(res, request.body, scripted as FakeReply | undefined);
      else serveEmbeddings(res, request.body, scripted as FakeEmbeddingReply | undefined, options.embeddingDimensions ?? 64);
    } finally {
      if (res.writableEnded || res.destroyed) releaseOnce();
    }
  }

  /** Answers a fault; returns false when the fault is a kind of content the normal path serves. */
  async function serveFault(res: ServerResponse, reply: FakeFault, isChat: boolean, body: FakeRequestBody): Promise<boolean> {
    switch (reply.fault) {
      case 'rate-limit': {
        const headers: Record<string, string> = {};
        if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
        if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
        sendError(res, 429, 'Rate limit reached for requests. Please try again later.', 'rate_limit_error', 'rate_limit_exceeded', headers);
        return true;
      }
      case 'server-error': {
        const headers: Record<string, string> = reply.retryAfterMs === undefined ? {} : { 'retry-after-ms': String(reply.retryAfterMs) };
        sendError(res, reply.status ?? 500, 'The server had an error while processing your request.', 'server_error', null, headers);
        return true;
      }
      case 'http-error':
        sendError(res, reply.status, reply.message ?? `fake-llm scripted HTTP ${reply.status}`, 'invalid_request_error');
        return true;
      case 'hang':
        // Hold the request open until the client aborts or the server closes.
        await new Promise<void>((resolve) => res.on('close', () => resolve()));
        return true;
      case 'truncate':
        if (isChat && body.stream) return false;
        await sendCutJson(res, isChat ? completionJson(body, toCompletion(reply as FakeReply, body)) : '{"object":"list","data":[{"embedding":[0.1,0.2', reply.afterChars);
        return true;
      case 'invalid-json':
        if (isChat) return false;
        sendJson(res, 200, '{"object": "list", "data": [');
        return true;
    }
  }

  async function serveChat(res: ServerResponse, body: FakeRequestBody, reply: FakeReply | undefined): Promise<void> {
    const completion = toCompletion(reply, body);
    if (body.stream) {
      const cutAfterChars = reply && 'fault' in reply && reply.fault === 'truncate' ? reply.afterChars : undefined;
      await streamCompletion(res, body, completion, { chunkSize: reply?.chunkSize ?? 8, chunkDelayMs: reply?.chunkDelayMs ?? 0, cutAfterChars }, sleep);
      return;
    }
    sendJson(res, 200, completionJson(body, completion));
  }

  async function serveAnthropic(res: ServerResponse, body: FakeRequestBody, reply: FakeReply | undefined): Promise<void> {
    const completion = toCompletion(reply, body);
    const wire = {
      content: completion.content ?? '', inputTokens: completion.usage.prompt_tokens,
      outputTokens: completion.usage.completion_tokens, asJsonTool: usesJsonTool(body),
    };
    if (!body.stream) return sendJson(res, 200, messageJson(body, wire));
    const cutAfterChars = reply && 'fault' in reply && reply.fault === 'truncate' ? reply.afterChars : undefined;
    await streamMessage(res, body, wire, { chunkSize: reply?.chunkSize ?? 8, chunkDelayMs: reply?.chunkDelayMs ?? 0, cutAfterChars }, sleep);
  }

  async function serveOllamaChat(res: ServerResponse, body: FakeRequestBody, reply: FakeReply | undefined): Promise<void> {
    const completion = toCompletion(reply, body);
    const wire = {
      content: completion.content ?? '', promptTokens: completion.usage.prompt_tokens,
      completionTokens: completion.usage.completion_tokens, finishReason: completion.finishReason,
    };
    if (!body.stream) return sendJson(res, 200, ollamaChatJson(body, wire));
    const cutAfterChars = reply && 'fault' in reply && reply.fault === 'truncate' ? reply.afterChars : undefined;
    await streamOllamaChat(res, body, wire, { chunkSize: reply?.chunkSize ?? 8, chunkDelayMs: reply?.chunkDelayMs ?? 0, cutAfterChars }, sleep);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';

  return {
    url: `http://${host}:${port}/v1`,
    port,
    requests,
    get maxConcurrency() {
      return maxConcurrency;
    },
    get inFlight() {
      return inFlight;
    },
    faultCounts: faults.counts,
    enqueue: (...replies) => void queue.push(...replies),
    enqueueEmbeddings: (...replies) => void embeddingQueue.push(...replies),
    pending: () => queue.length + embeddingQueue.length,
    chatRequests: () => requests.filter((request) => /\/chat\/completions$|^\/api\/chat$|^\/v1\/messages$/.test(request.path)),
    reset() {
      queue.length = 0;
      embeddingQueue.length = 0;
      requests.length = 0;
      maxConcurrency = inFlight;
      faults.reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the provider the route imitates would refuse in the request's structured-output schema, if anything. */
function schemaRefusal(body: FakeRequestBody, dialect: FakeSchemaDialect): SchemaRefusal | undefined {
  const format = body.response_format as { type?: string; json_schema?: { name?: string; schema?: JsonSchema; strict?: boolean } } | undefined;
  const schema = format?.type === 'json_schema' ? format.json_schema?.schema : undefined;
  if (!schema) return undefined;
  switch (dialect) {
    case 'openai-strict': return format?.json_schema?.strict === false ? undefined : openAiStrictRefusal(schema, format?.json_schema?.name ?? 'response');
    case 'gemini': return geminiRefusal(schema);
    case 'any': return undefined;
  }
}

function serveEmbeddings(res: ServerResponse, body: FakeRequestBody, reply: FakeEmbeddingReply | undefined, dimensions: number): void {
  const inputs = body.input === undefined ? [] : Array.isArray(body.input) ? body.input : [body.input];
  const scripted = reply && 'vectors' in reply ? reply.vectors : [];
  const data = inputs.map((input, index) => ({
    object: 'embedding',
    index,
    embedding: scripted[index] ?? hashedEmbedding(String(input), dimensions),
  }));
  const tokens = reply?.usage?.promptTokens ?? inputs.reduce((sum, input) => sum + countTokens(String(input)), 0);
  sendJson(res, 200, JSON.stringify({ object: 'list', data, model: body.model ?? 'fake', usage: { prompt_tokens: tokens, total_tokens: tokens } }));
}

function sendJson(res: ServerResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)), ...headers });
  res.end(json);
}

function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null, headers: Record<string, string> = {}): void {
  sendJson(res, status, JSON.stringify({ error: { message, type, param: null, code } }), headers);
}

/** Promises the full body's length, sends a prefix of it, then kills the connection. */
async function sendCutJson(res: ServerResponse, json: string, afterChars: number): Promise<void> {
  const contentAt = json.indexOf('"content":');
  const cutAt = Math.min(json.length - 1, Math.max(1, (contentAt >= 0 ? contentAt + 11 : 0) + afterChars));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) });
  await new Promise<void>((resolve) => res.write(json.slice(0, cutAt), () => resolve()));
  await sleep(10);
  res.socket?.destroy();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string): FakeRequestBody {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as FakeRequestBody) : {};
  } catch {
    return {};
  }
}
