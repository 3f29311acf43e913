import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import extractChunks from 'png-chunks-extract';
import pngText from 'png-chunk-text';
import { describe, expect, it } from 'vitest';
import { toCardJson } from '../../src/character/card-export.ts';
import { parseCharacterBytes, parseCharacterJson, readCharacterFile } from '../../src/character/card-parse.ts';
import { writeCharacterFile } from '../../src/character/card-write.ts';
import { formatInspection, inspectCharacter } from '../../src/character/inspect.ts';
import { activateLorebook, renderActivatedEntries } from '../../src/character/index.ts';
import { readLorebookFile } from '../../src/character/lorebook-file.ts';
import { writeCardPng } from '../../src/character/png.ts';
import type { Lorebook } from '../../src/character/schema.ts';
import { countTokens } from '../../src/text/tokens.ts';
import { cardError } from '../support/card-error.ts';
import { runCli, tempDir } from '../support/cli.ts';

/**
 * A character exported by SillyTavern as a V2 PNG card with a 4-entry character book, and the same lore as a
 * SillyTavern world-info file: the repository's invented export (test/fixtures/cards) and SillyTavern's own default
 * card (the real-data suite) go through the same tests, each with its own figures.
 */
export interface SillyTavernExport {
  cardPath: string;
  worldPath: string;
  name: string;
  creator: string;
  characterVersion: string;
  /** The PNG file's size. */
  imageBytes: number;
  /** A size that the card written to PNG again with its picture exceeds. */
  copiedPictureBytes: number;
  /** The card's text fields that are not empty, in inspection order. */
  textFields: string[];
  extensions: Record<string, unknown>;
  topLevel: Record<string, unknown>;
  book: {
    name: string;
    firstEntryKeys: string[];
    secondEntryKeys: string[];
    /** Each entry's first key. */
    leadingKeys: string[];
  };
  /** Messages that bring up the first entry (matched by one of `matchedKeys`), and a sentence of its content. */
  activation: { messages: string[]; matchedKeys: string[]; renderedText: string };
  /** A message that activates the first entry, whose content activates the second one. */
  recursion: { messages: string[] };
}

export function describeSillyTavernExport(title: string, sample: SillyTavernExport): void {
  const cardBytes = () => new Uint8Array(readFileSync(sample.cardPath));
  const [firstKey] = sample.book.firstEntryKeys;
  const [secondKey] = sample.book.secondEntryKeys;

  describe(`${title}: readCharacterFile`, () => {
    it('imports name, lorebook and SillyTavern quirks with precise warnings', async () => {
      const loaded = await readCharacterFile(sample.cardPath);
      const { character, source, warnings } = loaded;
      expect(character.name).toBe(sample.name);
      expect(character.creator).toBe(sample.creator);
      expect(source).toMatchObject({ path: sample.cardPath, format: 'png', spec: 'v2' });
      expect(source.image?.byteLength).toBe(sample.imageBytes);

      const book = character.character_book!;
      expect(book.name).toBe(sample.book.name);
      expect(book.entries).toHaveLength(4);
      expect(book.extensions).toEqual({});
      expect(book.entries[0]).toMatchObject({ id: 0, keys: sample.book.firstEntryKeys, insertion_order: 100, enabled: true, use_regex: false, position: 'before_char' });
      expect(book.entries[0].extensions).toEqual({ position: 0, probability: null, useProbability: false });

      // extensions are lossless: the numeric string stays a string
      expect(character.extensions.talkativeness).toBe(sample.extensions.talkativeness);
      expect(character.extensions.fav).toBe(sample.extensions.fav);
      expect(character.extensions.world).toBe(sample.extensions.world);
      // SillyTavern's top-level keys are kept for export
      expect(character.extensions.dramatis_top_level).toEqual(sample.topLevel);
      expect(source.extraTopLevel).toEqual(character.extensions.dramatis_top_level);

      expect(warnings).toContain('data.character_book.extensions: missing, set to {}');
      expect(warnings.some((w) => w.startsWith('data.extensions.talkativeness:') && w.includes('kept as is'))).toBe(true);
      expect(warnings).toHaveLength(2);
    });
  });

  describe(`${title}: inspection`, () => {
    it('inspectCharacter summarizes the card', async () => {
      const loaded = await readCharacterFile(sample.cardPath);
      const inspection = inspectCharacter(loaded, countTokens);
      expect(inspection).toMatchObject({ name: sample.name, spec: 'v2', format: 'png', creator: sample.creator, characterVersion: sample.characterVersion, tags: [], research: [] });
      expect(inspection.fields.map((f) => f.field)).toEqual(sample.textFields);
      const description = inspection.fields[0];
      expect(description.chars).toBe(loaded.character.description.length);
      expect(description.tokens).toBe(countTokens(loaded.character.description));
      expect(inspection.totalTokens).toBe(inspection.fields.reduce((n, f) => n + f.tokens, 0));
      expect(inspection.greetings).toEqual({ first: true, alternate: 0, groupOnly: 0 });
      expect(inspection.lorebook).toMatchObject({ name: sample.book.name, entryCount: 4 });
      expect(inspection.lorebook!.entries[1]).toEqual({
        id: 1, keys: sample.book.secondEntryKeys, secondaryKeys: [], constant: false, enabled: true,
        position: 'before_char', tokens: countTokens(loaded.character.character_book!.entries[1].content),
      });
      expect(inspection.extensionKeys).toEqual([...Object.keys(sample.extensions), 'dramatis_top_level']);
      expect(inspection.topLevelKeys).toEqual(Object.keys(sample.topLevel));
      expect(inspection.warnings).toEqual(loaded.warnings);
    });

    it('formatInspection renders aligned plain text', async () => {
      const loaded = await readCharacterFile(sample.cardPath);
      const text = formatInspection(inspectCharacter(loaded, countTokens));
      const lines = text.split('\n');
      expect(lines[0]).toBe(`${sample.name} — V2 card (png)  ${sample.cardPath}`);
      expect(text).toContain(`lorebook "${sample.book.name}": 4 entries`);
      expect(text).toContain('warnings (2):');
      expect(text).toContain('  - data.character_book.extensions: missing, set to {}');
      expect(text).not.toMatch(/\u001b\[/); // no colours

      // numbers are right-aligned: the tokens column ends at the same place on every row of the fields table
      const header = lines.findIndex((line) => line.trim().startsWith('field'));
      const rows = lines.slice(header, header + sample.textFields.length + 2);
      expect(new Set(rows.map((row) => row.length)).size).toBe(1);
      const entryHeader = lines.findIndex((line) => line.trim().startsWith('id'));
      const entryRows = lines.slice(entryHeader, entryHeader + 5);
      expect(new Set(entryRows.map((row) => row.indexOf(row.trim().split(/\s+/)[1])))).toEqual(new Set([entryRows[0].indexOf('keys')]));
    });
  });

  describe(`${title}: PNG`, () => {
    it('round-trips the card: PNG → JSON v3 → PNG → parse, equal at the Character level', () => {
      const original = parseCharacterBytes(cardBytes(), { path: 'card.png' });
      const json = toCardJson(original.character, 'v3');
      // SillyTavern's top-level keys go back to the top level, and out of extensions
      expect(json).toMatchObject({ spec: 'chara_card_v3', spec_version: '3.0', avatar: 'none', talkativeness: sample.topLevel.talkativeness, creatorcomment: expect.any(String) });
      expect((json.data as { extensions: Record<string, unknown> }).extensions).toEqual(sample.extensions);

      const fromJson = parseCharacterJson(JSON.parse(JSON.stringify(json)));
      expect(fromJson.character).toEqual(original.character);

      const png = writeCardPng(fromJson.character, { image: original.source.image });
      const reread = parseCharacterBytes(png, { path: 'out.png' });
      expect(reread.source.spec).toBe('v3'); // ccv3 preferred
      expect(reread.character).toEqual(original.character);

      // the picture is kept: same IHDR and IDAT
      const picture = (bytes: Uint8Array) => Buffer.concat(extractChunks(bytes).filter((c) => c.name === 'IHDR' || c.name === 'IDAT').map((c) => c.data));
      expect(picture(png).equals(picture(cardBytes()))).toBe(true);
      // one chara and one ccv3 chunk, before IEND; the V2 chunk reads back the same character
      const names = extractChunks(png).map((c) => (c.name === 'tEXt' ? pngText.decode(c.data).keyword : c.name));
      expect(names).toEqual(['IHDR', 'IDAT', 'chara', 'ccv3', 'IEND']);
      const chara = extractChunks(png).find((c) => c.name === 'tEXt' && pngText.decode(c.data).keyword === 'chara')!;
      const v2 = parseCharacterJson(JSON.parse(Buffer.from(pngText.decode(chara.data).text, 'base64').toString('utf8')));
      expect(v2.source.spec).toBe('v2');
      expect(v2.character).toEqual(original.character);
    });

    it('refuses the card cut in half (truncated PNG)', () => {
      const bytes = cardBytes();
      const error = cardError(() => parseCharacterBytes(bytes.subarray(0, bytes.length >> 1), { path: 'half.png' }));
      expect(error.code).toBe('card/truncated-png');
      expect(error.message).toMatch(/^half\.png: /);
    });

    it('refuses the card with a corrupted byte (bad CRC)', () => {
      const bytes = cardBytes().slice();
      bytes[100] ^= 0xff;
      const error = cardError(() => parseCharacterBytes(bytes, { path: 'crc.png' }));
      expect(error.code).toBe('card/truncated-png');
      expect(error.message).toContain('CRC');
    });

    it('writeCharacterFile writes PNG keeping the source picture (card convert a.png b.png)', async () => {
      const loaded = await readCharacterFile(sample.cardPath);
      const path = join(tempDir(), 'copy.png');
      await writeCharacterFile(path, loaded.character, { image: loaded.source.image });
      const reread = await readCharacterFile(path);
      expect(reread.character).toEqual(loaded.character);
      expect(reread.source.image!.byteLength).toBeGreaterThan(sample.imageBytes);
    });
  });

  describe(`${title}: the world-info file`, () => {
    it('readLorebookFile reads the SillyTavern world info', async () => {
      const { lorebook, format, warnings } = await readLorebookFile(sample.worldPath);
      expect(format).toBe('sillytavern-world-info');
      expect(warnings).toEqual([]);
      expect(lorebook.name).toBe(sample.book.name); // from the file name
      expect(lorebook.extensions).toEqual({});
      expect(lorebook.entries).toHaveLength(4);
      expect(lorebook.entries[0]).toMatchObject({
        id: 0, keys: sample.book.firstEntryKeys, secondary_keys: [], comment: '', name: '',
        constant: false, selective: false, insertion_order: 100, enabled: true, position: 'before_char', use_regex: false,
        extensions: { position: 0 },
      });
      expect(lorebook.entries.map((e) => e.keys[0])).toEqual(sample.book.leadingKeys);
    });

    it('matches the lorebook embedded in the card (same lore, two formats)', async () => {
      const world = (await readLorebookFile(sample.worldPath)).lorebook;
      const card = (await readCharacterFile(sample.cardPath)).character.character_book!;
      const core = (entries: typeof world.entries) => entries.map(({ id, keys, secondary_keys, content, constant, selective, insertion_order, enabled, position }) => ({ id, keys, secondary_keys, content, constant, selective, insertion_order, enabled, position }));
      expect(core(world.entries)).toEqual(core(card.entries));
    });

    it('refuses the card given as a lorebook', async () => {
      await expect(readLorebookFile(sample.cardPath)).rejects.toMatchObject({ code: 'lorebook/bad-format' });
    });
  });

  describe(`${title}: lorebook activation`, () => {
    interface StEntry {
      key: string[];
      keysecondary: string[];
      content: string;
      constant: boolean;
      selective: boolean;
      order: number;
      position: number;
      disable: boolean;
      comment: string;
    }
    const world = () => JSON.parse(readFileSync(sample.worldPath, 'utf8')) as { entries: Record<string, StEntry> };
    // A minimal mapping for this test only; the real converter lives elsewhere.
    const lorebook = (): Lorebook => ({
      name: sample.book.name,
      extensions: {},
      entries: Object.values(world().entries).map((st) => ({
        keys: st.key,
        secondary_keys: st.keysecondary,
        content: st.content,
        constant: st.constant,
        selective: st.selective,
        insertion_order: st.order,
        position: st.position === 0 ? 'before_char' : 'after_char',
        enabled: !st.disable,
        comment: st.comment,
        use_regex: false,
        extensions: {},
      })),
    });

    it('activates the first entry when its subject comes up', () => {
      const result = activateLorebook(lorebook(), { messages: sample.activation.messages });
      const activated = result.activated.find((item) => item.entry.keys.includes(firstKey));
      expect(activated).toMatchObject({ reason: 'key', round: 0 });
      expect(sample.activation.matchedKeys).toContain(activated?.matchedKey);
      expect(result.errors).toEqual([]);
      expect(result.tokens).toBeGreaterThan(100);
      expect(result.tokens).toBeLessThanOrEqual(2048);
      expect(renderActivatedEntries(result, 'before_char')).toContain(sample.activation.renderedText);
    });

    it('activates nothing for unrelated small talk', () => {
      expect(activateLorebook(lorebook(), { messages: ['Hi!', 'What is your name?'] }).activated).toEqual([]);
    });

    it('follows the first entry to the second through recursion', () => {
      const result = activateLorebook(lorebook(), { messages: sample.recursion.messages, recursive: true, tokenBudget: Infinity });
      const second = result.activated.find((item) => item.entry.keys.includes(secondKey));
      expect(second).toMatchObject({ reason: 'recursion', round: 1 });
    });
  });

  describe(`${title}: dramatis card`, () => {
    it('inspects the card: spec, token counts, lorebook, repaired quirks', async () => {
      const { code, stdout } = await runCli(['card', 'inspect', sample.cardPath]);
      expect(code).toBe(0);
      expect(stdout).toContain(sample.name);
      expect(stdout).toMatch(/v2/i);
      expect(stdout).toContain(sample.book.name);
      expect(stdout).toMatch(/4 entr/);
      expect(stdout).toMatch(/tokens/i);
      expect(stdout).toMatch(/extensions/i);
    });

    it('prints the whole normalized character with --json', async () => {
      const { code, stdout, stderr } = await runCli(['card', 'inspect', sample.cardPath, '--json']);
      expect(code).toBe(0);
      const character = JSON.parse(stdout);
      expect(character.name).toBe(sample.name);
      expect(character.character_book.entries).toHaveLength(4);
      expect(character.extensions.talkativeness).toBe(sample.extensions.talkativeness);
      expect(character.extensions.dramatis_top_level).toBeDefined();
      expect(stderr).toMatch(/warning: .*character_book/);
    });

    it('converts PNG → JSON (v3) → PNG (v2) and reads back the same character', async () => {
      const dir = tempDir();
      expect((await runCli(['card', 'convert', sample.cardPath, 'card.json', '--spec', 'v3'], { cwd: dir })).code).toBe(0);
      const json = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));
      expect(json.spec).toBe('chara_card_v3');
      expect(json.data.character_book.entries).toHaveLength(4);
      expect((await runCli(['card', 'convert', 'card.json', 'again.png', '--spec', 'v2'], { cwd: dir })).code).toBe(0);
      const original = JSON.parse((await runCli(['card', 'inspect', sample.cardPath, '--json'])).stdout);
      const again = JSON.parse((await runCli(['card', 'inspect', join(dir, 'again.png'), '--json'])).stdout);
      expect(again).toEqual(original);
    });

    it('keeps the picture when converting PNG → PNG', async () => {
      const dir = tempDir();
      expect((await runCli(['card', 'convert', sample.cardPath, 'copy.png'], { cwd: dir })).code).toBe(0);
      const size = readFileSync(join(dir, 'copy.png')).length;
      expect(size).toBeGreaterThan(sample.copiedPictureBytes);
    });
  });
}
