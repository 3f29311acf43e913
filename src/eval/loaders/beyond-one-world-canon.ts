import { z } from 'zod';
import type { BenchItem } from '../item.ts';
import { optionLetter } from '../template.ts';
import { dataError, validateRecords } from './read-data.ts';
import type { DatasetLoader } from './types.ts';
import { cleanName, loreParts, slug, versionCategories } from './beyond-one-world-version.ts';

const Id = z.union([z.number().int(), z.string().min(1)]);

/** One canon-event question as released (`characters_canon_events.json`, `Events.<stage>[]`). */
const CanonQuestion = z.object({
  question: z.string(),
  options: z.array(z.string()).min(2, 'expected at least two options'),
  correct_answer: z.string(),
});

/** One hero version of `characters_canon_events.json`, field names as released. */
export const CanonVersion = z.object({
  UID: Id,
  Name: z.string().min(1),
  CID: Id,
  Source: z.union([z.array(z.string()), z.string()]),
  Events: z.record(z.string(), z.array(CanonQuestion)),
});
export type CanonVersion = z.infer<typeof CanonVersion>;

/** The released options of one question, read into a clean multiple choice. */
export type CanonOptions =
  | { ok: true; question: string; options: string[]; dropped: string[] }
  | { ok: false; problem: string };

const LABEL = /^\(?([A-Z])\s*[).:]\s*([\s\S]*)$/;
/** Answer markers some annotators left on the right option (`… ****`, `(***)`): removed so options do not give it away. */
const MARKER = /\s*\(\*+\)|\s*\*{3,}\s*$/g;

/**
 * Reads a question's released `options`: entries labelled `A)`/`A.`/`(A)` in order (an entry holding several labels,
 * `A. … B. …`, is split); an unlabelled entry ending with `?` before the options is part of the question; other
 * unlabelled entries (source names such as `Wikipedia`, `Choices:`, `/n/n/n`) are dropped, as is a second `A)` block.
 * Entries without any label are taken in order as options.
 */
export function readCanonOptions(question: string, entries: readonly string[]): CanonOptions {
  const options: string[] = [];
  const dropped: string[] = [];
  const preamble: string[] = [];
  let stopped = false;
  const labelled = entries.some((entry) => LABEL.test(entry.trim()));
  for (const raw of entries) {
    const entry = raw.trim();
    if (stopped) {
      if (entry) dropped.push(entry);
      continue;
    }
    const match = labelled ? LABEL.exec(entry) : null;
    if (!labelled) {
      if (entry) options.push(clean(entry));
      continue;
    }
    if (!match) {
      if (!entry) continue;
      if (options.length === 0 && /\?["”']?$/.test(entry)) preamble.push(entry);
      else dropped.push(entry);
      continue;
    }
    if (match[1] === 'A' && options.length > 0) {
      stopped = true;
      dropped.push(entry);
      continue;
    }
    if (match[1] !== optionLetter(options.length)) {
      return { ok: false, problem: `expected the options labelled ${optionLetter(0)}), ${optionLetter(1)})… in order, but "${entry.slice(0, 40)}" is labelled ${match[1]} where ${optionLetter(options.length)} was due` };
    }
    options.push(...splitLabels(match[2], options.length + 1).map(clean));
  }
  if (options.length < 2) return { ok: false, problem: `expected at least two options labelled A), B)…, found ${options.length}` };
  return { ok: true, question: [question.trim(), ...preamble].filter(Boolean).join('\n'), options, dropped };
}

/** `Attend the meeting. B. Skip the meeting` (next label B) → two options; only the labels due next split. */
function splitLabels(text: string, next: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let index = next; ; index++) {
    const found = new RegExp(String.raw`\s${optionLetter(index)}[.)]\s`).exec(rest);
    if (!found) break;
    parts.push(rest.slice(0, found.index));
    rest = rest.slice(found.index + found[0].length);
  }
  parts.push(rest);
  return parts;
}

function clean(option: string): string {
  return option.replace(MARKER, '').trim();
}

/** Reads `correct_answer` (`B`, ` b `, `B)`) as an option index, or why it cannot be one. */
function answerIndex(value: string, count: number): number | string {
  const letter = /^\s*\(?([A-Za-z])\)?[.)]?\s*$/.exec(value)?.[1]?.toUpperCase();
  const last = optionLetter(count - 1);
  if (!letter) return `expected one option letter A–${last}, got ${JSON.stringify(value)}`;
  const index = letter.charCodeAt(0) - 65;
  if (index >= count) return `the answer ${letter} is out of range: the question has ${count} options (A–${last})`;
  return index;
}

/**
 * Items of `characters_canon_events.json`: one per question, in released order (version, stage, question).
 * Every record is checked before any item is made; problems name the record (the version, 1-based) and the field.
 */
export function canonItems(data: readonly unknown[], path: string, loader: Pick<DatasetLoader, 'name' | 'format'>): BenchItem[] {
  const versions = validateRecords(data, CanonVersion, path, loader);
  const categoriesOf = versionCategories(versions.map((v) => ({ UID: v.UID, CID: v.CID, name: v.Name, lore: v.Source })));
  const items: BenchItem[] = [];
  const problems: string[] = [];
  versions.forEach((version, index) => {
    const categories = categoriesOf({ UID: version.UID, CID: version.CID, name: version.Name, lore: version.Source });
    for (const [stage, questions] of Object.entries(version.Events)) {
      questions.forEach((question, position) => {
        const where = `${path}: record ${index + 1}: Events.${stage}.${position}`;
        const read = readCanonOptions(question.question, question.options);
        if (!read.ok) return void problems.push(`${where}.options: ${read.problem}`);
        const answer = answerIndex(question.correct_answer, read.options.length);
        if (typeof answer === 'string') return void problems.push(`${where}.correct_answer: ${answer}`);
        items.push({
          id: `canon/${version.CID}/${slug(stage)}/${position + 1}`,
          record: index + 1,
          vars: { name: cleanName(version.Name), lore: loreParts(version.Source).join(', '), question: read.question, stage },
          options: read.options,
          answer,
          categories: { task: 'canon', ...categories, stage },
          meta: { UID: version.UID, CID: version.CID, correct_answer: question.correct_answer, ...(read.dropped.length ? { dropped: read.dropped } : {}) },
        });
      });
    }
  });
  if (problems.length) throw dataError(problems.slice(0, 20), loader);
  return items;
}
