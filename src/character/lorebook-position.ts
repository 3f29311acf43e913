import { readNumber } from './card-values.ts';
import type { ActivationResult } from './lorebook-activation.ts';
import type { LorebookEntry } from './schema.ts';

export type LorebookPosition = 'before_char' | 'after_char';

/** Where an entry goes: the V3 `position`, else SillyTavern's numeric `extensions.position` (0 before, anything else after). */
export function lorebookEntryPosition(entry: LorebookEntry): LorebookPosition {
  if (entry.position === 'before_char' || entry.position === 'after_char') return entry.position;
  const position = readNumber(entry.extensions?.position);
  return position === undefined || position === 0 ? 'before_char' : 'after_char';
}

/**
 * Joins activated contents, one per line in prompt order: those for `position`, or all of them when it is omitted.
 * Contents are returned as written: render macros on the result.
 */
export function renderActivatedEntries(result: Pick<ActivationResult, 'activated'>, position?: LorebookPosition): string {
  const lines: string[] = [];
  for (const { entry } of result.activated) {
    if (entry.content.trim() === '') continue;
    if (position === undefined || lorebookEntryPosition(entry) === position) lines.push(entry.content);
  }
  return lines.join('\n');
}
