import type { z } from 'zod';
import type { Store } from '../store/index.ts';

/** Where a model layer reports what went wrong without failing the call. */
export type Warn = (message: string) => void;

/** Without a sink, warnings go to Node's (printed on stderr once per message). */
export const nodeWarning: Warn = (message) => process.emitWarning(message, { code: 'DRAMATIS_CACHE' });

/**
 * The value cached under `key` if it can be read and has the expected shape. A damaged entry (unreadable JSON,
 * a value of another shape) is a miss with a warning, never a failed call: the fresh answer replaces it.
 * `owned` tells entries written by another format (silently missed) from damaged ones of ours.
 */
export async function readCached<T>(
  store: Pick<Store, 'cacheGet'>, key: string, schema: z.ZodType<T>, warn: Warn, owned: (value: unknown) => boolean = () => true,
): Promise<T | undefined> {
  let value: unknown;
  try {
    value = (await store.cacheGet(key))?.value;
  } catch (error) {
    warn(`ignored a damaged response-cache entry (${(error as Error).message}); asking the model instead`);
    return undefined;
  }
  if (value === undefined || !owned(value)) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  warn(`ignored a response-cache entry of the wrong shape (key ${key.slice(0, 16)}…: ${issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid'}); asking the model instead`);
  return undefined;
}
