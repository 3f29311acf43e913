import type {
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3Middleware,
  LanguageModelV3StreamPart,
  SharedV3ProviderMetadata,
} from '@ai-sdk/provider';
import { z } from 'zod';
import type { Store } from '../../store/index.ts';
import { cacheKey, type ModelIdentity } from '../cache-key.ts';
import { nodeWarning, readCached, type Warn } from '../cache-read.ts';
import { observeStream, streamOf } from '../stream-parts.ts';

export type CacheStore = Pick<Store, 'cacheGet' | 'cachePut'>;

const FORMAT = 'dramatis/llm-response';
const VERSION = 1;

// What replaying needs of a stored entry; a damaged entry fails these and is a miss (see readCached).
const Part = z.looseObject({ type: z.string() }).refine(
  (part) => (part.type !== 'text' || typeof part.text === 'string') && (part.type !== 'text-delta' || typeof part.delta === 'string'),
  'a text part without its text',
);
const FinishReason = z.looseObject({ unified: z.string() });
const CachedGenerateSchema = z.looseObject({
  result: z.looseObject({ content: z.array(Part), finishReason: FinishReason, usage: z.looseObject({}) }),
});
const CachedStreamSchema = z.looseObject({
  parts: z.array(Part).refine((parts) => parts.some((part) => part.type === 'finish'), 'no finish part'),
});

interface CachedGenerate {
  format: typeof FORMAT;
  version: typeof VERSION;
  kind: 'generate';
  result: Omit<LanguageModelV3GenerateResult, 'request' | 'response'> & { response?: { id?: string; modelId?: string; timestamp?: string } };
}

interface CachedStream {
  format: typeof FORMAT;
  version: typeof VERSION;
  kind: 'stream';
  /** The parts as JSON; a `response-metadata` timestamp is an ISO string. */
  parts: unknown[];
}

/** True when a result or finish part came from the response cache. */
export function isCachedResult(providerMetadata: SharedV3ProviderMetadata | undefined): boolean {
  return providerMetadata?.dramatis?.cached === true;
}

function markCached(providerMetadata: SharedV3ProviderMetadata | undefined): SharedV3ProviderMetadata {
  return { ...providerMetadata, dramatis: { ...providerMetadata?.dramatis, cached: true } };
}

/**
 * A content-addressed response cache: the same request to the same model endpoint returns the stored
 * response without a call (a stream replays its parts). Only complete, successful responses are stored.
 */
export function cacheMiddleware(store: CacheStore, identity: ModelIdentity, warn: Warn = nodeWarning): LanguageModelV3Middleware {
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params }) {
      const key = cacheKey(identity, 'generate', params);
      const hit = reviveGenerate(await readCached(store, key, CachedGenerateSchema, warn, (value) => isCached(value, 'generate')));
      if (hit) return hit;
      const result = await doGenerate();
      const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
      const value = serializeGenerate(result);
      if (value && isUsable(text, params.responseFormat)) await store.cachePut(key, value);
      return result;
    },
    async wrapStream({ doStream, params }) {
      if (params.includeRawChunks) return doStream();
      const key = cacheKey(identity, 'stream', params);
      const hit = reviveStream(await readCached(store, key, CachedStreamSchema, warn, (value) => isCached(value, 'stream')));
      if (hit) return { stream: streamOf(hit) };
      const result = await doStream();
      const parts: LanguageModelV3StreamPart[] = [];
      let failed = false;
      const stream = observeStream(result.stream, {
        part(part) {
          if (part.type === 'error' || part.type === 'file' || part.type === 'raw') failed = true;
          parts.push(part);
        },
        async end(outcome) {
          const finish = parts.find((part) => part.type === 'finish');
          if (outcome.type !== 'done' || failed || !finish || finish.finishReason.unified === 'error') return;
          const text = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
          if (isUsable(text, params.responseFormat)) await store.cachePut(key, serializeStream(parts));
        },
      });
      return { ...result, stream };
    },
  };
}

/**
 * False for JSON replies that do not parse or do not match the requested schema: cached, such a reply
 * would come back on every retry of the same request and the caller could never get past it.
 */
function isUsable(text: string, format: LanguageModelV3CallOptions['responseFormat']): boolean {
  if (format?.type !== 'json') return true;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (!format.schema) return true;
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(format.schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return true; // A schema zod cannot read: JSON that parses is the best check we have.
  }
  return schema.safeParse(value).success;
}

function serializeGenerate(result: LanguageModelV3GenerateResult): CachedGenerate | undefined {
  if (result.finishReason.unified === 'error' || result.content.some((part) => part.type === 'file')) return undefined;
  const response = result.response;
  return {
    format: FORMAT,
    version: VERSION,
    kind: 'generate',
    result: {
      content: result.content,
      finishReason: result.finishReason,
      usage: result.usage,
      providerMetadata: result.providerMetadata,
      warnings: result.warnings,
      response: response && { id: response.id, modelId: response.modelId, timestamp: response.timestamp?.toISOString() },
    },
  };
}

function reviveGenerate(value: unknown): LanguageModelV3GenerateResult | undefined {
  if (value === undefined) return undefined;
  const { response, ...rest } = (value as CachedGenerate).result;
  return {
    ...rest,
    providerMetadata: markCached(rest.providerMetadata),
    response: response && { id: response.id, modelId: response.modelId, timestamp: response.timestamp ? new Date(response.timestamp) : undefined },
  };
}

function serializeStream(parts: LanguageModelV3StreamPart[]): CachedStream {
  return {
    format: FORMAT,
    version: VERSION,
    kind: 'stream',
    parts: parts.map((part) => (part.type === 'response-metadata' && part.timestamp ? { ...part, timestamp: part.timestamp.toISOString() } : part)),
  };
}

function reviveStream(value: unknown): LanguageModelV3StreamPart[] | undefined {
  if (value === undefined) return undefined;
  return ((value as CachedStream).parts as LanguageModelV3StreamPart[]).map((part) => {
    if (part.type === 'response-metadata' && part.timestamp) return { ...part, timestamp: new Date(part.timestamp as unknown as string) };
    if (part.type === 'finish') return { ...part, providerMetadata: markCached(part.providerMetadata) };
    return part;
  });
}

function isCached(value: unknown, kind: 'generate' | 'stream'): boolean {
  if (!value || typeof value !== 'object') return false;
  const cached = value as { format?: unknown; version?: unknown; kind?: unknown };
  return cached.format === FORMAT && cached.version === VERSION && cached.kind === kind;
}
