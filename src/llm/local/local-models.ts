import type { Env } from '../model-spec.ts';
import { cachedPathOf, LOCAL_CATALOG } from './catalog.ts';
import { listCachedModels, modelCacheDir } from './model-cache.ts';

/** A local model: a named one of the catalog, or a GGUF file found in the model cache. */
export interface LocalModelRow {
  /** What `--model` takes: `local:NAME` or `local:hf:OWNER/REPO/FILE.gguf`. */
  spec: string;
  bytes?: number;
  status: 'ready' | 'partial' | 'not downloaded';
  path: string;
  title?: string;
  licence?: string;
}

/** The model cache's folder, the catalog with each entry's state, then the other GGUF files found in the cache. */
export async function listLocalModels(env: Env): Promise<{ dir: string; models: LocalModelRow[] }> {
  const dir = modelCacheDir(env);
  const cached = await listCachedModels(dir);
  const byPath = new Map(cached.map((file) => [file.path + (file.complete ? '' : '.part'), file]));
  const models: LocalModelRow[] = [];
  const claimed = new Set<string>();
  for (const entry of LOCAL_CATALOG) {
    const path = cachedPathOf(entry, env);
    const complete = byPath.get(path);
    const partial = byPath.get(`${path}.part`);
    claimed.add(path);
    models.push({
      spec: `local:${entry.name}`, bytes: entry.bytes, path, title: entry.title, licence: entry.licence,
      status: complete ? 'ready' : partial ? 'partial' : 'not downloaded',
    });
  }
  for (const file of cached) {
    if (claimed.has(file.path.replace(/\.part$/, ''))) continue;
    models.push({ spec: `local:hf:${hubSpecOf(file.name)}`, bytes: file.bytes, path: file.path, status: file.complete ? 'ready' : 'partial' });
  }
  return { dir, models };
}

/** `OWNER/REPO/FILE` or `OWNER/REPO/REVISION/FILE` (a cache path) as the `hf:` spec that finds it again. */
function hubSpecOf(name: string): string {
  const parts = name.split('/');
  if (parts.length === 4) return `${parts[0]}/${parts[1]}@${parts[2]}/${parts[3]}`;
  return name;
}
