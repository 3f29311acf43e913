import { RESEARCH_KEYS } from './card-export.ts';
import { isRecord } from './plain-object.ts';
import { lorebookKeyProblems } from './lorebook-key-problems.ts';
import type { CardFormat, CardSpec, LoadedCharacter } from './schema.ts';

export interface FieldSize {
  field: string;
  chars: number;
  tokens: number;
}

export interface LorebookEntrySummary {
  id?: number | string;
  name?: string;
  keys: string[];
  secondaryKeys: string[];
  constant: boolean;
  enabled: boolean;
  position?: string;
  tokens: number;
}

/** A plain-data summary of a loaded card, for `dramatis card inspect` and friends. */
export interface CardInspection {
  name: string;
  path?: string;
  spec: CardSpec;
  format: CardFormat;
  creator: string;
  characterVersion: string;
  tags: string[];
  /** Each non-empty text field with its size; `alternate_greetings` and `group_only_greetings` are summed. */
  fields: FieldSize[];
  totalTokens: number;
  greetings: { first: boolean; alternate: number; groupOnly: number };
  /** Research fields present, e.g. `bigFive`, `goals`. */
  research: string[];
  lorebook?: {
    name?: string;
    entryCount: number;
    totalTokens: number;
    scanDepth?: number;
    tokenBudget?: number;
    entries: LorebookEntrySummary[];
    /** Regex keys that are skipped (never matched) because the linear-time engine cannot express them; the warnings say so too. */
    skippedKeys: { entry: number; field: 'keys' | 'secondary_keys'; key: string; reason: string }[];
  };
  extensionKeys: string[];
  /** Keys of the original file's top level that are kept for export (SillyTavern's `avatar`, `chat`, …). */
  topLevelKeys: string[];
  /** Loader repairs and findings (e.g. regex keys that do not compile or are skipped). */
  warnings: string[];
}

const TEXT_FIELDS = ['description', 'personality', 'scenario', 'first_mes', 'mes_example', 'system_prompt', 'post_history_instructions', 'creator_notes', 'nickname', 'speakingStyle'] as const;

/**
 * Summarizes a loaded card: field sizes in characters and tokens, greetings, research fields, lorebook entries.
 * @example formatInspection(inspectCharacter(await readCharacterFile('a.png'), countTokens))
 */
export function inspectCharacter(loaded: LoadedCharacter, countTokens: (text: string) => number): CardInspection {
  const { character, source } = loaded;
  const warnings = [...loaded.warnings];
  const fields: FieldSize[] = [];
  const add = (field: string, text: string) => {
    if (text) fields.push({ field, chars: text.length, tokens: countTokens(text) });
  };
  for (const field of TEXT_FIELDS) {
    const value = character[field];
    if (typeof value === 'string') add(field, value);
  }
  for (const field of ['alternate_greetings', 'group_only_greetings'] as const) {
    const list = character[field] ?? [];
    if (list.length === 0) continue;
    fields.push({ field, chars: list.reduce((n, s) => n + s.length, 0), tokens: list.reduce((n, s) => n + countTokens(s), 0) });
  }

  const book = character.character_book;
  let lorebook: CardInspection['lorebook'];
  if (book) {
    const entries = book.entries.map((entry): LorebookEntrySummary => {
      return {
        ...(entry.id === undefined ? {} : { id: entry.id }),
        ...(entry.name || entry.comment ? { name: entry.name || entry.comment } : {}),
        keys: entry.keys,
        secondaryKeys: entry.secondary_keys ?? [],
        constant: entry.constant ?? false,
        enabled: entry.enabled,
        ...(entry.position === undefined ? {} : { position: entry.position }),
        tokens: countTokens(entry.content),
      };
    });
    lorebook = {
      ...(book.name ? { name: book.name } : {}),
      entryCount: entries.length,
      totalTokens: entries.reduce((n, e) => n + e.tokens, 0),
      ...(book.scan_depth === undefined ? {} : { scanDepth: book.scan_depth }),
      ...(book.token_budget === undefined ? {} : { tokenBudget: book.token_budget }),
      entries,
      skippedKeys: lorebookKeyProblems(book)
        .filter((problem) => problem.kind === 'unsupported')
        .map((problem) => ({ entry: problem.entryIndex, field: problem.field, key: problem.key, reason: problem.reason })),
    };
  }

  const topLevel = character.extensions.dramatis_top_level;
  return {
    name: character.name,
    ...(source.path === undefined ? {} : { path: source.path }),
    spec: source.spec,
    format: source.format,
    creator: character.creator,
    characterVersion: character.character_version,
    tags: character.tags,
    fields,
    totalTokens: fields.reduce((n, f) => n + f.tokens, 0),
    greetings: { first: character.first_mes.length > 0, alternate: character.alternate_greetings.length, groupOnly: character.group_only_greetings.length },
    research: RESEARCH_KEYS.filter((key) => character[key] !== undefined),
    ...(lorebook ? { lorebook } : {}),
    extensionKeys: Object.keys(character.extensions),
    topLevelKeys: isRecord(topLevel) ? Object.keys(topLevel) : [],
    warnings,
  };
}

const number = (n: number) => n.toLocaleString('en-US');

function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `  ${cells.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** Renders an inspection as aligned plain text for a terminal (no trailing newline). */
export function formatInspection(inspection: CardInspection): string {
  const i = inspection;
  const lines: string[] = [];
  lines.push(`${i.name} — ${i.spec.toUpperCase()} card (${i.format})${i.path ? `  ${i.path}` : ''}`);
  lines.push(`creator: ${i.creator || '-'}   version: ${i.characterVersion || '-'}   tags: ${i.tags.length ? i.tags.join(', ') : '-'}`);
  lines.push('');
  if (i.fields.length) {
    const rows = i.fields.map((f) => [f.field, number(f.chars), number(f.tokens)]);
    rows.push(['total', number(i.fields.reduce((n, f) => n + f.chars, 0)), number(i.totalTokens)]);
    lines.push(...table(['field', 'chars', 'tokens'], rows, new Set([1, 2])));
  } else lines.push('  (no text fields)');
  lines.push('');
  lines.push(`greetings: ${i.greetings.first ? 'first message' : 'no first message'}, ${i.greetings.alternate} alternate, ${i.greetings.groupOnly} group-only`);
  lines.push(`research fields: ${i.research.length ? i.research.join(', ') : '-'}`);
  if (i.lorebook) {
    const book = i.lorebook;
    const limits = [book.scanDepth === undefined ? '' : `scan depth ${book.scanDepth}`, book.tokenBudget === undefined ? '' : `budget ${book.tokenBudget}`].filter(Boolean).join(', ');
    lines.push(`lorebook${book.name ? ` "${book.name}"` : ''}: ${book.entryCount} entries, ${number(book.totalTokens)} tokens${limits ? ` (${limits})` : ''}`);
    if (book.entries.length) {
      const rows = book.entries.map((e) => [
        e.id === undefined ? '-' : String(e.id),
        clip(e.keys.join(', '), 40) || '-',
        clip(e.secondaryKeys.join(', '), 24) || '-',
        e.constant ? 'yes' : 'no',
        e.enabled ? 'yes' : 'no',
        e.position ?? '-',
        number(e.tokens),
      ]);
      lines.push(...table(['id', 'keys', 'secondary', 'constant', 'enabled', 'position', 'tokens'], rows, new Set([6])));
    }
  } else lines.push('lorebook: -');
  lines.push(`extensions: ${i.extensionKeys.length ? i.extensionKeys.join(', ') : '-'}`);
  if (i.topLevelKeys.length) lines.push(`kept top-level keys: ${i.topLevelKeys.join(', ')}`);
  if (i.warnings.length) {
    lines.push('');
    lines.push(`warnings (${i.warnings.length}):`);
    for (const warning of i.warnings) lines.push(`  - ${warning}`);
  }
  return lines.join('\n');
}
