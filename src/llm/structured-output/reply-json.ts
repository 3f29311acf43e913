/** Removes reasoning blocks that some models (Qwen3, DeepSeek-R1...) print before their answer. */
export function stripReasoning(text: string): string {
  return text.replace(/<think(?:ing)?>[\s\S]*?(?:<\/think(?:ing)?>|$)/gi, '');
}

/** The JSON object in a model's reply, tolerating a ```json fence, a reasoning block or prose around it. */
export function extractJsonObject(raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = stripReasoning(raw);
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return { ok: false, error: 'the reply contains no JSON object' };
  try {
    return { ok: true, value: JSON.parse(text.slice(start, end + 1)) };
  } catch (error) {
    return { ok: false, error: `the reply is not valid JSON (${(error as Error).message})` };
  }
}
