import { isRecord, setOwn } from './plain-object.ts';
import { ResearchFields, type Character } from './schema.ts';

/** Research fields travel in cards as `data.extensions.dramatis`. */
export const RESEARCH_KEYS = Object.keys(ResearchFields.shape) as ReadonlyArray<keyof ResearchFields>;

/** Fields V3 added; a V2 export stashes them in `data.extensions.dramatis_v3` so v3 → v2 → v3 is lossless. */
export const V3_ONLY_KEYS = ['nickname', 'creator_notes_multilingual', 'source', 'group_only_greetings', 'creation_date', 'modification_date', 'assets'] as const;

/** Fields V1 cards have at top level; a V2 export mirrors them there, as SillyTavern does. */
export const V1_KEYS = ['name', 'description', 'personality', 'scenario', 'first_mes', 'mes_example'] as const;

/** Extension keys Dramatis uses to carry what a card format has no place for. */
export const TOP_LEVEL_STASH = 'dramatis_top_level';
export const V3_STASH = 'dramatis_v3';
export const RESEARCH_STASH = 'dramatis';

const DATA_ORDER = [
  ...V1_KEYS,
  'creator_notes', 'system_prompt', 'post_history_instructions', 'alternate_greetings', 'tags', 'creator', 'character_version',
  ...V3_ONLY_KEYS,
  'character_book',
];
const WRAPPER_KEYS = new Set<string>(['spec', 'spec_version', 'data', ...V1_KEYS]);

function cardData(character: Character, spec: 'v2' | 'v3'): { data: Record<string, unknown>; topLevel: Record<string, unknown> } {
  const extensions: Record<string, unknown> = { ...character.extensions };
  const stashedTop = extensions[TOP_LEVEL_STASH];
  const topLevel = isRecord(stashedTop) ? stashedTop : {};
  if (isRecord(stashedTop)) delete extensions[TOP_LEVEL_STASH];

  const research: Record<string, unknown> = {};
  for (const key of RESEARCH_KEYS) if (character[key] !== undefined) research[key] = character[key];
  if (Object.keys(research).length > 0) {
    const previous = extensions[RESEARCH_STASH];
    extensions[RESEARCH_STASH] = { ...(isRecord(previous) ? previous : {}), ...research };
  }

  const rest: Record<string, unknown> = {};
  const skip = new Set<string>([...RESEARCH_KEYS, 'extensions']);
  for (const [key, value] of Object.entries(character)) if (!skip.has(key) && value !== undefined) setOwn(rest, key, value);

  if (spec === 'v2') {
    const stash: Record<string, unknown> = {};
    for (const key of V3_ONLY_KEYS) {
      const value = rest[key];
      delete rest[key];
      const emptyDefault = key === 'group_only_greetings' && Array.isArray(value) && value.length === 0;
      if (value !== undefined && !emptyDefault) stash[key] = value;
    }
    if (Object.keys(stash).length > 0) extensions[V3_STASH] = stash;
    if (isRecord(rest.character_book) && Array.isArray(rest.character_book.entries)) {
      // V2 has no use_regex; false is what a V2 import assumes, so only `true` is kept.
      const entries = rest.character_book.entries.map((entry: unknown) => {
        if (!isRecord(entry) || entry.use_regex !== false) return entry;
        const { use_regex: _dropped, ...others } = entry;
        return others;
      });
      rest.character_book = { ...rest.character_book, entries };
    }
  }

  const data: Record<string, unknown> = {};
  for (const key of DATA_ORDER) if (key in rest) data[key] = rest[key];
  for (const [key, value] of Object.entries(rest)) if (!(key in data)) setOwn(data, key, value);
  data.extensions = extensions;
  return { data, topLevel };
}

/**
 * The card file object for a character: `{spec: "chara_card_v3", spec_version: "3.0", data}` or the V2 form,
 * which also mirrors the V1 fields at top level. Keys kept from the original file's top level are written back.
 * @example JSON.stringify(toCardJson(character, 'v2'), null, 2)
 */
export function toCardJson(character: Character, spec: 'v2' | 'v3'): Record<string, unknown> {
  const { data, topLevel } = cardData(character, spec);
  const card: Record<string, unknown> = spec === 'v3' ? { spec: 'chara_card_v3', spec_version: '3.0' } : { spec: 'chara_card_v2', spec_version: '2.0' };
  if (spec === 'v2') for (const key of V1_KEYS) card[key] = data[key];
  for (const [key, value] of Object.entries(topLevel)) if (!WRAPPER_KEYS.has(key)) setOwn(card, key, value);
  card.data = data;
  return card;
}

/** Pretty JSON (2-space indent, trailing newline) of a card. */
export function toCardJsonText(character: Character, spec: 'v2' | 'v3'): string {
  return `${JSON.stringify(toCardJson(character, spec), null, 2)}\n`;
}
