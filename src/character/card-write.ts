import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { toCardJsonText } from './card-export.ts';
import { writeCharx } from './charx.ts';
import { CardError } from './errors.ts';
import { writeCardPng } from './png.ts';
import type { Character } from './schema.ts';

export interface WriteCharacterOptions {
  /** Card spec of a JSON file (default `v3`); PNG files carry both, CHARX is always V3. */
  spec?: 'v2' | 'v3';
  /** PNG to embed the card in (e.g. `loaded.source.image`); a placeholder is drawn without one. */
  image?: Uint8Array;
  /** Extra files of a CHARX archive (e.g. `loaded.source.files`). */
  files?: Record<string, Uint8Array>;
}

/**
 * Writes a character card; the format follows the extension: `.json`, `.png` or `.charx`. Returns the bytes written.
 * @example await writeCharacterFile('out.png', loaded.character, { image: loaded.source.image })
 */
export async function writeCharacterFile(path: string, character: Character, options: WriteCharacterOptions = {}): Promise<number> {
  const extension = extname(path).toLowerCase();
  let bytes: Uint8Array | string;
  if (extension === '.json') {
    bytes = toCardJsonText(character, options.spec ?? 'v3');
  } else if (extension === '.png') {
    bytes = writeCardPng(character, { image: options.image });
  } else if (extension === '.charx') {
    bytes = writeCharx(character, { files: options.files, image: options.image });
  } else {
    throw new CardError('card/bad-output', `${path}: cannot tell the card format from the extension '${extension || '(none)'}'; use .json, .png or .charx`, { path });
  }
  await writeFile(path, bytes);
  return typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength;
}
