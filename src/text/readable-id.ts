import { randomBytes } from 'node:crypto';

/** A short id people can type: a slug of `name` (or `fallback`) and six random hex digits, e.g. `mirela-3f2a1c`. */
export function readableId(name: string, fallback: string): string {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 24) || fallback;
  return `${slug}-${randomBytes(3).toString('hex')}`;
}
