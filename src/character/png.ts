import { deflateSync, inflateSync } from 'node:zlib';
import pngText from 'png-chunk-text';
import encodeChunks from 'png-chunks-encode';
import extractChunks from 'png-chunks-extract';
import { toCardJson } from './card-export.ts';
import { CardError, describeInput } from './errors.ts';
import { DEFAULT_MAX_BYTES, parseJsonBytes, parseJsonText } from './json-input.ts';
import type { Character } from './schema.ts';

interface PngChunk {
  name: string;
  data: Uint8Array;
}

type CardKeyword = 'ccv3' | 'chara';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((byte, i) => bytes[i] === byte);
}

const ascii = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** Splits a PNG into chunks, turning every failure into a CardError that names the file. */
function readChunks(bytes: Uint8Array, path: string | undefined, label = describeInput(path)): PngChunk[] {
  if (!isPng(bytes)) {
    throw new CardError('card/not-png', `${label}: not a PNG file (wrong signature); give a PNG, JSON or CHARX character card`, { path });
  }
  const truncated = (detail: string, cause?: unknown) =>
    new CardError('card/truncated-png', `${label}: the PNG is truncated or corrupted (${detail}); the file was probably cut short, download or export it again`, { path, cause });
  // Walk the layout first: a cut file must be reported, not handed to the extractor with a length past the end.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  for (;;) {
    if (offset + 8 > bytes.length) throw truncated(`no IEND chunk; the file ends at byte ${bytes.length}`);
    const length = view.getUint32(offset);
    const name = ascii(bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) throw truncated(`the ${name} chunk needs ${end} bytes, the file has ${bytes.length}`);
    if (name === 'IEND') break;
    offset = end;
  }
  try {
    return extractChunks(bytes);
  } catch (error) {
    const reason = (error as Error).message;
    throw truncated(/CRC/i.test(reason) ? reason.replace(/ header do not match.*/, ' chunk do not match') : reason, error);
  }
}

function keywordOf(data: Uint8Array): string {
  const end = data.indexOf(0);
  return latin1(data.subarray(0, end < 0 ? data.length : end));
}

const isCardKeyword = (keyword: string): keyword is CardKeyword => keyword === 'chara' || keyword === 'ccv3';

interface TextChunk {
  keyword: string;
  text: string;
  /** Compressed text that unpacks to more than the limit. */
  tooLarge?: boolean;
}

/** Reads `tEXt` (via png-chunk-text), `zTXt` and `iTXt` chunks; compressed text is capped at `maxBytes`. */
function textOf(chunk: PngChunk, maxBytes: number): TextChunk | undefined {
  const inflate = (data: Uint8Array) => inflateSync(data, { maxOutputLength: maxBytes });
  if (chunk.name === 'tEXt') {
    try {
      return pngText.decode(chunk.data);
    } catch {
      return { keyword: keywordOf(chunk.data), text: '\0' }; // NUL in text: reported only if it is a card chunk
    }
  }
  const keyword = keywordOf(chunk.data);
  const rest = chunk.data.subarray(keyword.length + 1);
  try {
    if (chunk.name === 'zTXt') return { keyword, text: latin1(inflate(rest.subarray(1))) };
    if (chunk.name === 'iTXt') {
      const compressed = rest[0] === 1;
      const language = rest.indexOf(0, 2);
      const translated = rest.indexOf(0, language + 1);
      const body = rest.subarray(translated + 1);
      return { keyword, text: new TextDecoder().decode(compressed ? inflate(body) : body) };
    }
  } catch (error) {
    return { keyword, text: '\0', tooLarge: (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' };
  }
  return undefined;
}

function decodeCardText(chunk: TextChunk, keyword: CardKeyword, path: string | undefined, warnings: string[]): unknown {
  const label = describeInput(path);
  if (chunk.tooLarge) {
    throw new CardError('card/too-large', `${label}: the PNG's compressed '${keyword}' text chunk unpacks to more than the size limit; check the file, or raise the limit with --max-file-mb (or DRAMATIS_MAX_FILE_MB)`, { path, field: keyword });
  }
  const trimmed = chunk.text.trim();
  if (trimmed.startsWith('{')) {
    warnings.push(`png '${keyword}' chunk: plain JSON instead of base64, read as is`);
    return parseJsonText(trimmed, path, 'card', `'${keyword}' chunk`);
  }
  const compact = trimmed.replace(/\s+/g, '');
  if (!compact || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new CardError('card/bad-base64', `${label}: the PNG's '${keyword}' text chunk is not valid base64${compact ? '' : ' (it is empty)'}; the card is damaged, export it again from the app that made it`, { path, field: keyword });
  }
  const bytes = Buffer.from(compact, /[-_]/.test(compact) ? 'base64url' : 'base64');
  return parseJsonBytes(bytes, path, 'card', `base64-decoded '${keyword}' chunk`);
}

/**
 * Finds the card JSON in a PNG: the `ccv3` text chunk (V3) is preferred over `chara` (V2);
 * if `ccv3` is damaged and `chara` is readable, `chara` is used and a warning says so.
 */
export function readCardPng(bytes: Uint8Array, options: { path?: string; maxBytes?: number } = {}): { json: unknown; keyword: CardKeyword; warnings: string[] } {
  const { path } = options;
  const warnings: string[] = [];
  const texts = readChunks(bytes, path)
    .map((chunk) => textOf(chunk, options.maxBytes ?? DEFAULT_MAX_BYTES))
    .filter((text): text is TextChunk => text !== undefined);
  const find = (keyword: CardKeyword) => texts.find((text) => text.keyword.toLowerCase() === keyword);
  const ccv3 = find('ccv3');
  const chara = find('chara');
  if (!ccv3 && !chara) {
    throw new CardError('card/no-card-chunk', `${describeInput(path)}: this PNG has no 'chara' or 'ccv3' text chunk; it is an image, not a character card (export the card from its app as PNG or JSON)`, { path });
  }
  if (ccv3) {
    try {
      return { json: decodeCardText(ccv3, 'ccv3', path, warnings), keyword: 'ccv3', warnings };
    } catch (error) {
      if (!chara || !(error instanceof CardError)) throw error;
      warnings.push(`png 'ccv3' chunk: unreadable (${error.code}), used the 'chara' chunk instead`);
    }
  }
  return { json: decodeCardText(chara as TextChunk, 'chara', path, warnings), keyword: 'chara', warnings };
}

/** A 64×64 solid-colour PNG, the colour derived from `seed` so placeholder cards are told apart. */
function placeholderChunks(seed: string): PngChunk[] {
  const size = 64;
  let hash = 2166136261;
  for (const ch of seed) hash = Math.imul(hash ^ (ch.codePointAt(0) ?? 0), 16777619) >>> 0;
  const rgb = [96 + (hash & 0x7f), 96 + ((hash >>> 8) & 0x7f), 96 + ((hash >>> 16) & 0x7f)];
  const row = new Uint8Array(1 + size * 3); // filter byte 0, then RGB pixels
  for (let x = 0; x < size; x++) row.set(rgb, 1 + x * 3);
  const raw = new Uint8Array(row.length * size);
  for (let y = 0; y < size; y++) raw.set(row, y * row.length);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, size);
  view.setUint32(4, size);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return [
    { name: 'IHDR', data: header },
    { name: 'IDAT', data: new Uint8Array(deflateSync(raw)) },
    { name: 'IEND', data: new Uint8Array(0) },
  ];
}

const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

/**
 * Writes a character into a PNG: the image's own chunks are kept (old card chunks dropped) and
 * `tEXt chara` (V2) and `tEXt ccv3` (V3) are inserted before IEND. Without an image, a placeholder is drawn.
 * @example writeFileSync('out.png', writeCardPng(loaded.character, { image: loaded.source.image }))
 */
export function writeCardPng(character: Character, options: { image?: Uint8Array } = {}): Uint8Array {
  const chunks = options.image ? readChunks(options.image, undefined, '(image to embed the card in)') : placeholderChunks(character.name);
  const kept = chunks.filter((chunk) => !(['tEXt', 'zTXt', 'iTXt'].includes(chunk.name) && isCardKeyword(keywordOf(chunk.data).toLowerCase())));
  const end = kept.findIndex((chunk) => chunk.name === 'IEND');
  kept.splice(end < 0 ? kept.length : end, 0, pngText.encode('chara', base64Json(toCardJson(character, 'v2'))), pngText.encode('ccv3', base64Json(toCardJson(character, 'v3'))));
  if (end < 0) kept.push({ name: 'IEND', data: new Uint8Array(0) });
  return encodeChunks(kept);
}
