import { csvParseRows } from 'd3-dsv';

/** A CSV file's header and its data rows (blank lines dropped), fields as written. */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * Reads RFC 4180 CSV (quoted fields with commas, `""` escapes, CRLF or LF, line breaks inside quotes) with d3-dsv,
 * adding what it leaves to the caller: a byte-order mark is dropped, blank lines are skipped, and an unclosed quote
 * is an error instead of a field that silently swallows the rest of the file.
 */
export function parseCsv(text: string): CsvTable {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (countQuotes(body) % 2 === 1) throw new CsvSyntaxError('a quoted field is never closed (the file has an odd number of `"`)');
  const [header = [], ...rows] = csvParseRows(body).filter((row) => !(row.length === 1 && row[0].trim() === ''));
  return { header, rows };
}

/** The CSV text itself is malformed (as opposed to a record with a wrong value). */
export class CsvSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

function countQuotes(text: string): number {
  let count = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) count++;
  return count;
}
