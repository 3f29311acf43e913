import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Where downloaded models live: `DRAMATIS_MODELS_DIR`, else `$XDG_CACHE_HOME/dramatis/models`,
 * else the platform's user cache directory.
 * @example modelCacheDir(process.env) // '/home/ada/.cache/dramatis/models'
 */
export function modelCacheDir(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.DRAMATIS_MODELS_DIR) return env.DRAMATIS_MODELS_DIR;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  // The XDG spec says to ignore a relative value.
  if (env.XDG_CACHE_HOME && paths.isAbsolute(env.XDG_CACHE_HOME)) return paths.join(env.XDG_CACHE_HOME, 'dramatis', 'models');
  if (platform === 'darwin') return paths.join(home, 'Library', 'Caches', 'dramatis', 'models');
  if (platform === 'win32') return paths.join(env.LOCALAPPDATA || paths.join(home, 'AppData', 'Local'), 'dramatis', 'models');
  return paths.join(home, '.cache', 'dramatis', 'models');
}

export interface CachedModel {
  /** File name relative to the cache directory, `/`-separated, without `.part`. */
  name: string;
  path: string;
  /** Size on disk; for an incomplete download, the bytes received so far. */
  bytes: number;
  /** False for a `.gguf.part` file: a download that can be resumed. */
  complete: boolean;
  modifiedAt: Date;
}

/** The `.gguf` and `.gguf.part` files under `dir` (subfolders included), by name; none if it does not exist. */
export async function listCachedModels(dir: string): Promise<CachedModel[]> {
  const models: CachedModel[] = [];
  await collect(dir, [], models);
  return models.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : Number(a.complete) - Number(b.complete)));
}

async function collect(dir: string, prefix: string[], into: CachedModel[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await collect(file, [...prefix, entry.name], into);
      continue;
    }
    const lower = entry.name.toLowerCase();
    const complete = lower.endsWith('.gguf');
    if (!complete && !lower.endsWith('.gguf.part')) continue;
    // stat follows a symlinked model; a dangling link is skipped.
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    const base = complete ? entry.name : entry.name.slice(0, -'.part'.length);
    into.push({ name: [...prefix, base].join('/'), path: file, bytes: info.size, complete, modifiedAt: info.mtime });
  }
}
