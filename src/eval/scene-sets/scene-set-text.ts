import { seededRandom } from '../../scene/index.ts';

// Small helpers the scene-built sets share: comparing texts, drawing in a seeded order, finding names.

/** A text as options are compared: case, spacing and trailing punctuation do not make two options different. */
export function normalizeText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').replace(/[\s.!?…,;:]+$/u, '').trim();
}

/** The texts in a seeded random order (the same key always gives the same order). */
export function seededShuffle<T>(values: readonly T[], ...key: (string | number)[]): T[] {
  return values
    .map((value, index) => ({ value, rank: seededRandom(...key, index) }))
    .sort((a, b) => a.rank - b.rank)
    .map((entry) => entry.value);
}

/** Whether `text` names `name` as a whole word (case-insensitive). */
export function namesCharacter(text: string, name: string): boolean {
  return wordPattern(name).test(text);
}

/** A case-insensitive whole-word pattern for a name (letters of any script). */
export function wordPattern(name: string, flags = 'iu'): RegExp {
  const escaped = name.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, flags);
}
