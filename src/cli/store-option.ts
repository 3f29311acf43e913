import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultStorePath, openStore, type Store } from '../store/index.ts';
import type { CliIo } from './io.ts';

/** Opens the store named by the global `--store` option (or DRAMATIS_STORE), runs `work`, and always closes it. */
export async function withStore<T>(command: Command, io: CliIo, work: (store: Store) => Promise<T>): Promise<T> {
  const { store: path } = command.optsWithGlobals<{ store?: string }>();
  const store = openStore(path ? resolve(io.cwd, path) : defaultStorePath(io.env, io.cwd));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
