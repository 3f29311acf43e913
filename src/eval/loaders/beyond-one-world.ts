import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EvalError } from '../errors.ts';
import type { BenchItem } from '../item.ts';
import { canonItems } from './beyond-one-world-canon.ts';
import { dilemmaItems } from './beyond-one-world-dilemma.ts';
import { readProfiles } from './beyond-one-world-profiles.ts';
import { dataError, noRecordsError, parseDataJson, readDataText, uniqueIds } from './read-data.ts';
import type { DatasetLoader, LoadOptions } from './types.ts';

type Task = 'canon' | 'dilemma';

/** The released file names (github.com/Augustus2011/Beyond_One_World README: "required dataset on our hf"). */
const FILES = { canon: 'characters_canon_events.json', dilemma: 'character_dilemmas.json', profiles: ['heros_profile_aa.csv', 'heros_profile.csv'] };

const SOURCE = 'https://github.com/Augustus2011/Beyond_One_World (characters_canon_events.json, character_dilemmas.json, heros_profile_aa.csv; '
  + 'Hugging Face augustus2011/beyond_one_world-{cannon,dilemma,heros}; Ngokpol et al., arXiv 2510.14351)';
const CANON_FORMAT = 'characters_canon_events.json: a JSON array of hero versions {UID, Name, CID, Source, Events: {<stage>: [{question, options ["A) …", …], correct_answer "A"}]}}';
const DILEMMA_FORMAT = 'character_dilemmas.json: a JSON array of dilemmas {situation, choice_A, choice_B, consequence_A, consequence_B, UID, CID, name, lore, dilemma_type, iteration}, '
  + 'with heros_profile_aa.csv (UID,Name,CID,Source,Attributes) read when it sits beside it';

/** Which Beyond One World file a parsed JSON value is, from its first record's fields. */
function kindOf(data: unknown): Task | 'empty' | undefined {
  if (!Array.isArray(data)) return undefined;
  const first: unknown = data[0];
  if (first === undefined) return 'empty';
  if (!first || typeof first !== 'object') return undefined;
  if ('Events' in first) return 'canon';
  if ('situation' in first) return 'dilemma';
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** The folder's files by task: the released names first, else any `.json` whose records have the shape. */
async function folderFiles(folder: string, tasks: readonly Task[], loader: DatasetLoader, options?: LoadOptions): Promise<Partial<Record<Task, string>>> {
  const files: Partial<Record<Task, string>> = {};
  for (const task of tasks) if (await exists(join(folder, FILES[task]))) files[task] = join(folder, FILES[task]);
  if (tasks.every((task) => files[task])) return files;
  for (const name of (await readdir(folder)).filter((n) => n.endsWith('.json')).sort()) {
    const path = join(folder, name);
    let kind: ReturnType<typeof kindOf>;
    try {
      kind = kindOf(parseDataJson(await readDataText(path, loader, options), path, loader));
    } catch {
      continue; // Another JSON file of the folder (a card, broken JSON): not one of the release's files.
    }
    if ((kind === 'canon' || kind === 'dilemma') && tasks.includes(kind) && !files[kind]) files[kind] = path;
  }
  if (!tasks.some((task) => files[task])) {
    throw new EvalError('eval/not-found', `${folder}: no ${tasks.map((t) => FILES[t]).join(' or ')} in this folder (loader ${loader.name} expects ${loader.format})`);
  }
  return files;
}

async function profilesBeside(folder: string, loader: DatasetLoader, options?: LoadOptions): Promise<Map<string, string>> {
  for (const name of FILES.profiles) {
    const path = join(folder, name);
    if (await exists(path)) return readProfiles(await readDataText(path, loader, options), path, loader);
  }
  return new Map();
}

async function loadFile(path: string, tasks: readonly Task[], loader: DatasetLoader, options?: LoadOptions): Promise<BenchItem[]> {
  const data = parseDataJson(await readDataText(path, loader, options), path, loader);
  const kind = kindOf(data);
  if (kind === 'empty') throw noRecordsError(path, 'the array is empty', loader);
  if (!kind) {
    const found = Array.isArray(data) ? `record 1 has fields ${Object.keys((data[0] ?? {}) as object).join(', ') || '(none)'}` : `the top level is ${data === null ? 'null' : typeof data}, not an array`;
    throw dataError([`${path}: ${found}; expected ${tasks.map((t) => (t === 'canon' ? 'canon-event versions (UID, Name, CID, Source, Events)' : 'dilemmas (situation, choice_A, choice_B, …)')).join(' or ')}`], loader);
  }
  if (!tasks.includes(kind)) {
    throw dataError([`${path}: this is Beyond One World's ${kind} file (${FILES[kind]}), not the ${tasks[0]} file (${FILES[tasks[0]]})`], loader);
  }
  const records = data as unknown[];
  if (kind === 'canon') return canonItems(records, path, loader);
  return dilemmaItems(records, path, loader, await profilesBeside(dirname(path), loader, options));
}

/** Every version's categories (`versionCategories`), then each task's own. */
const VERSION_CATEGORIES = ['task', 'hero', 'version', 'universe'];
const TASK_CATEGORIES: Record<Task, string> = { canon: 'stage', dilemma: 'dilemma_type' };

function makeLoader(name: string, title: string, tasks: readonly Task[], format: string): DatasetLoader {
  const loader: DatasetLoader = {
    name,
    title,
    source: SOURCE,
    format,
    // With both tasks, `stage` is on canon items and `dilemma_type` on dilemmas only.
    categories: [...VERSION_CATEGORIES, ...(tasks.length === 1 ? [TASK_CATEGORIES[tasks[0]]] : [])],
    async load(path, options) {
      const info = await stat(path).catch((error: unknown) => {
        throw new EvalError('eval/not-found', `${path}: no such file or folder (loader ${name} expects ${format})`, { cause: error });
      });
      if (!info.isDirectory()) return uniqueIds(await loadFile(path, tasks, loader, options));
      const files = await folderFiles(path, tasks, loader, options);
      const items: BenchItem[] = [];
      for (const task of tasks) if (files[task]) items.push(...(await loadFile(files[task], [task], loader, options)));
      return uniqueIds(items);
    },
  };
  return loader;
}

/** Both tasks of Beyond One World: a release folder (either or both files), or one of its JSON files. */
export const beyondOneWorldLoader: DatasetLoader = makeLoader(
  'beyond-one-world',
  'Beyond One World',
  ['canon', 'dilemma'],
  `a folder with the Beyond One World release, or one of its files; ${CANON_FORMAT}; ${DILEMMA_FORMAT}`,
);

/** Canon events only (multiple choice per life stage): the release folder or `characters_canon_events.json`. */
export const beyondOneWorldCanonLoader: DatasetLoader = makeLoader(
  'beyond-one-world-canon',
  'Beyond One World: Canon Events',
  ['canon'],
  `the Beyond One World release folder or ${CANON_FORMAT}`,
);

/** Moral dilemmas only: the release folder or `character_dilemmas.json` (with the hero profiles beside it). */
export const beyondOneWorldDilemmaLoader: DatasetLoader = makeLoader(
  'beyond-one-world-dilemma',
  'Beyond One World: Moral Dilemmas',
  ['dilemma'],
  `the Beyond One World release folder or ${DILEMMA_FORMAT}`,
);
