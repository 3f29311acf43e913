import type { BenchItem } from '../item.ts';

export interface LoadOptions {
  /** Size limit in bytes for each data file (default 256 MiB). */
  maxBytes?: number;
}

/** Reads one benchmark's released data files into items (field names exactly as released). */
export interface DatasetLoader {
  /** Registry name: `tomato`, `persona-eval`... */
  name: string;
  /** The benchmark's name as its authors write it. */
  title: string;
  /** Where the released data and its paper are. */
  source: string;
  /** The file format this loader expects, in one or two sentences (shown by `bench list` and in errors). */
  format: string;
  /**
   * The categories its items have (`BenchItem.categories`), what results can be broken down by; a benchmark's
   * `categories` name these. Items of data outside the release's scheme may lack some (see each loader).
   */
  categories: readonly string[];
  /**
   * Reads a file (or a folder, where the release is several files) and returns its items in released order.
   * Throws `EvalError('eval/bad-data')` naming the file, the record, the field and what was expected.
   */
  load(path: string, options?: LoadOptions): Promise<BenchItem[]>;
}
