import { createHash } from 'node:crypto';
import { z } from 'zod';
import { nodeWarning, readCached } from './cache-read.ts';
import type { Store } from '../store/index.ts';
import { createEmbeddingModel, type EmbeddingModelOptions } from './create-embedding-model.ts';

export interface CachedEmbedderOptions extends EmbeddingModelOptions {
  /** Where each text's vector is kept; without it every call goes to the model. */
  store?: Pick<Store, 'cacheGet' | 'cachePut'>;
  /** Use the store's cache (default true). */
  cache?: boolean;
  /** Told about a damaged cache entry (then embedded again); default: Node's process warnings. */
  onWarning?: (message: string) => void;
}

const CachedVector = z.array(z.number().finite()).min(1);

/**
 * Embeds texts with `spec`, one request for the texts not yet cached, vectors scaled to unit length. Each
 * text's vector is cached in the store under a hash of the spec, base URL and text, so a re-run makes no call.
 * @example const embed = cachedEmbedder('ollama:nomic-embed-text', { env, runtime, store }); const [v] = await embed(['hello'])
 */
export function cachedEmbedder(spec: string, options: CachedEmbedderOptions): (texts: string[], signal?: AbortSignal) => Promise<number[][]> {
  const model = createEmbeddingModel(spec, options);
  const store = options.cache === false ? undefined : options.store;
  const keyOf = (text: string) => `embedding:${createHash('sha256').update(JSON.stringify([spec, options.baseURL ?? '', text])).digest('hex')}`;
  return async (texts, signal) => {
    const warn = options.onWarning ?? nodeWarning;
    const vectors: (number[] | undefined)[] = await Promise.all(texts.map(async (text) => (store ? readCached(store, keyOf(text), CachedVector, warn) : undefined)));
    const missing = texts.filter((_, i) => !vectors[i]);
    if (missing.length) {
      const { embeddings } = await model.doEmbed({ values: missing, abortSignal: signal });
      let next = 0;
      for (let i = 0; i < texts.length; i++) {
        if (vectors[i]) continue;
        const vector = unitLength(embeddings[next++]!);
        vectors[i] = vector;
        if (store) await store.cachePut(keyOf(texts[i]!), vector);
      }
    }
    return vectors as number[][];
  };
}

/** The vector scaled to length 1 (a zero vector is returned as it is). */
export function unitLength(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  return norm === 0 ? [...vector] : vector.map((x) => x / norm);
}
