import type { EpisodeRemoval } from '../store/index.ts';
import { printJson, writeLine, type CliIo } from './io.ts';

/** What a deletion removed (one line, or JSON), then the memories it kept: they belong to the characters. */
export function printRemoval(io: CliIo, json: boolean | undefined, id: string, summary: string, removed: Pick<EpisodeRemoval, 'memoriesKept'>): void {
  if (json) return printJson(io, { deleted: id, ...removed });
  writeLine(io.stdout, summary);
  if (removed.memoriesKept.length === 0) return;
  const list = removed.memoriesKept.map((m) => `${m.count} of ${m.character}`).join(', ');
  writeLine(io.stdout, `kept memories written from it (${list}): memories belong to the character; see dramatis memory list --character NAME`);
}
