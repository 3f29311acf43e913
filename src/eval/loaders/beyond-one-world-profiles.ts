import { CsvSyntaxError, parseCsv } from './csv.ts';
import { dataError } from './read-data.ts';
import type { DatasetLoader } from './types.ts';

/**
 * Version attributes by CID from `heros_profile_aa.csv` (`UID,Name,CID,Source,Attributes`), written as the authors'
 * prompt writes them: the attributes (one a line, most ending with a comma) trimmed and joined with `, `
 * (`Age:53, Power:Powered armor suit, …`).
 */
export function readProfiles(text: string, path: string, loader: Pick<DatasetLoader, 'name' | 'format'>): Map<string, string> {
  let table;
  try {
    table = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw dataError([`${path}: ${error.message}`], loader);
    throw error;
  }
  const { header, rows } = table;
  const cid = header.indexOf('CID');
  const attributes = header.indexOf('Attributes');
  if (cid === -1 || attributes === -1) {
    throw dataError([`${path}: the header ${JSON.stringify(header.join(','))} lacks a CID or an Attributes column (expected UID,Name,CID,Source,Attributes)`], loader);
  }
  const profiles = new Map<string, string>();
  rows.forEach((row, index) => {
    const id = row[cid]?.trim();
    if (!id) throw dataError([`${path}: record ${index + 1}: CID: expected a version id, found nothing`], loader);
    const text = (row[attributes] ?? '').split(/[,\n]/).map((part) => part.trim()).filter(Boolean).join(', ');
    profiles.set(id, text);
  });
  return profiles;
}
