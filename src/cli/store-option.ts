import type { Command } from 'commander';
import { describeStoreLocation, openStore, resolveStoreLocation, type Store, type StoreLocation } from '../store/index.ts';
import type { CliIo } from './io.ts';

/** Where the global `--store` option (or DRAMATIS_STORE, or the nearest `.dramatis/` folder) puts the store. */
export function storeLocation(command: Command, io: CliIo): StoreLocation {
  const { store } = command.optsWithGlobals<{ store?: string }>();
  return resolveStoreLocation({ option: store, env: io.env, cwd: io.cwd });
}

/**
 * Opens the store (see {@link storeLocation}), runs `work`, and always closes it. `readOnly` for commands that
 * only read: they never create or write the store, and a missing store reads as empty.
 */
export async function withStore<T>(
  command: Command, io: CliIo, work: (store: Store, location: StoreLocation) => Promise<T>, options: { readOnly?: boolean } = {},
): Promise<T> {
  const location = storeLocation(command, io);
  const store = openStore(location.path, { readOnly: options.readOnly });
  try {
    return await work(store, location);
  } finally {
    await store.close();
  }
}

/** {@link withStore} for a command that only reads. */
export function readStore<T>(command: Command, io: CliIo, work: (store: Store, location: StoreLocation) => Promise<T>): Promise<T> {
  return withStore(command, io, work, { readOnly: true });
}

/** `Store: PATH (why)`, the line read commands print first. */
export function storeLine(location: StoreLocation, store: Store): string {
  return `Store: ${describeStoreLocation(location)}${store.location.exists ? '' : ' — nothing stored there yet'}`;
}
