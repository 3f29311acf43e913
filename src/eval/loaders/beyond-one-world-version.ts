import type { CategoryValue } from '../item.ts';

/** What identifies a hero version in both Beyond One World files: the hero (`UID`), the version (`CID`), its canon. */
export interface VersionRecord {
  UID: number | string;
  CID: number | string;
  name: string;
  /** `Source` (canon file, a list) or `lore` (dilemma file, a Python list written as a string). */
  lore: string | readonly string[];
}

/**
 * The canon parts of a version: `['MCU: The Heroes', 'avengers endgame(2019)']`, from a list or from the released
 * Python-list strings, whose inner quotes are not escaped (`"['marvel game','Marvel's Guardians of the Galaxy (2021)']"`,
 * or became `"` in a word: `Marvel"s`, read as `Marvel's`).
 */
export function loreParts(lore: string | readonly string[]): string[] {
  if (typeof lore !== 'string') return lore.map((part) => visible(part).trim()).filter(Boolean);
  const text = visible(lore).trim();
  if (!text.startsWith('[') || !text.endsWith(']')) return text ? [text] : [];
  return text
    .slice(1, -1)
    .split(/['"]\s*,\s*['"]/)
    .map((part) => part.trim().replace(/^['"]+|['"]+$/g, '').replace(/(\p{L})"(\p{L})/gu, "$1'$2").trim())
    .filter(Boolean);
}

/** Text without invisible marks (the release has `Mainstream Universe\u200e\u200e` in one file and not the other). */
function visible(text: string): string {
  return text.replace(/[\u200B-\u200F\u202A-\u202E\u2060\uFEFF]/g, '');
}

/** A released name with its stray spaces removed (`'Steven Strange  “Doctor Strange” '`). */
export function cleanName(name: string): string {
  return visible(name).replace(/\s+/g, ' ').trim();
}

/** `Save the One You Love vs. Save the Greater Good_2` → `save-the-one-you-love-vs-save-the-greater-good-2`, for ids. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * The breakdown categories of each version: `hero` (named as the file first names its `UID`, so every version of a
 * hero shares one label), `version` (name and canon, unique per `CID`) and `universe` (the first canon part).
 */
export function versionCategories(records: readonly VersionRecord[]): (record: VersionRecord) => Record<string, CategoryValue> {
  const heroNames = new Map<string, string>();
  for (const record of records) {
    const key = String(record.UID);
    if (!heroNames.has(key)) heroNames.set(key, cleanName(record.name));
  }
  return (record) => {
    const parts = loreParts(record.lore);
    return {
      hero: heroNames.get(String(record.UID)) ?? cleanName(record.name),
      version: parts.length ? `${cleanName(record.name)} — ${parts.join(', ')}` : `${cleanName(record.name)} (CID ${record.CID})`,
      universe: parts[0] ?? 'unknown',
    };
  };
}
