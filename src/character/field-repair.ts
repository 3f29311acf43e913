/** Lenient parsing before validation: repairs spec fields of a card or lorebook in place, reports each repair, never touches extensions. */
import { isRecord } from './plain-object.ts';

/** How a field is needed: `required` (spec field: repair and report), `silent` (default quietly: the source spec predates it), `optional`. */
export type FieldNeed = 'required' | 'silent' | 'optional';

const splitCommas = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);
const wrapText = (text: string) => (text.trim() ? [text] : []);
export const listSplitters = { commas: splitCommas, wrap: wrapText };

function numberFromText(text: string): number | undefined {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function booleanFrom(value: unknown): boolean | undefined {
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const t = value.trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no') return false;
  return undefined;
}

const isBlank = (value: unknown) => value === null || (typeof value === 'string' && value.trim() === '');
export const describe = (value: unknown) => (value === undefined ? 'missing' : value === null ? 'null' : 'empty text');

/**
 * Repairs fields of `target` (a copy the caller owns) in place and appends one warning per repair,
 * each naming the field path under `base`, e.g. `data.character_book.extensions: missing, set to {}`.
 */
export function fieldRepairer(target: Record<string, unknown>, base: string, warnings: string[]) {
  const at = (key: string) => (base ? `${base}.${key}` : key);
  const warn = (key: string, what: string) => warnings.push(`${at(key)}: ${what}`);
  const absent = (key: string, need: FieldNeed, fallback: unknown, shown: string): void => {
    const value = target[key];
    if (need === 'optional') {
      if (value !== undefined) {
        delete target[key];
        warn(key, `${describe(value)}, removed`);
      }
      return;
    }
    target[key] = fallback;
    if (need === 'required' || value !== undefined) warn(key, `${describe(value)}, set to ${shown}`);
  };

  const repairer = {
    text(key: string, need: FieldNeed): void {
      const value = target[key];
      if (value === undefined || value === null) return absent(key, need, '', '""');
      if (typeof value === 'number' || typeof value === 'boolean') {
        target[key] = String(value);
        warn(key, `${typeof value} where text was expected, converted to "${String(value)}"`);
      }
    },
    list(key: string, need: FieldNeed, split: (text: string) => string[]): void {
      const value = target[key];
      if (value === undefined || value === null) return absent(key, need, [], '[]');
      if (typeof value === 'string') {
        const items = split(value);
        target[key] = items;
        warn(key, `text instead of a list, read as ${items.length} item(s)`);
        return;
      }
      if (!Array.isArray(value) || value.every((item) => typeof item === 'string')) return;
      const items: unknown[] = [];
      value.forEach((item, index) => {
        if (typeof item === 'number' || typeof item === 'boolean') {
          items.push(String(item));
          warn(`${key}[${index}]`, `${typeof item} where text was expected, converted to "${String(item)}"`);
        } else if (item === null || item === undefined) {
          warn(`${key}[${index}]`, 'null, dropped');
        } else items.push(item);
      });
      target[key] = items;
    },
    number(key: string, need: FieldNeed, fallback?: number): void {
      const value = target[key];
      if (value === undefined || isBlank(value)) return absent(key, need, fallback, String(fallback));
      if (typeof value !== 'string') return;
      const n = numberFromText(value);
      if (n === undefined) return; // left for validation to report
      target[key] = n;
      warn(key, `number stored as text ("${value}"), converted to ${n}`);
    },
    boolean(key: string, need: FieldNeed, fallback?: boolean): void {
      const value = target[key];
      if (value === undefined || isBlank(value)) return absent(key, need, fallback, String(fallback));
      if (typeof value === 'boolean') return;
      const b = booleanFrom(value);
      if (b === undefined) return;
      target[key] = b;
      warn(key, `boolean stored as ${typeof value} (${JSON.stringify(value)}), converted to ${b}`);
    },
    record(key: string, need: FieldNeed): void {
      const value = target[key];
      if (value === undefined || isBlank(value)) return absent(key, need, {}, '{}');
      if (typeof value !== 'string') return;
      try {
        const parsed: unknown = JSON.parse(value);
        if (!isRecord(parsed)) return;
        target[key] = parsed;
        warn(key, 'JSON text instead of an object, parsed');
      } catch {
        // left for validation to report
      }
    },
    /** Unix seconds (V3 `creation_date`); numeric text, date text and milliseconds are converted. */
    timestamp(key: string): void {
      repairer.number(key, 'optional');
      const value = target[key];
      if (typeof value === 'string') {
        const ms = Date.parse(value);
        if (Number.isNaN(ms)) return;
        target[key] = Math.floor(ms / 1000);
        warn(key, `date text ("${value}"), converted to Unix seconds`);
      } else if (typeof value === 'number' && value > 1e11) {
        target[key] = Math.floor(value / 1000);
        warn(key, 'milliseconds, converted to Unix seconds');
      }
    },
  };
  return repairer;
}
