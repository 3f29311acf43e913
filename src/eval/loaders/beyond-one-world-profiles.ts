import { dataError } from './read-data.ts';
import type { DatasetLoader } from './types.ts';

/** Splits CSV text into rows of fields (RFC 4180: quoted fields may hold commas, newlines and `""`). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') { field += '"'; i++; } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') { row.push(field); field = ''; }
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && body[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += char;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

/**
 * Version attributes by CID from `heros_profile_aa.csv` (`UID,Name,CID,Source,Attributes`), written as the authors'
 * prompt writes them: the attributes (one a line, most ending with a comma) trimmed and joined with `, `
 * (`Age:53, Power:Powered armor suit, …`).
 */
export function readProfiles(text: string, path: string, loader: Pick<DatasetLoader, 'name' | 'format'>): Map<string, string> {
  const [header, ...rows] = parseCsv(text);
  const cid = header?.indexOf('CID') ?? -1;
  const attributes = header?.indexOf('Attributes') ?? -1;
  if (cid === -1 || attributes === -1) {
    throw dataError([`${path}: the header ${JSON.stringify(header?.join(',') ?? '')} lacks a CID or an Attributes column (expected UID,Name,CID,Source,Attributes)`], loader);
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
