import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors.ts';
import { sqliteMigrations } from './migrations.ts';
import { BUSY_TIMEOUT_MS, storeErrorFrom } from './sqlite-errors.ts';

export interface OpenStoreOptions {
  /**
   * Open for reading only: nothing is created or written (a missing store reads as empty; a read-only file or
   * folder is read from a copy in memory). For commands that only read.
   */
  readOnly?: boolean;
}

export interface OpenedDatabase {
  db: Database.Database;
  /** True when there is no store at the path yet (read-only opens only: an empty store stands in). */
  missing: boolean;
}

/** Opens the SQLite database of a store, migrated to the current schema; errors name the path. */
export function openDatabase(path: string, options: OpenStoreOptions = {}): OpenedDatabase {
  if (path !== ':memory:') checkStorePath(path, options.readOnly ?? false);
  return options.readOnly ? openReadOnly(path) : { db: openReadWrite(path), missing: false };
}

function openReadWrite(path: string): Database.Database {
  if (path !== ':memory:') checkWritable(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL survives a killed process (a committed turn stays committed); only power loss may drop the last turns.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (error) {
    db?.close();
    throw openError(error, path);
  }
}

/**
 * A read-only connection. A missing store is an empty one in memory; a store SQLite cannot open read-only in
 * place (a WAL database in a read-only folder has no `-shm` file to share) or one of an older schema is read
 * from a copy in memory, migrated there: a command that only reads never writes the file or its folder.
 */
function openReadOnly(path: string): OpenedDatabase {
  if (path === ':memory:' || !existsSync(path)) return { db: inMemoryCopy(undefined, path), missing: path !== ':memory:' };
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    db.pragma('foreign_keys = ON');
    if (pendingMigrations(db, path).length === 0) return { db, missing: false };
    db.close();
  } catch (error) {
    db?.close();
    const code = String((error as { code?: unknown }).code ?? '');
    if (!/^SQLITE_(READONLY|CANTOPEN)/.test(code)) throw openError(error, path);
  }
  return { db: inMemoryCopy(path, path), missing: false };
}

/** The store at `source` (or an empty one) in memory, migrated, refusing writes. */
function inMemoryCopy(source: string | undefined, path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    let bytes: Buffer | undefined;
    if (source) {
      if ((statSync(`${source}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) {
        throw new StoreError('store/read-only', `the store at ${path} has recent writes in ${source}-wal that cannot be read without write access to its folder; open it once with write access (any writing command), or copy the folder somewhere writable`);
      }
      bytes = readFileSync(source);
      // Bytes 18–19 say WAL (2); an in-memory database cannot be WAL, and reads the same pages in rollback mode (1).
      if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
    }
    db = bytes && bytes.length > 0 ? new Database(bytes) : new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    db.pragma('query_only = ON');
    return db;
  } catch (error) {
    db?.close();
    throw openError(error, path);
  }
}

/**
 * A store that cannot be written fails when it is opened, not after a model call: SQLite would open it read-only
 * without a word and fail at the first write. The folder must be writable too, for the WAL's `-wal` and `-shm` files.
 */
function checkWritable(path: string): void {
  for (const [target, what] of [[path, 'the file'], [dirname(path), 'its folder']] as const) {
    if (!existsSync(target)) continue;
    try {
      accessSync(target, constants.W_OK);
    } catch {
      throw new StoreError('store/read-only', `cannot write the store at ${path}: ${what} is read-only; make it writable, or pass --store PATH (or set DRAMATIS_STORE) to use another store. Commands that only read (sessions list, scene runs, bench report...) still work`);
    }
  }
}

function openError(error: unknown, path: string): unknown {
  const translated = storeErrorFrom(error, path);
  if (translated instanceof StoreError) return translated;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('store/open-failed', `cannot open the store at ${path}: ${message}; pass --store PATH or set DRAMATIS_STORE`, { cause: error });
}

/**
 * A store path must name a file, in a folder that exists or can be made. Folders are made one level at a time,
 * so a path that can never exist (`/proc/nope/x.db`) fails at once instead of looping in `mkdir -p`.
 */
function checkStorePath(path: string, readOnly: boolean): void {
  const info = statOrFail(path);
  if (info?.isDirectory()) {
    throw new StoreError('store/bad-path', `the store path ${path} is a folder; name a file in it, e.g. --store ${path.replace(/[\\/]+$/, '')}/dramatis.db`);
  }
  if (info && !info.isFile()) {
    throw new StoreError('store/bad-path', `the store path ${path} is not a regular file (a device, socket or pipe); name a file, e.g. --store dramatis.db`);
  }
  if (!readOnly) ensureFolder(dirname(path), path);
}

function statOrFail(path: string) {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // ENOTDIR: a parent is a file (/etc/passwd/x.db); EACCES: a parent may not be searched.
    throw new StoreError('store/bad-path', `cannot use ${path} as the store: ${(error as Error).message}; pass --store with another path`, { cause: error });
  }
}

function ensureFolder(folder: string, storePath: string): void {
  const missing: string[] = [];
  for (let current = folder; ; current = dirname(current)) {
    const info = statOrFail(current);
    if (info) {
      if (!info.isDirectory()) throw new StoreError('store/bad-path', `cannot put the store ${storePath} in ${current}: it is not a folder; pass --store with another path`);
      break;
    }
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue; // Another process made it first.
      throw new StoreError('store/bad-path', `cannot make the folder ${path} for the store ${storePath}: ${(error as Error).message}; pass --store with another path`, { cause: error });
    }
  }
}

function appliedVersions(db: Database.Database): Set<number> | undefined {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return undefined;
  return new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version));
}

/** The migrations a database lacks; refuses a newer schema and a SQLite file that is some other program's. */
function pendingMigrations(db: Database.Database, path: string): typeof sqliteMigrations {
  const applied = appliedVersions(db);
  if (!applied) {
    const tables = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) {
      throw new StoreError('store/not-a-store', `${path} is a SQLite database of another program (it has tables but no Dramatis schema); pass --store with another path`);
    }
    return sqliteMigrations;
  }
  const newest = sqliteMigrations.at(-1)?.version ?? 0;
  const beyond = [...applied].filter((version) => version > newest);
  if (beyond.length > 0) {
    throw new StoreError('store/too-new', `the store at ${path} was written by a newer Dramatis (schema version ${Math.max(...beyond)}, this one knows ${newest}); upgrade Dramatis or use another --store`);
  }
  return sqliteMigrations.filter((migration) => !applied.has(migration.version));
}

/**
 * Applies pending migrations in one IMMEDIATE transaction, checked again once the write lock is held: two
 * processes opening a new store at once migrate it once, the second waiting for the first.
 */
function migrate(db: Database.Database, path: string): void {
  if (pendingMigrations(db, path).length === 0) return;
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const migration of pendingMigrations(db, path)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
    }
  }).immediate();
}
