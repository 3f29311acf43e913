import { extname } from 'node:path';
import { ReportError } from './errors.ts';

export type ReportFormat = 'html' | 'md' | 'csv' | 'json';

const formatsByExtension: Record<string, ReportFormat> = {
  '.html': 'html',
  '.htm': 'html',
  '.md': 'md',
  '.markdown': 'md',
  '.csv': 'csv',
  '.json': 'json',
};

/**
 * The report format an output path asks for, from its extension (case-insensitive).
 * @example reportFormatFor('out/report.html') // 'html'
 */
export function reportFormatFor(path: string): ReportFormat {
  const extension = extname(path).toLowerCase();
  const format = formatsByExtension[extension];
  if (format) return format;
  const what = extension ? `unknown report format "${extension}"` : 'no file extension to choose a report format';
  throw new ReportError(
    'report/unknown-format',
    `${path}: ${what}; use .html (self-contained page with charts), .md (Markdown for a pull-request comment), .csv (one row per model, metric and group) or .json (summary and items)`,
  );
}
