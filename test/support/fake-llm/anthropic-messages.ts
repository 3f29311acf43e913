import type { ServerResponse } from 'node:http';
import type { FakeRequestBody, JsonSchema } from './types.ts';

/**
 * Anthropic's `/v1/messages` wire format. Structured output arrives either as `output_config.format` (newer
 * models: the reply is JSON text) or as a forced tool named `json` (older models: the reply is a tool_use block
 * whose input is the JSON); both are mapped onto the OpenAI-shaped body the replies are scripted against.
 */
export function asOpenAiBody(body: FakeRequestBody): FakeRequestBody {
  const format = (body.output_config as { format?: { schema?: JsonSchema } } | undefined)?.format;
  const jsonTool = (body.tools as Array<{ name?: string; input_schema?: JsonSchema }> | undefined)?.find((tool) => tool.name === 'json');
  const schema = format?.schema ?? jsonTool?.input_schema;
  return { ...body, response_format: schema ? { type: 'json_schema', json_schema: { name: 'json', schema } } : undefined };
}

export interface AnthropicReply {
  content: string;
  inputTokens: number;
  outputTokens: number;
  /** Answer with a tool_use block named `json` (the SDK's fallback for models without native structured output). */
  asJsonTool: boolean;
}

export function usesJsonTool(body: FakeRequestBody): boolean {
  return (body.tools as Array<{ name?: string }> | undefined)?.some((tool) => tool.name === 'json') === true;
}

function block(reply: AnthropicReply) {
  if (!reply.asJsonTool) return { type: 'text', text: reply.content };
  let input: unknown = {};
  try { input = JSON.parse(reply.content); } catch { /* invalid JSON stays an empty input */ }
  return { type: 'tool_use', id: 'toolu_fake', name: 'json', input };
}

export function messageJson(body: FakeRequestBody, reply: AnthropicReply): string {
  return JSON.stringify({
    id: 'msg_fake', type: 'message', role: 'assistant', model: body.model ?? 'fake', content: [block(reply)],
    stop_reason: reply.asJsonTool ? 'tool_use' : 'end_turn', stop_sequence: null,
    usage: { input_tokens: reply.inputTokens, output_tokens: reply.outputTokens },
  });
}

/** Streams the reply as Anthropic SSE events; `cutAfterChars` destroys the socket mid-reply. */
export async function streamMessage(
  res: ServerResponse, body: FakeRequestBody, reply: AnthropicReply, plan: { chunkSize: number; chunkDelayMs: number; cutAfterChars?: number },
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const send = (type: string, data: Record<string, unknown>) => {
    if (!res.destroyed) res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  send('message_start', {
    message: {
      id: 'msg_fake', type: 'message', role: 'assistant', model: body.model ?? 'fake', content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: reply.inputTokens, output_tokens: 1 },
    },
  });
  send('content_block_start', {
    index: 0,
    content_block: reply.asJsonTool ? { type: 'tool_use', id: 'toolu_fake', name: 'json', input: {} } : { type: 'text', text: '' },
  });
  const characters = [...reply.content.slice(0, plan.cutAfterChars ?? reply.content.length)];
  for (let i = 0; i < characters.length; i += plan.chunkSize) {
    if (res.destroyed) return;
    if (plan.chunkDelayMs > 0) await sleep(plan.chunkDelayMs);
    const piece = characters.slice(i, i + plan.chunkSize).join('');
    send('content_block_delta', { index: 0, delta: reply.asJsonTool ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece } });
  }
  if (plan.cutAfterChars !== undefined) {
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    await sleep(10);
    res.socket?.destroy();
    return;
  }
  send('content_block_stop', { index: 0 });
  send('message_delta', { delta: { stop_reason: reply.asJsonTool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: reply.outputTokens } });
  send('message_stop', {});
  res.end();
}
