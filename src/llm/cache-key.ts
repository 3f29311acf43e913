import { createHash } from 'node:crypto';
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';

/** What names a model endpoint in a cache key. */
export interface ModelIdentity {
  provider: string;
  modelId: string;
  baseURL: string;
}

/** Bump when the cached value format or the key material changes. */
const KEY_VERSION = 1;

/**
 * The content address of a call: sha256 of canonical JSON of the endpoint and every option that shapes
 * the output. Abort signals and headers are left out (headers may carry secrets).
 */
export function cacheKey(identity: ModelIdentity, mode: 'generate' | 'stream', params: LanguageModelV3CallOptions): string {
  const material = {
    v: KEY_VERSION,
    mode,
    provider: identity.provider,
    modelId: identity.modelId,
    baseURL: identity.baseURL,
    prompt: params.prompt,
    responseFormat: params.responseFormat,
    tools: params.tools,
    toolChoice: params.toolChoice,
    temperature: params.temperature,
    topP: params.topP,
    topK: params.topK,
    maxOutputTokens: params.maxOutputTokens,
    presencePenalty: params.presencePenalty,
    frequencyPenalty: params.frequencyPenalty,
    seed: params.seed,
    stopSequences: params.stopSequences,
    providerOptions: params.providerOptions,
  };
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}

/** JSON with sorted keys and no undefined members; bytes, URLs and dates get stable forms. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? value.toString() : value;
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof URL) return { $url: value.href };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonical(item)));
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && typeof member !== 'function') result[key] = canonical(member);
  }
  return result;
}
