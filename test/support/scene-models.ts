import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { parseSceneText } from '../../src/scene/scene-file.ts';
import type { Scene } from '../../src/scene/scene-schema.ts';
import { scriptedModel } from './mock-models.ts';

/** Who a model call is for: the name after "You are " in the system prompt ('narrator' for the narrator). */
export function roleOf(prompt: LanguageModelV3CallOptions['prompt']): string {
  const system = prompt.find((m) => m.role === 'system');
  const text = typeof system?.content === 'string' ? system.content : '';
  if (/the narrator and game master/.test(text)) return 'narrator';
  return /^You are ([^,]+),/.exec(text)?.[1] ?? 'unknown';
}

/** The text of the last message of a prompt (the turn instruction for characters and the narrator). */
export function lastMessage(prompt: LanguageModelV3CallOptions['prompt']): string {
  const last = prompt.at(-1);
  if (!last) return '';
  return typeof last.content === 'string' ? last.content : last.content.map((p) => ('text' in p ? p.text : '')).join('');
}

export interface CharacterReply { speech?: string; action?: string; to?: string; leave?: boolean; belief?: string }
export interface NarratorReply { narration?: string; private?: { to: string | string[]; text: string }[]; next?: { speaker: string; reason: string }; end?: boolean }

export const characterJson = (reply: CharacterReply = {}, call = 0, name = 'X') => JSON.stringify({
  thought: { belief: reply.belief ?? `${name} belief ${call}`, intention: 'i', desire: 'd', emotion: 'e', knowledge: 'k' },
  action: reply.action ?? '', speech: reply.speech ?? `${name} speaks (${call})`, to: reply.to ?? '', leave: reply.leave ?? false,
});

export const narratorJson = (reply: NarratorReply = {}) => JSON.stringify({
  narration: reply.narration ?? 'The wind rises.', private: reply.private ?? [], ...(reply.next ? { next: reply.next } : {}), end: reply.end ?? false,
});

/**
 * A mock model that answers as whoever the call is for: `characters(name, call)` and `narrator(call)` return
 * reply fields (or a raw string, or an Error). Calls are recorded on `doStreamCalls`.
 */
export function sceneModel(script: {
  characters?: (name: string, call: number, options: LanguageModelV3CallOptions) => CharacterReply | string | Error;
  narrator?: (call: number, options: LanguageModelV3CallOptions) => NarratorReply | string | Error;
  /** A kind's private report (asked with the response format `private_report`); default: opinion 4 with a reason. */
  report?: (name: string, call: number) => string;
}) {
  const calls = new Map<string, number>();
  return scriptedModel((options) => {
    const role = roleOf(options.prompt);
    if (options.responseFormat?.type === 'json' && options.responseFormat.name === 'private_report') {
      const n = calls.get(`${role}/report`) ?? 0;
      calls.set(`${role}/report`, n + 1);
      return script.report?.(role, n) ?? JSON.stringify({ opinion: 4, reason: `${role} weighs it (${n})` });
    }
    const n = calls.get(role) ?? 0;
    calls.set(role, n + 1);
    if (role === 'narrator') {
      const reply = script.narrator?.(n, options) ?? {};
      return typeof reply === 'string' || reply instanceof Error ? reply : narratorJson(reply);
    }
    const reply = script.characters?.(role, n, options) ?? {};
    return typeof reply === 'string' || reply instanceof Error ? reply : characterJson(reply, n, role);
  });
}

/** A scene from YAML text with inline characters (no files needed). */
export function sceneFromYaml(yaml: string): Promise<Scene> {
  return parseSceneText(yaml, { file: 'test.yaml', baseDir: process.cwd() });
}
