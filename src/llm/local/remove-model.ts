import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { LlmError } from '../errors.ts';
import { cachedPathOf, parseLocalModelId } from './catalog.ts';
import { modelCacheDir } from './model-cache.ts';

export interface RemovedModel {
  /** The files deleted: the model and any partial download of it. */
  files: string[];
  bytes: number;
}

/**
 * Deletes a downloaded model from the model cache: a catalog name (`default`) or `hf:OWNER/REPO/FILE.gguf`, with or
 * without `local:`, and its partial download; then the folders it leaves empty. A model file elsewhere on disk is
 * the user's own, and is never deleted.
 * @example await removeCachedModel('local:default', { env: process.env })
 */
export async function removeCachedModel(spec: string, options: { env: Readonly<Record<string, string | undefined>> }): Promise<RemovedModel> {
  const modelId = spec.replace(/^local:/i, '');
  const source = parseLocalModelId(modelId);
  if (source.kind === 'file') {
    throw new LlmError('llm/bad-spec', `local:${modelId} is a file of yours (${source.path}), not a model in the cache; delete it yourself if you mean to`, { model: `local:${modelId}` });
  }
  const file = cachedPathOf(source.file, options.env);
  const removed: RemovedModel = { files: [], bytes: 0 };
  for (const candidate of [file, `${file}.part`]) {
    const info = await stat(candidate).catch(() => undefined);
    if (!info?.isFile()) continue;
    await rm(candidate);
    removed.files.push(candidate);
    removed.bytes += info.size;
  }
  if (removed.files.length === 0) {
    throw new LlmError('llm/not-in-cache', `local:${modelId} is not in the model cache (looked for ${file}); see what is there with: dramatis models list`, { model: `local:${modelId}` });
  }
  await removeEmptyFolders(path.dirname(file), modelCacheDir(options.env));
  return removed;
}

/** Removes `folder` and its parents while they are empty, stopping at `root`. */
async function removeEmptyFolders(folder: string, root: string): Promise<void> {
  for (let current = folder; current.startsWith(root + path.sep); current = path.dirname(current)) {
    const entries = await readdir(current).catch(() => undefined);
    if (!entries || entries.length > 0) return;
    await rmdir(current).catch(() => undefined);
  }
}
