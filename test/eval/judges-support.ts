import type { LanguageModelV3 } from '@ai-sdk/provider';
import { createLanguageModel, createModelRuntime } from '../../src/llm/index.ts';
import type { BenchItem } from '../../src/eval/item.ts';
import type { FakeLlm, FakeRequest } from '../support/fake-llm/index.ts';

/** The judge model on the fake server, through the real openai-compatible provider, with fast retries. */
export function fakeJudgeModel(fake: FakeLlm): LanguageModelV3 {
  return createLanguageModel('openai-compatible:fake', {
    env: {},
    runtime: createModelRuntime(),
    baseURL: fake.url,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    timeoutMs: 5_000,
  });
}

/** The text of a request's message with this role (the first one, or the last with `last`). */
export function messageText(request: FakeRequest, role: string, last = false): string {
  const messages = (request.body.messages ?? []).filter((m) => m.role === role);
  const message = last ? messages.at(-1) : messages[0];
  return typeof message?.content === 'string' ? message.content : (message?.content ?? []).map((p) => p.text ?? '').join('');
}

/** The fenced texts of one kind in a prompt, by label (the text between the real fences). */
function fenced(kind: string, text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of text.matchAll(new RegExp(`<${kind}-([0-9a-f]{12}) label="([^"]*)">\\n([\\s\\S]*?)\\n<\\/${kind}-\\1>`, 'g'))) found[match[2]] = match[3];
  return found;
}

/** The fenced candidates of a judge prompt, by label. */
export function fencedCandidates(userText: string): Record<string, string> {
  return fenced('candidate', userText);
}

/** The fenced context of a judge prompt (the item's values from its data file), by label. */
export function fencedContext(userText: string): Record<string, string> {
  return fenced('context', userText);
}

export function item(overrides: Partial<BenchItem> = {}): BenchItem {
  return { id: 'i1', record: 1, vars: { question: 'Who keeps the light?' }, reference: 'Ilse keeps it.', categories: {}, ...overrides };
}
