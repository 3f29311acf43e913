import type { ServerResponse } from 'node:http';
import type { FakeRequestBody, JsonSchema } from './types.ts';

/**
 * Ollama's native `/api/chat` wire format: NDJSON lines `{message:{role,content}, done:false}` and a last line
 * with `done: true`, `done_reason` and token counts. Its `format` field (a JSON schema or "json") plays the part
 * of OpenAI's `response_format`, so the same replies and auto replies serve both.
 */
export function asOpenAiBody(body: FakeRequestBody): FakeRequestBody {
  const format = body.format;
  const responseFormat = format && typeof format === 'object'
    ? { type: 'json_schema', json_schema: { name: 'format', schema: format as JsonSchema } }
    : format === 'json' ? { type: 'json_object' } : undefined;
  return { ...body, response_format: responseFormat, stream: body.stream !== false };
}

interface OllamaReply {
  content: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: string;
}

const line = (body: FakeRequestBody, extra: Record<string, unknown>) =>
  `${JSON.stringify({ model: body.model ?? 'fake', created_at: '2024-01-01T00:00:00Z', ...extra })}\n`;

const last = (body: FakeRequestBody, reply: OllamaReply, content: string) => line(body, {
  message: { role: 'assistant', content }, done: true, done_reason: reply.finishReason === 'length' ? 'length' : 'stop',
  total_duration: 1, load_duration: 1, prompt_eval_count: reply.promptTokens, prompt_eval_duration: 1, eval_count: reply.completionTokens, eval_duration: 1,
});

export function ollamaChatJson(body: FakeRequestBody, reply: OllamaReply): string {
  return last(body, reply, reply.content).trimEnd();
}

/** Streams the reply as NDJSON; `cutAfterChars` destroys the socket mid-reply. */
export async function streamOllamaChat(
  res: ServerResponse, body: FakeRequestBody, reply: OllamaReply, plan: { chunkSize: number; chunkDelayMs: number; cutAfterChars?: number },
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const characters = [...reply.content.slice(0, plan.cutAfterChars ?? reply.content.length)];
  for (let i = 0; i < characters.length; i += plan.chunkSize) {
    if (res.destroyed) return;
    if (plan.chunkDelayMs > 0) await sleep(plan.chunkDelayMs);
    res.write(line(body, { message: { role: 'assistant', content: characters.slice(i, i + plan.chunkSize).join('') }, done: false }));
  }
  if (plan.cutAfterChars !== undefined) {
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    await sleep(10);
    res.socket?.destroy();
    return;
  }
  res.end(last(body, reply, ''));
}
