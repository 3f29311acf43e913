import { StoreError } from './errors.ts';

/** How long a write waits for another process's transaction before it gives up (see decision 0012). */
export const BUSY_TIMEOUT_MS = 60_000;

const STORE_OPTION = 'pass --store PATH (or set DRAMATIS_STORE) to use another store';

/**
 * A SQLite failure as a StoreError that names the store's file and what to do; any other error unchanged.
 * SQLite's own messages ("file is not a database", "disk I/O error") say neither.
 */
export function storeErrorFrom(error: unknown, path: string): unknown {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const raw = (error as Error).message;
  const advice = adviceFor(code, path);
  return new StoreError(advice.code, `${advice.message} (SQLite: ${raw}, ${code})`, { cause: error });
}

function adviceFor(code: string, path: string): { code: string; message: string } {
  const primary = code.replace(/^(SQLITE_[A-Z]+?)(_[A-Z_]+)?$/, '$1');
  switch (primary) {
    case 'SQLITE_NOTADB':
      return { code: 'store/not-a-store', message: `${path} is not a Dramatis store (not a SQLite database); ${STORE_OPTION}, or move that file away` };
    case 'SQLITE_CORRUPT':
      return {
        code: 'store/corrupt',
        message: `the store at ${path} is damaged; restore it from a backup, or salvage it with \`sqlite3 ${path} .recover | sqlite3 recovered.db\` and use --store recovered.db`,
      };
    case 'SQLITE_IOERR':
      return { code: 'store/io', message: `cannot read or write the store at ${path}; it must be a regular file on a working disk with free space (${STORE_OPTION})` };
    case 'SQLITE_READONLY':
      return {
        code: 'store/read-only',
        message: code === 'SQLITE_READONLY_DIRECTORY'
          ? `cannot write the store at ${path}: its folder is read-only; make the folder writable, or ${STORE_OPTION}`
          : `cannot write the store at ${path}: the file (or its folder) is read-only; make them writable, or ${STORE_OPTION}`,
      };
    case 'SQLITE_CANTOPEN':
      return { code: 'store/open-failed', message: `cannot open the store at ${path}; check that its folder exists and may be written, or ${STORE_OPTION}` };
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return {
        code: 'store/busy',
        message: `the store at ${path} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s; wait for it to finish, or ${STORE_OPTION}`,
      };
    case 'SQLITE_FULL':
      return { code: 'store/disk-full', message: `the disk holding the store at ${path} is full; free some space and run the command again` };
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return { code: 'store/permission', message: `not allowed to use the store at ${path}; check its permissions, or ${STORE_OPTION}` };
    default:
      return { code: 'store/sqlite', message: `the store at ${path} failed` };
  }
}

/**
 * Wraps every method of `target` so that SQLite failures, thrown or rejected, come out as {@link storeErrorFrom}
 * errors: one place instead of a try/catch in each of the store's methods.
 */
export function withStoreErrors<T extends object>(target: T, path: string): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      let method = wrapped.get(property);
      if (!method) {
        method = (...args: unknown[]) => {
          try {
            const returned: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
            return returned instanceof Promise ? returned.catch((error: unknown) => { throw storeErrorFrom(error, path); }) : returned;
          } catch (error) {
            throw storeErrorFrom(error, path);
          }
        };
        wrapped.set(property, method);
      }
      return method;
    },
  });
}
