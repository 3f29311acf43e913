import { describeStoreLocation, resolveStoreLocation } from '../store/index.ts';
import type { CliIo } from './io.ts';

/** The end of `dramatis --help`: where this folder's store is (or why it cannot be found). */
export function storeHelp(io: CliIo): string {
  try {
    return `\nStore for this folder: ${describeStoreLocation(resolveStoreLocation({ env: io.env, cwd: io.cwd }))}\nA project keeps its own store in a .dramatis/ folder: mkdir .dramatis`;
  } catch (error) {
    return `\nStore: ${(error as Error).message}`;
  }
}
