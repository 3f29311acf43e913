import { openSqliteStore } from './sqlite-store.ts';
import type { OpenStoreOptions } from './sqlite-open.ts';
import { resolveStoreLocation } from './store-location.ts';
import type { Store } from './types.ts';

export * from './types.ts';
export type { MemoryStore, MemoryPatch, MemoryVectors, MemoryCharacter } from './memory-store.ts';
export { StoreError } from './errors.ts';
export { openSqliteStore } from './sqlite-store.ts';
export type { OpenStoreOptions } from './sqlite-open.ts';
export {
  resolveStoreLocation, describeStoreLocation, findProjectFolder, userDataFolder, STORE_FOLDER, STORE_FILE, STORE_RULE,
  type StoreLocation, type StoreLocationInput, type StoreSource,
} from './store-location.ts';

/**
 * The default store path: `DRAMATIS_STORE`, else `.dramatis/dramatis.db` in the nearest folder (the working one or a
 * parent) that has a `.dramatis/` folder, else the per-user data folder. See {@link resolveStoreLocation}.
 */
export function defaultStorePath(env: Record<string, string | undefined>, cwd: string): string {
  return resolveStoreLocation({ env, cwd }).path;
}

/** Opens the store named by a path (SQLite file); Postgres URLs come with the scale-out issue. */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  return openSqliteStore(path, options);
}
