import { strToU8, unzipSync, zipSync } from 'fflate';
import { toCardJson } from './card-export.ts';
import { CardError, describeInput, formatMiB } from './errors.ts';
import { DEFAULT_MAX_BYTES, parseJsonBytes } from './json-input.ts';
import { isRecord } from './plain-object.ts';
import { isPng } from './png.ts';
import type { Character } from './schema.ts';

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

// RisuAI, which defined CHARX, spells the scheme `embeded://`.
const EMBEDDED = /^embedd?ed:\/\//;

function embeddedPath(asset: unknown): string | undefined {
  if (!isRecord(asset) || typeof asset.uri !== 'string' || !EMBEDDED.test(asset.uri)) return undefined;
  return asset.uri.replace(EMBEDDED, '');
}

/** The card's main icon, if it is an embedded PNG: used as the image when the card is written as PNG. */
function mainIcon(card: unknown, files: Record<string, Uint8Array>): Uint8Array | undefined {
  const assets = isRecord(card) && isRecord(card.data) && Array.isArray(card.data.assets) ? card.data.assets : [];
  const icons = assets.filter((asset) => isRecord(asset) && asset.type === 'icon');
  const main = icons.find((asset) => isRecord(asset) && asset.name === 'main') ?? icons[0];
  const path = embeddedPath(main);
  const bytes = path === undefined ? undefined : files[path];
  return bytes && isPng(bytes) ? bytes : undefined;
}

/**
 * Reads a CHARX archive (a zip with `card.json` and assets). Declared uncompressed sizes are checked
 * before inflating, so a zip bomb is refused (`card/too-large`); inflation never exceeds the declared size.
 */
export function readCharx(bytes: Uint8Array, options: { path?: string; maxBytes?: number } = {}): { json: unknown; files: Record<string, Uint8Array>; image?: Uint8Array; warnings: string[] } {
  const { path } = options;
  const file = describeInput(path);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const warnings: string[] = [];
  let total = 0;
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes, {
      filter(entry) {
        total += entry.originalSize;
        if (total > maxBytes) {
          throw new CardError('card/too-large', `${file}: the CHARX archive unpacks to over ${formatMiB(maxBytes)} (at ${entry.name}); it may be a zip bomb, check the file or raise the limit with --max-file-mb (or DRAMATIS_MAX_FILE_MB)`, { path, field: entry.name });
        }
        return !entry.name.endsWith('/');
      },
    });
  } catch (error) {
    if (error instanceof CardError) throw error;
    throw new CardError('card/bad-charx', `${file}: not a readable CHARX (zip) archive (${(error as Error).message}); export the card again`, { path, cause: error });
  }
  const cardPath = 'card.json' in unzipped ? 'card.json' : Object.keys(unzipped).find((name) => name.endsWith('/card.json'));
  if (cardPath === undefined) {
    throw new CardError('card/bad-charx', `${file}: the CHARX archive has no card.json; it is not a character card archive`, { path });
  }
  if (cardPath !== 'card.json') warnings.push(`charx: card.json found at ${cardPath}, not at the archive root`);
  const json = parseJsonBytes(unzipped[cardPath], path, 'card', `${cardPath} in the CHARX archive`);
  const files: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(unzipped)) if (name !== cardPath) files[name] = content;
  return { json, files, image: mainIcon(json, files), warnings };
}

const ICON_PATH = 'assets/icon/images/main.png';

/**
 * Writes a CHARX archive: `card.json` (V3) plus `files` (e.g. the assets of a CHARX that was read).
 * An `image` is added as the main icon when the card has none.
 */
export function writeCharx(character: Character, options: { files?: Record<string, Uint8Array>; image?: Uint8Array } = {}): Uint8Array {
  const card = toCardJson(character, 'v3');
  const entries: Record<string, Uint8Array> = { ...options.files };
  const data = card.data as Record<string, unknown>;
  const assets = Array.isArray(data.assets) ? data.assets : [];
  if (options.image && !assets.some((asset) => isRecord(asset) && asset.type === 'icon')) {
    entries[ICON_PATH] = options.image;
    card.data = { ...data, assets: [...assets, { type: 'icon', uri: `embeded://${ICON_PATH}`, name: 'main', ext: 'png' }] };
  }
  entries['card.json'] = strToU8(`${JSON.stringify(card, null, 2)}\n`);
  return zipSync(entries, { mtime: new Date('1980-01-01T00:00:00Z') });
}
