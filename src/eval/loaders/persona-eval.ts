import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { EvalError } from '../errors.ts';
import type { BenchItem } from '../item.ts';
import { CsvSyntaxError, parseCsv, type CsvTable } from './csv.ts';
import { dataError, noRecordsError, readDataText, uniqueIds } from './read-data.ts';
import type { DatasetLoader, LoadOptions } from './types.ts';

/** Columns every released track has (the Hugging Face card lingfengzhou/PersonaEval, "Data Fields"). */
const REQUIRED = ['prompt', 'gt', 'option1', 'option2', 'option3', 'option4'] as const;
/** The release's tracks in the order its README lists them; a folder is read in this order, then by name. */
const TRACK_ORDER = ['Literary', 'Drama', 'Expertise'];
const MAX_PROBLEMS = 20;

interface Candidate {
  name: string;
  profile: string;
}

export const personaEvalLoader: DatasetLoader = {
  name: 'persona-eval',
  title: 'PersonaEval',
  source: 'https://github.com/maple-zhou/PersonaEval (data: https://huggingface.co/datasets/lingfengzhou/PersonaEval, '
    + 'Literary.csv, Drama.csv, Expertise.csv; Zhou et al., COLM 2025, arXiv 2508.10014)',
  format: 'a track CSV (Literary.csv, Drama.csv, Expertise.csv) with the columns prompt, gt, option1…option4 (option5 on Expertise) '
    + 'and optionN_profile, gt being the name of one option; or a folder of such CSVs, each file name being its track',
  categories: ['track'],
  async load(path, options) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) return uniqueIds(await loadTrack(path, this, options));
    const files = trackFiles(await readdir(path));
    if (files.length === 0) throw new EvalError('eval/not-found', `${path}: no .csv track files in this folder (loader ${this.name} expects ${this.format})`);
    const items: BenchItem[] = [];
    for (const file of files) items.push(...await loadTrack(join(path, file), this, options));
    return uniqueIds(items);
  },
};

/** A folder's CSV files, the released tracks first in their released order. */
function trackFiles(names: readonly string[]): string[] {
  const rank = (name: string) => {
    const index = TRACK_ORDER.indexOf(basename(name, extname(name)));
    return index === -1 ? TRACK_ORDER.length : index;
  };
  return names.filter((name) => extname(name).toLowerCase() === '.csv').sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** One track file's items; its file name (without `.csv`) is the track. */
async function loadTrack(path: string, loader: DatasetLoader, options?: LoadOptions): Promise<BenchItem[]> {
  const text = await readDataText(path, loader, options);
  if (/^\s*[[{]/.test(text)) throw dataError([`${path}: this is JSON, not CSV (a header row of column names was expected)`], loader);
  let table: CsvTable;
  try {
    table = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw dataError([`${path}: not valid CSV: ${error.message}`], loader);
    throw error;
  }
  const { header, rows } = table;
  if (rows.length === 0 && header.length > 0) throw noRecordsError(path, 'the header has no rows under it', loader);
  const missing = REQUIRED.filter((column) => !header.includes(column));
  if (missing.length) {
    const found = header.length ? header.map((h) => JSON.stringify(h)).join(', ') : 'no columns';
    throw dataError(missing.map((column) => `${path}: record 1: ${column}: missing; the header has no ${column} column (it has ${found})`), loader);
  }
  const track = basename(path, extname(path));
  const optionColumns = header
    .map((name) => ({ name, number: /^option(\d+)$/.exec(name)?.[1] }))
    .filter((c): c is { name: string; number: string } => c.number !== undefined)
    .sort((a, b) => Number(a.number) - Number(b.number))
    .map((c) => c.name);
  const problems: string[] = [];
  const items: BenchItem[] = [];
  rows.forEach((row, index) => {
    const record = index + 1;
    const where = `${path}: record ${record}`;
    const cell = (column: string) => {
      const at = header.indexOf(column);
      return at === -1 ? '' : row[at] ?? '';
    };
    const rowProblems = checkRow(row, header, cell, optionColumns, where);
    if (rowProblems.length) {
      problems.push(...rowProblems);
      return;
    }
    const candidates: Candidate[] = optionColumns
      .filter((column) => cell(column).trim() !== '')
      .map((column) => ({ name: cell(column), profile: cell(`${column}_profile`) }));
    const gt = cell('gt');
    const exact = candidates.findIndex((c) => c.name === gt);
    items.push({
      id: `${track}-${record}`,
      record,
      vars: {
        prompt: cell('prompt'),
        track,
        candidates: candidates.map((c) => (c.profile.trim() ? `- ${c.name}: ${c.profile}` : `- ${c.name}`)).join('\n'),
      },
      options: candidates.map((c) => c.name),
      answer: exact !== -1 ? exact : candidates.findIndex((c) => c.name.trim() === gt.trim()),
      categories: { track },
      meta: { gt, profiles: candidates.map((c) => c.profile) },
    });
  });
  if (problems.length) throw dataError(problems.slice(0, MAX_PROBLEMS), loader);
  return items;
}

/** What is wrong with one data row: field count, an empty prompt, too few or repeated candidates, a gt that is none of them. */
function checkRow(row: readonly string[], header: readonly string[], cell: (column: string) => string, optionColumns: readonly string[], where: string): string[] {
  if (row.length !== header.length) return [`${where}: has ${row.length} fields but the header has ${header.length} (a stray comma or quote?)`];
  const problems: string[] = [];
  if (cell('prompt').trim() === '') problems.push(`${where}: prompt: empty; expected the dialogue and the question`);
  const named = optionColumns.filter((column) => cell(column).trim() !== '');
  if (named.length < 2) problems.push(`${where}: ${optionColumns.join(', ')}: ${named.length} candidate(s); expected at least 2 names`);
  named.forEach((column, i) => {
    const earlier = named.slice(0, i).find((other) => cell(other).trim() === cell(column).trim());
    if (earlier) problems.push(`${where}: ${column}: "${cell(column)}" repeats ${earlier}; candidates must have different names`);
  });
  const gt = cell('gt');
  if (gt.trim() === '') {
    problems.push(`${where}: gt: empty; expected the name of the right candidate`);
  } else if (!named.some((column) => cell(column).trim() === gt.trim())) {
    const listed = named.map((column) => `${column} "${cell(column)}"`).join(', ');
    problems.push(`${where}: gt: "${gt}" is not one of the candidates (${listed}); expected the name of one option`);
  }
  return problems;
}
