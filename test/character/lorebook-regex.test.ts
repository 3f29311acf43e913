import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCharacterJson } from '../../src/character/card-parse.ts';
import { formatInspection, inspectCharacter } from '../../src/character/inspect.ts';
import { activateLorebook, type ActivationResult } from '../../src/character/lorebook-activation.ts';
import { lorebookKeyProblems } from '../../src/character/lorebook-key-problems.ts';
import { readLorebookFile } from '../../src/character/lorebook-file.ts';
import type { Lorebook, LorebookEntry } from '../../src/character/schema.ts';
import { parseSceneText } from '../../src/scene/scene-file.ts';
import { countTokens } from '../../src/text/tokens.ts';
import { tempDir } from '../support/cli.ts';

function entry(overrides: Partial<LorebookEntry> = {}): LorebookEntry {
  return { keys: [], content: 'content', extensions: {}, enabled: true, insertion_order: 100, use_regex: false, ...overrides };
}
const book = (entries: LorebookEntry[]): Lorebook => ({ extensions: {}, entries });
const names = (result: ActivationResult) => result.activated.map((item) => item.entry.name);
const activate = (lorebook: Lorebook, messages: string[]) => activateLorebook(lorebook, { messages, countTokens: (text) => text.length, tokenBudget: Infinity });

describe('regex keys run in linear time', () => {
  it('matches /(a+)+$/ against 10,000 a\'s and a 27-character message without backtracking', () => {
    const lorebook = book([entry({ name: 'evil', keys: ['/(a+)+$/'] })]);
    // On a backtracking engine each of these takes from seconds (27 characters) to forever (10,001).
    expect(names(activate(lorebook, [`${'a'.repeat(26)}!`]))).toEqual([]);
    expect(names(activate(lorebook, [`${'a'.repeat(10_000)}!`]))).toEqual([]);
    expect(names(activate(lorebook, ['a'.repeat(10_000)]))).toEqual(['evil']);
  });

  it('scans a 10,000-entry book of such keys', () => {
    const entries = Array.from({ length: 10_000 }, (_, index) => entry({ name: `e${index}`, keys: [index % 2 ? '/(a+)+$/' : `/(a+)+x${index}$/`] }));
    const lorebook = book(entries);
    const message = `${'a'.repeat(2_000)}!`;
    expect(activate(lorebook, [message]).activated).toEqual([]);
    expect(activate(lorebook, ['a'.repeat(2_000)]).activated).toHaveLength(5_000);
  });

  it('finds a book\'s regex keys in one pass, and sees keys changed since', () => {
    const lorebook = book([entry({ name: 'wolf', keys: ['/wol(f|ves)/i'] }), entry({ name: 'bear', keys: ['/bears?/'] }), entry({ name: 'plain', keys: ['owl'] })]);
    expect(names(activate(lorebook, ['Two WOLVES and an owl']))).toEqual(['wolf', 'plain']);
    lorebook.entries[1].keys = ['/\\bbowls?\\b/'];
    expect(names(activate(lorebook, ['bears and bowls']))).toEqual(['bear', 'plain']);
    expect(names(activate(lorebook, ['bears']))).toEqual([]);
  });

  it('translates the flags SillyTavern keys use: i, m, s and u; g and y are ignored', () => {
    const lorebook = book([
      entry({ name: 'i', keys: ['/sword/i'] }),
      entry({ name: 'm', keys: ['/^moon$/m'] }),
      entry({ name: 's', keys: ['/star.dust/s'] }),
      entry({ name: 'u', keys: ['/\\u{1F409}/u'] }),
      entry({ name: 'gy', keys: ['/orb/gy'] }),
    ]);
    expect(names(activate(lorebook, ['a SWORD'])).sort()).toEqual(['i']);
    expect(names(activate(lorebook, ['new\nmoon\nrising']))).toEqual(['m']);
    expect(names(activate(lorebook, ['star\ndust']))).toEqual(['s']);
    expect(names(activate(lorebook, ['a 🐉 sleeps']))).toEqual(['u']);
    for (let attempt = 0; attempt < 3; attempt++) expect(names(activate(lorebook, ['the orb', 'orb']))).toEqual(['gy']);
  });

  it('keeps JavaScript meanings where RE2 differs: . and \\s, [^] and [], named groups, \\u escapes', () => {
    const lorebook = book([
      entry({ name: 'dot', keys: ['/a.b/'] }),
      entry({ name: 'space', keys: ['/x\\sy/'] }),
      entry({ name: 'any', keys: ['/q[^]r/'] }),
      entry({ name: 'none', keys: ['/z[]/'] }),
      entry({ name: 'named', keys: ['/(?<beast>wolf|bear)!/'] }),
      entry({ name: 'escape', keys: ['/\\u00e9t\\u00e9/'] }),
    ]);
    expect(names(activate(lorebook, ['a\rb']))).toEqual([]);
    expect(names(activate(lorebook, ['x\u00a0y']))).toEqual(['space']);
    expect(names(activate(lorebook, ['q\nr z']))).toEqual(['any']);
    expect(names(activate(lorebook, ['bear! été']))).toEqual(['named', 'escape']);
  });

  it('skips keys the linear-time engine cannot express, and reports why', () => {
    const lorebook = book([
      entry({ name: 'backref', keys: ['/(\\w+) \\1/'] }),
      entry({ name: 'named-backref', keys: ['/(?<w>\\w+) \\k<w>/'] }),
      entry({ name: 'ahead', keys: ['/foo(?=bar)/'] }),
      entry({ name: 'behind', keys: ['/(?<!un)seen/'] }),
      entry({ name: 'huge', keys: ['/a{2000}/'] }),
      entry({ name: 'fine', keys: ['/the the/', 'plain'] }),
    ]);
    const result = activate(lorebook, ['the the foobar seen aa']);
    // A backtracking engine would match all of them; none runs.
    expect(names(result)).toEqual(['fine']);
    expect(result.errors.map((error) => [error.code, error.key])).toEqual([
      ['unsupported_regex', '/(\\w+) \\1/'], ['unsupported_regex', '/(?<w>\\w+) \\k<w>/'], ['unsupported_regex', '/foo(?=bar)/'],
      ['unsupported_regex', '/(?<!un)seen/'], ['unsupported_regex', '/a{2000}/'],
    ]);
    expect(lorebookKeyProblems(lorebook).map((problem) => problem.reason)).toEqual([
      'a backreference \\1', 'a backreference \\k<w>', 'a lookahead (?=…)', 'a negative lookbehind (?<!…)', expect.stringMatching(/^RE2 cannot compile it: .*repeat count/),
    ]);
  });
});

describe('skipped keys are reported when a book is loaded', () => {
  const cardWith = (keys: string[]) => ({
    spec: 'chara_card_v2', spec_version: '2.0',
    data: {
      name: 'Regex', description: '', personality: '', scenario: '', first_mes: '', mes_example: '', creator_notes: '', system_prompt: '',
      post_history_instructions: '', alternate_greetings: [], tags: [], creator: '', character_version: '', extensions: {},
      character_book: { extensions: {}, entries: [{ keys, content: 'c', extensions: {}, enabled: true, insertion_order: 1, comment: 'Echo' }] },
    },
  });

  it('on card import and in card inspect', () => {
    const loaded = parseCharacterJson(cardWith(['echo', '/(\\w+) \\1/']), { path: 'echo.json' });
    expect(loaded.warnings).toEqual([
      'data.character_book.entries[0].keys[1]: regex /(\\w+) \\1/ is skipped (never matched): a backreference \\1 needs a backtracking engine, '
      + 'which Dramatis never runs on card patterns; rewrite the key without it',
    ]);
    const inspection = inspectCharacter(loaded, countTokens);
    expect(inspection.lorebook?.skippedKeys).toEqual([{ entry: 0, field: 'keys', key: '/(\\w+) \\1/', reason: 'a backreference \\1' }]);
    expect(formatInspection(inspection)).toContain('warnings (1):\n  - data.character_book.entries[0].keys[1]: regex /(\\w+) \\1/ is skipped (never matched): a backreference \\1');
  });

  it('in a lorebook file', async () => {
    const path = join(tempDir(), 'world.json');
    writeFileSync(path, JSON.stringify({ entries: { 0: { uid: 0, key: ['/foo(?!bar)/'], content: 'x', comment: 'Foo' } } }));
    const { warnings } = await readLorebookFile(path);
    expect(warnings).toContain('entries[0].keys[0]: regex /foo(?!bar)/ is skipped (never matched): a negative lookahead (?!…) needs a backtracking engine, which Dramatis never runs on card patterns; rewrite the key without it');
  });

  it('for a scene cast member', async () => {
    const scene = await parseSceneText(`title: T
cast:
  - character:
      name: Ann
      character_book:
        extensions: {}
        entries:
          - { keys: ['/(a)\\1/'], content: x, extensions: {}, enabled: true, insertion_order: 1 }
  - character: { name: Bob }
`, { file: 'scene.yaml', baseDir: tempDir() });
    expect(scene.warnings).toEqual([
      'scene.yaml:3: cast[0] (Ann): character_book.entries[0].keys[0]: regex /(a)\\1/ is skipped (never matched): a backreference \\1 '
      + 'needs a backtracking engine, which Dramatis never runs on card patterns; rewrite the key without it',
    ]);
  });
});
