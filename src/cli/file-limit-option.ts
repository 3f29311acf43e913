import type { Command } from 'commander';
import { UsageError, type CliIo } from './io.ts';

/**
 * The size limit for input files set by the global `--max-file-mb` (or DRAMATIS_MAX_FILE_MB), in bytes; undefined
 * keeps each kind's default (20 MiB cards, 4 MiB scenes and benchmark files, 256 MiB data and memory files).
 */
export function maxFileBytes(command: Command, io: CliIo): number | undefined {
  const { maxFileMb } = command.optsWithGlobals<{ maxFileMb?: string }>();
  const [raw, name] = maxFileMb !== undefined ? [maxFileMb, '--max-file-mb'] : [io.env.DRAMATIS_MAX_FILE_MB, 'DRAMATIS_MAX_FILE_MB'];
  if (raw === undefined || raw === '') return undefined;
  const mib = Number(raw);
  if (!Number.isFinite(mib) || mib <= 0) throw new UsageError(`${name} must be a positive number of MiB, not '${raw}'`);
  return Math.floor(mib * 1024 * 1024);
}
