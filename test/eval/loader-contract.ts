import { describe, expect, it } from 'vitest';
import { EvalError } from '../../src/eval/errors.ts';
import { findLoader, type DatasetLoader } from '../../src/eval/loaders/index.ts';
import { loadError, scratchFiles } from './loader-support.ts';

type DataRecord = Record<string, unknown>;

/** A loader's file format, written by the test: valid records, and the ways its data can be wrong. */
export interface LoaderFixture {
  loader: DatasetLoader;
  /** The data file's name (some loaders read meaning from it: a track, a release file). */
  fileName: string;
  /** A valid record, different for each `i` (its id included). */
  record(i: number): DataRecord;
  /** Writes records in the loader's file format. */
  write(records: readonly DataRecord[]): string;
  /** Fields a record cannot do without: one left out of the second record must be named in the error. */
  required: string[];
  /** A top level of the wrong type (an object where an array of records belongs, an array where a line holds one record). */
  wrongTopLevel: string;
  /** Text that is not the format at all (JSON cut short, a quote never closed). */
  broken: string;
  /** Text of a file that holds no records although it is well formed (`[]`, a header alone); none for JSON Lines. */
  noRecords?: string;
}

/**
 * The behaviour every dataset loader must have: run it on a loader with `runLoaderContract(fixture)`.
 * Files are written by the test into a scratch folder; nothing is read from outside the repository.
 */
export function runLoaderContract(fixture: LoaderFixture): void {
  const { loader } = fixture;
  describe(`DatasetLoader contract: ${loader.name}`, () => {
    const file = scratchFiles(`loader-${loader.name}`);
    const records = (n: number) => Array.from({ length: n }, (_, i) => fixture.record(i));
    let written = 0;
    /** A data file of these records (or this text) in its own folder-free name. */
    const dataFile = (content: readonly DataRecord[] | string) => file(`${++written}-${fixture.fileName}`, typeof content === 'string' ? content : fixture.write(content));
    const expectBadData = (error: EvalError, path: string) => {
      expect(error.code, error.message).toBe('eval/bad-data');
      expect(error.message).toContain(path);
      expect(error.problems.at(-1)).toBe(`loader ${loader.name} expects ${loader.format}`);
    };

    it('describes itself: name, title, source, format, categories; registered under its name', () => {
      expect(loader.name).toMatch(/^[a-z][a-z0-9-]*$/);
      for (const text of [loader.title, loader.source, loader.format]) expect(text.trim()).not.toBe('');
      expect(Array.isArray(loader.categories)).toBe(true);
      expect(findLoader(loader.name)).toBe(loader);
    });

    it('loads a valid file: items in released order, ids unique, records numbered, declared categories present', async () => {
      const items = await loader.load(await dataFile(records(3)));
      expect(items.length).toBeGreaterThanOrEqual(3);
      const ids = items.map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const item of items) {
        expect(item.id.trim()).not.toBe('');
        expect(Number.isInteger(item.record) && item.record >= 1 && item.record <= 3, `item ${item.id}: record ${item.record}`).toBe(true);
        for (const category of loader.categories) {
          expect(['string', 'number', 'boolean'], `item ${item.id}: category ${category}`).toContain(typeof item.categories[category]);
        }
        for (const value of Object.values(item.vars)) expect(typeof value).toBe('string');
        if (item.options) {
          expect(item.answer === undefined || (Number.isInteger(item.answer) && item.answer >= 0 && item.answer < item.options.length), `item ${item.id}: answer ${item.answer}`).toBe(true);
        }
      }
      expect(items.map((item) => item.record)).toEqual([...items.map((item) => item.record)].sort((a, b) => a - b));
    });

    it('loads the same items every time', async () => {
      const path = await dataFile(records(2));
      expect(await loader.load(path)).toEqual(await loader.load(path));
    });

    it('gives a repeated record a unique id, or refuses it naming the record', async () => {
      const path = await dataFile([fixture.record(0), fixture.record(0)]);
      const loaded = await loader.load(path).then((items) => ({ items }), (error: unknown) => ({ error: error as EvalError }));
      if ('error' in loaded) {
        expectBadData(loaded.error, path);
        expect(loaded.error.message).toContain('record 2');
      } else {
        const ids = loaded.items.map((item) => item.id);
        expect(new Set(ids).size).toBe(ids.length);
      }
    });

    it('refuses an empty file, saying it is empty', async () => {
      for (const text of ['', ' \n\n\t\n']) {
        const path = await dataFile(text);
        const error = await loadError(loader.load(path));
        expectBadData(error, path);
        expect(error.problems[0]).toBe(`${path}: the file is empty`);
      }
    });

    it.runIf(fixture.noRecords !== undefined)('refuses a well-formed file without records', async () => {
      const path = await dataFile(fixture.noRecords!);
      const error = await loadError(loader.load(path));
      expectBadData(error, path);
      expect(error.problems[0]).toMatch(new RegExp(`^${escape(path)}: no records: `));
    });

    it('refuses a top level of the wrong type, saying what it found', async () => {
      const path = await dataFile(fixture.wrongTopLevel);
      const error = await loadError(loader.load(path));
      expectBadData(error, path);
      expect(error.problems[0]).toMatch(/top level|record 1|JSON, not CSV/);
    });

    it('refuses text that is not its format, with where it breaks', async () => {
      const path = await dataFile(fixture.broken);
      const error = await loadError(loader.load(path));
      expectBadData(error, path);
      expect(error.problems[0]).toMatch(/not valid (JSON|CSV)/);
    });

    it('refuses a record missing a required field, naming the record and the field', async () => {
      expect(fixture.required.length).toBeGreaterThan(0);
      for (const field of fixture.required) {
        const broken = records(3);
        expect(Object.hasOwn(broken[1], field), `the fixture's record has ${field}`).toBe(true);
        delete broken[1][field];
        const path = await dataFile(broken);
        const error = await loadError(loader.load(path));
        expectBadData(error, path);
        expect(error.problems.some((problem) => problem.startsWith(`${path}: record 2: ${field}`)), `${field}:\n${error.message}`).toBe(true);
      }
    });

    it('reports every bad record up to 20, one line each', async () => {
      const field = fixture.required[0];
      const broken = records(30).map((record, i) => {
        if (i > 0) delete record[field];
        return record;
      });
      const path = await dataFile(broken);
      const error = await loadError(loader.load(path));
      expectBadData(error, path);
      expect(error.problems.length).toBeGreaterThanOrEqual(2);
      expect(error.problems.length).toBeLessThanOrEqual(21);
      expect(error.message.split('\n')).toEqual(error.problems);
      expect(error.problems[0]).toMatch(new RegExp(`^${escape(path)}: record 2: ${escape(field)}`));
    });

    it('says a missing file is not found, and what it expects', async () => {
      const path = `${await dataFile(records(1))}.missing`;
      const error = await loadError(loader.load(path));
      expect(error.code).toBe('eval/not-found');
      expect(error.message).toContain(path);
      expect(error.message).toContain(loader.format);
    });
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** JSON array files. */
export const jsonArray = (records: readonly DataRecord[]) => JSON.stringify(records, null, 1);
/** JSON Lines files. */
export const jsonLines = (records: readonly DataRecord[]) => `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
/** CSV with a header of every field seen (a record's missing field is an empty cell), every value quoted. */
export function csv(records: readonly DataRecord[]): string {
  const header = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const cell = (value: unknown) => `"${String(value ?? '').replace(/"/g, '""')}"`;
  return [header.map(cell).join(','), ...records.map((record) => header.map((column) => cell(record[column])).join(','))].join('\r\n');
}
