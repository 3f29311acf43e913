import { resolve } from 'node:path';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './types.ts';

export * from './types.ts';
export * from './memory-types.ts';
export { StoreError } from './errors.ts';
export { openSqliteStore } from './sqlite-store.ts';

/** The default store path: `.dramatis/dramatis.db` in the working directory, unless `DRAMATIS_STORE` says otherwise. */
export function defaultStorePath(env: Record<string, string | undefined>, cwd: string): string {
  return resolve(cwd, env.DRAMATIS_STORE ?? '.dramatis/dramatis.db');
}

/** Opens the store named by a path (SQLite file); Postgres URLs come with the scale-out issue. */
export function openStore(path: string): Store {
  return openSqliteStore(path);
}
