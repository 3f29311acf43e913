import { createHash } from 'node:crypto';

/** A deterministic random number in [0, 1) for a key: the same seed and step always give the same draw. */
export function seededRandom(...key: (string | number)[]): number {
  const digest = createHash('sha256').update(key.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** A 31-bit integer derived from a key (per-episode sampling seeds). */
export function seededInt(...key: (string | number)[]): number {
  return Math.floor(seededRandom(...key) * 2 ** 31);
}
