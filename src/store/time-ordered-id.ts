import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7: milliseconds since the epoch, then random bits. Ids made one after another sort after each
 * other, so inserting events appends to the id index instead of touching random pages of it.
 */
export function timeOrderedId(now: number = Date.now()): string {
  // randomUUID draws from a pooled buffer (cheap); its first 48 bits become the time, its version nibble 7.
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
