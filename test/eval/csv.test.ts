import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from '../../src/eval/loaders/csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, escaped quotes and line breaks, CRLF or LF', () => {
    const text = 'name,line\r\n"Hale, Agnes","She said ""no""\r\nthen left"\r\nTom,plain\n';
    expect(parseCsv(text)).toEqual({
      header: ['name', 'line'],
      rows: [['Hale, Agnes', 'She said "no"\r\nthen left'], ['Tom', 'plain']],
    });
  });

  it('drops a byte-order mark and blank lines, keeps empty fields', () => {
    expect(parseCsv('\uFEFFa,b,c\n1,,3\n\n4,5,\n')).toEqual({ header: ['a', 'b', 'c'], rows: [['1', '', '3'], ['4', '5', '']] });
  });

  it('gives an empty table for an empty file', () => {
    expect(parseCsv('')).toEqual({ header: [], rows: [] });
  });

  it('refuses a quoted field that is never closed instead of swallowing the rest', () => {
    expect(() => parseCsv('a,b\n"open,1\n2,3\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\n"open,1\n2,3\n')).toThrow(/never closed/);
  });
});
