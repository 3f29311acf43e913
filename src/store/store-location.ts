import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StoreError } from './errors.ts';

/** Why the store is where it is: `--store`, `DRAMATIS_STORE`, a project's `.dramatis/` folder, or the user's own. */
export type StoreSource = 'option' | 'env' | 'project' | 'user';

export interface StoreLocation {
  /** The SQLite file. */
  path: string;
  source: StoreSource;
}

export const STORE_FOLDER = '.dramatis';
export const STORE_FILE = 'dramatis.db';

/** The rule when `--store` is not given, in one sentence, for help texts. */
export const STORE_RULE = `DRAMATIS_STORE, else ${STORE_FOLDER}/${STORE_FILE} in the nearest folder (this one or a parent) that has a ${STORE_FOLDER}/ folder, else the per-user data folder ($XDG_DATA_HOME/dramatis, ~/.local/share/dramatis, ~/Library/Application Support/dramatis or %LOCALAPPDATA%\\dramatis)`;

export interface StoreLocationInput {
  /** The `--store` option, when given. */
  option?: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * Where the store is: `--store`, else `DRAMATIS_STORE`, else the nearest `.dramatis/` folder in the working
 * folder or its parents (as git finds `.git`), else the per-user data folder. An empty path is refused.
 * @example resolveStoreLocation({ env: process.env, cwd: process.cwd() }) // { path: '/home/ada/novel/.dramatis/dramatis.db', source: 'project' }
 */
export function resolveStoreLocation(input: StoreLocationInput): StoreLocation {
  if (input.option !== undefined) return { path: path.resolve(input.cwd, nonEmpty(input.option, '--store')), source: 'option' };
  const fromEnv = input.env.DRAMATIS_STORE;
  if (fromEnv !== undefined) return { path: path.resolve(input.cwd, nonEmpty(fromEnv, 'DRAMATIS_STORE')), source: 'env' };
  const project = findProjectFolder(input.cwd);
  if (project) return { path: path.join(project, STORE_FOLDER, STORE_FILE), source: 'project' };
  return { path: path.join(userDataFolder(input.env, input.platform, input.home), STORE_FILE), source: 'user' };
}

/** The store's path and why, for people: `/home/ada/novel/.dramatis/dramatis.db (the nearest .dramatis/ folder)`. */
export function describeStoreLocation(location: StoreLocation): string {
  const why = {
    option: 'from --store',
    env: 'from DRAMATIS_STORE',
    project: `the nearest ${STORE_FOLDER}/ folder`,
    user: `the per-user store: no ${STORE_FOLDER}/ folder here or above`,
  }[location.source];
  return `${location.path} (${why})`;
}

function nonEmpty(value: string, name: string): string {
  if (!value.trim()) {
    throw new StoreError('store/bad-path', name === '--store'
      ? '--store needs a file path, e.g. --store runs/dramatis.db'
      : 'DRAMATIS_STORE is set but empty; unset it (unset DRAMATIS_STORE) or set it to a file path such as runs/dramatis.db');
  }
  return value;
}

/** The nearest folder, from `cwd` up to the root, that holds a `.dramatis/` folder. */
export function findProjectFolder(cwd: string): string | undefined {
  let folder = path.resolve(cwd);
  for (;;) {
    if (isFolder(path.join(folder, STORE_FOLDER))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

function isFolder(candidate: string): boolean {
  try {
    return statSync(candidate, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false; // Unreadable (EACCES): not ours to use.
  }
}

/**
 * The per-user data folder of Dramatis: `$XDG_DATA_HOME/dramatis`, else the platform's
 * (`~/.local/share`, `~/Library/Application Support`, `%LOCALAPPDATA%`).
 */
export function userDataFolder(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  // The XDG spec says to ignore a relative value.
  if (env.XDG_DATA_HOME && paths.isAbsolute(env.XDG_DATA_HOME)) return paths.join(env.XDG_DATA_HOME, 'dramatis');
  if (platform === 'darwin') return paths.join(home, 'Library', 'Application Support', 'dramatis');
  if (platform === 'win32') return paths.join(env.LOCALAPPDATA || paths.join(home, 'AppData', 'Local'), 'dramatis');
  return paths.join(home, '.local', 'share', 'dramatis');
}
