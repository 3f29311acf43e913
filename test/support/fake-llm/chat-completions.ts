import type { ServerResponse } from 'node:http';
import { autoContent } from './auto-reply.ts';
import { countTokens } from './embeddings.ts';
import type { FakeReply, FakeRequestBody, FakeToolCall, FakeUsage } from './types.ts';

const INVALID_JSON = '{"thought": {"belief": "unterminated';

interface Completion {
  content: string | null;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReason: string;
  usage: WireUsage;
}

interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

/** What a non-fault reply (or the auto reply) means on the wire. */
export function toCompletion(reply: FakeReply | undefined, body: FakeRequestBody): Completion {
  let content: string | null;
  let toolCalls: Completion['toolCalls'] = [];
  if (!reply) content = autoContent(body);
  else if ('text' in reply && !('fault' in reply) && !('toolCalls' in reply)) content = reply.text;
  else if ('json' in reply) content = JSON.stringify(reply.json);
  else if ('toolCalls' in reply) {
    content = reply.text ?? null;
    toolCalls = reply.toolCalls.map((call, index) => toWireToolCall(call, index));
  } else if ('fault' in reply && reply.fault === 'invalid-json') content = reply.text ?? INVALID_JSON;
  else if ('fault' in reply && reply.fault === 'truncate') content = reply.text;
  else content = '';
  const finishReason = reply?.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  const produced = (content ?? '') + toolCalls.map((call) => call.name + call.arguments).join('');
  return { content, toolCalls, finishReason, usage: usageFor(body, produced, reply?.usage) };
}

function toWireToolCall(call: FakeToolCall, index: number) {
  const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
  return { id: call.id ?? `call_${index}`, name: call.name, arguments: args };
}

function usageFor(body: FakeRequestBody, produced: string, override: FakeUsage | undefined): WireUsage {
  const promptText = (body.messages ?? [])
    .map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '')))
    .join('\n');
  const prompt = override?.promptTokens ?? countTokens(promptText);
  const completion = override?.completionTokens ?? countTokens(produced);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: override?.cachedTokens ?? 0 },
  };
}

function envelope(body: FakeRequestBody, object: string) {
  return { id: 'chatcmpl-fake', object, created: 1_700_000_000, model: body.model ?? 'fake', system_fingerprint: 'fake' };
}

/** The `chat.completion` JSON body. */
export function completionJson(body: FakeRequestBody, completion: Completion): string {
  const message: Record<string, unknown> = { role: 'assistant', content: completion.content };
  if (completion.toolCalls.length > 0) {
    message.tool_calls = completion.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return JSON.stringify({
    ...envelope(body, 'chat.completion'),
    choices: [{ index: 0, message, finish_reason: completion.finishReason, logprobs: null }],
    usage: completion.usage,
  });
}

export interface StreamPlan {
  chunkSize: number;
  chunkDelayMs: number;
  /** Stop after this many content characters and destroy the socket. */
  cutAfterChars?: number;
}

/** Writes the reply as `chat.completion.chunk` SSE events, ending with `[DONE]` (or a destroyed socket when cut). */
export async function streamCompletion(
  response: ServerResponse,
  body: FakeRequestBody,
  completion: Completion,
  plan: StreamPlan,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const base = envelope(body, 'chat.completion.chunk');
  const send = (data: unknown) => {
    if (!response.destroyed) response.write(`data: ${JSON.stringify(data)}\n\n`);
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    send({ ...base, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] });

  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.flushHeaders();
  chunk({ role: 'assistant', content: '' });

  const content = completion.content ?? '';
  const limit = plan.cutAfterChars ?? Infinity;
  const pieces = split(content.slice(0, Math.min(content.length, limit)), plan.chunkSize);
  for (const piece of pieces) {
    if (response.destroyed) return;
    if (plan.chunkDelayMs > 0) await sleep(plan.chunkDelayMs);
    chunk({ content: piece });
  }
  if (plan.cutAfterChars !== undefined) {
    // Let the bytes leave before the connection dies, as a real proxy cut would.
    await new Promise<void>((resolve) => response.write('', () => resolve()));
    await sleep(10);
    response.socket?.destroy();
    return;
  }
  completion.toolCalls.forEach((call, index) => {
    chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] });
    for (const piece of split(call.arguments, plan.chunkSize)) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  chunk({}, completion.finishReason);
  if (body.stream_options?.include_usage) send({ ...base, choices: [], usage: completion.usage });
  if (!response.destroyed) response.end('data: [DONE]\n\n');
}

function split(text: string, size: number): string[] {
  const characters = [...text];
  const pieces: string[] = [];
  for (let i = 0; i < characters.length; i += size) pieces.push(characters.slice(i, i + size).join(''));
  return pieces;
}
