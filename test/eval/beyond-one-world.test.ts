import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beyondOneWorldCanonBenchmark } from '../../src/eval/benchmarks/beyond-one-world-canon.ts';
import { beyondOneWorldDilemmaBenchmark } from '../../src/eval/benchmarks/beyond-one-world-dilemma.ts';
import { BenchmarkDefinition } from '../../src/eval/definition.ts';
import { EvalError } from '../../src/eval/errors.ts';
import { readCanonOptions } from '../../src/eval/loaders/beyond-one-world-canon.ts';
import { parseCsv } from '../../src/eval/loaders/csv.ts';
import { loreParts } from '../../src/eval/loaders/beyond-one-world-version.ts';
import { beyondOneWorldCanonLoader, beyondOneWorldDilemmaLoader, beyondOneWorldLoader } from '../../src/eval/loaders/beyond-one-world.ts';
import { renderPrompt } from '../../src/eval/template.ts';
import { loadError } from './loader-support.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/bench/beyond-one-world');
const CANON = join(FIXTURES, 'characters_canon_events.json');
const DILEMMAS = join(FIXTURES, 'character_dilemmas.json');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'bow-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Writes a data file into a fresh folder of the scratch dir and returns its path. */
async function dataFile(name: string, content: unknown): Promise<string> {
  const folder = await mkdtemp(join(scratch, 'case-'));
  const path = join(folder, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}


describe('beyond-one-world loader on the release folder', () => {
  it('reads both tasks: canon questions first, then dilemmas, with stable unique ids', async () => {
    const items = await beyondOneWorldLoader.load(FIXTURES);
    expect(items.map((i) => i.id)).toEqual([
      'canon/1/childhood/1', 'canon/1/childhood/2', 'canon/1/pre-hero/1', 'canon/1/hero1/1',
      'canon/2/childhood/1', 'canon/2/hero1/1', 'canon/3/pre-hero/1',
      'dilemma/1/save-the-one-you-love-vs-save-the-greater-good-1', 'dilemma/1/hero-or-villain-1',
      'dilemma/2/duty-vs-personal-desire-2', 'dilemma/3/the-ends-justify-the-means-vs-moral-code-3',
    ]);
    expect(items.map((i) => i.record)).toEqual([1, 1, 1, 1, 2, 2, 3, 1, 2, 3, 4]);
  });

  it('makes canon questions multiple choice with the released answer letter as an index', async () => {
    const [first, second, third, fourth, fifth, sixth, seventh] = await beyondOneWorldCanonLoader.load(FIXTURES);
    expect(first).toMatchObject({
      vars: { name: 'Mara Vance “Ironclad”', lore: 'Cinematic Universe: The Heroes, ironclad rising (2019)', stage: 'Childhood' },
      options: ['Ran for the neighbours and waited outside', 'Went in with a wet blanket to save her notebooks', 'Called the fire brigade and filmed it', 'Hid in the garden shed'],
      answer: 1,
      categories: {
        task: 'canon',
        hero: 'Mara Vance “Ironclad”',
        version: 'Mara Vance “Ironclad” — Cinematic Universe: The Heroes, ironclad rising (2019)',
        universe: 'Cinematic Universe: The Heroes',
        stage: 'Childhood',
      },
      meta: { UID: 1, CID: 1, correct_answer: 'B' },
    });
    // A sub-question given as the first "option" belongs to the question.
    expect(second.vars.question).toBe('At sixteen you won a national robotics prize.\nwhat did you do with the prize money?');
    expect(second.answer).toBe(3);
    // A source name among the options is dropped (and kept in meta for the drill-down).
    expect(third.options).toHaveLength(4);
    expect(third.meta?.dropped).toEqual(['Hero Fandom Wiki']);
    // The annotator's answer marker does not reach the model.
    expect(fourth.options?.[1]).toBe('Refuse in front of the cameras: the armour is you');
    // Two options in one entry are split; the second version shares the hero label, not the version label.
    expect(fifth.options).toEqual(['Rebuild it and keep it.', 'Sell its parts for a new computer.', 'Report it to the scrapyard owner.', 'Leave it where it was.']);
    expect(fifth.categories).toMatchObject({ hero: 'Mara Vance “Ironclad”', version: 'Mara Vance “Ironclad” — Comics, Ironclad\'s Long Night (1988)', universe: 'Comics' });
    // A second question block pasted after the first is not read.
    expect(sixth.options).toEqual(['Share a crippled version of the design', 'Refuse and prepare for war', 'Share it openly to end the arms race', 'Ask the board to decide']);
    expect(sixth.answer).toBe(2);
    // A lower-case correct_answer is read.
    expect(seventh).toMatchObject({ answer: 0, categories: { hero: 'Leo Park "Web-Runner"', stage: 'Pre-Hero' } });
  });

  it('reads dilemmas with the scenario, the version and the profile attributes beside them', async () => {
    const items = await beyondOneWorldDilemmaLoader.load(FIXTURES);
    expect(items).toHaveLength(4);
    const [first, , third] = items;
    expect(first.vars).toMatchObject({
      name: 'Mara Vance “Ironclad”',
      lore: 'Cinematic Universe: The Heroes, ironclad rising (2019)',
      attributes: 'Age:34, Power:Exoskeleton armour, Mbti:ENTJ, Race:Human',
      background: 'Cinematic Universe: The Heroes, ironclad rising (2019), Age:34, Power:Exoskeleton armour, Mbti:ENTJ, Race:Human',
      choice_A: 'Fly upstream to pull her brother out of the control room.',
      question: 'What will you choose between A) Save the One You Love vs B) Save the Greater Good',
      dilemma_type: 'Save the One You Love vs. Save the Greater Good',
    });
    expect(first.vars.dilemma).toBe(
      'A collapsing dam threatens the valley town while Mara\'s brother is trapped in the flooded control room upstream.\n'
      + 'Choice A: Fly upstream to pull her brother out of the control room. Consequence A: Her brother lives, but the dam gives way and the lower town floods.\n'
      + 'Choice B: Stay at the dam and brace the wall with the armour to hold the water back. Consequence B: The town is saved, but her brother is lost to the water.',
    );
    expect(first.options).toBeUndefined();
    expect(first.answer).toBeUndefined();
    expect(first.categories).toEqual({
      task: 'dilemma',
      hero: 'Mara Vance “Ironclad”',
      version: 'Mara Vance “Ironclad” — Cinematic Universe: The Heroes, ironclad rising (2019)',
      universe: 'Cinematic Universe: The Heroes',
      dilemma_type: 'Save the One You Love vs. Save the Greater Good',
    });
    expect(first.meta).toMatchObject({
      UID: 1, CID: 1, dilemma_type: 'Save the One You Love vs. Save the Greater Good_1', iteration: 1,
      choices: ['Fly upstream to pull her brother out of the control room.', 'Stay at the dam and brace the wall with the armour to hold the water back.'],
    });
    // The canon file and the dilemma file give one version the same label (here through a Python-list lore string).
    expect(third.categories.version).toBe('Mara Vance “Ironclad” — Comics, Ironclad\'s Long Night (1988)');
  });

  it('reads one file of the release; a dilemma file finds the profiles beside it', async () => {
    expect((await beyondOneWorldLoader.load(CANON)).every((i) => i.categories.task === 'canon')).toBe(true);
    const dilemmas = await beyondOneWorldDilemmaLoader.load(DILEMMAS);
    expect(dilemmas[3].vars.attributes).toBe('Age:17, Power:Web network, Mbti:ENFP');
    const alone = await dataFile('character_dilemmas.json', await readFile(DILEMMAS, 'utf8'));
    const withoutProfiles = await beyondOneWorldDilemmaLoader.load(alone);
    expect(withoutProfiles[3].vars).toMatchObject({ attributes: '', background: 'Animated Series, Web-Runner: Neon City (2021)' });
  });

  it('finds renamed release files in a folder by their records', async () => {
    const folder = await mkdtemp(join(scratch, 'renamed-'));
    await writeFile(join(folder, 'train.json'), await readFile(DILEMMAS, 'utf8'));
    await writeFile(join(folder, 'notes.json'), '{"not": "data"');
    expect(await beyondOneWorldDilemmaLoader.load(folder)).toHaveLength(4);
  });
});

describe('beyond-one-world loader errors', () => {
  it('names the record, the field and what was expected for a dilemma in the wrong format', async () => {
    const records = JSON.parse(await readFile(DILEMMAS, 'utf8')) as Record<string, unknown>[];
    delete records[1].choice_B;
    records[2].iteration = 'two';
    const path = await dataFile('character_dilemmas.json', records);
    const error = await loadError(beyondOneWorldDilemmaLoader.load(path));
    expect(error.code).toBe('eval/bad-data');
    expect(error.problems[0]).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: record 2: choice_B: `));
    expect(error.problems[1]).toContain('record 3: iteration: ');
    expect(error.problems.at(-1)).toMatch(/^loader beyond-one-world-dilemma expects .*character_dilemmas\.json/);
  });

  it('names the nested field of a canon question in the wrong format', async () => {
    const versions = JSON.parse(await readFile(CANON, 'utf8')) as { Events: Record<string, Record<string, unknown>[]> }[];
    versions[1].Events.Hero1[0].options = 'A) yes, B) no';
    const error = await loadError(beyondOneWorldCanonLoader.load(await dataFile('characters_canon_events.json', versions)));
    expect(error.message).toContain('record 2: Events.Hero1.0.options: ');
    expect(error.message).toContain('loader beyond-one-world-canon expects');
  });

  it('refuses an answer letter beyond the options, naming the record and the question', async () => {
    const versions = JSON.parse(await readFile(CANON, 'utf8')) as { Events: Record<string, Record<string, unknown>[]> }[];
    versions[0].Events.Childhood[1].correct_answer = 'E';
    versions[2].Events['Pre-Hero'][0].correct_answer = 'maybe';
    const error = await loadError(beyondOneWorldLoader.load(await dataFile('characters_canon_events.json', versions)));
    expect(error.code).toBe('eval/bad-data');
    expect(error.problems[0]).toMatch(/record 1: Events\.Childhood\.1\.correct_answer: the answer E is out of range: the question has 4 options \(A–D\)$/);
    expect(error.problems[1]).toMatch(/record 3: Events\.Pre-Hero\.0\.correct_answer: expected one option letter A–D, got "maybe"$/);
  });

  it('says which file it is when a task loader gets the other task, and what it expected for unknown data', async () => {
    const wrongTask = await loadError(beyondOneWorldCanonLoader.load(DILEMMAS));
    expect(wrongTask.message).toContain("this is Beyond One World's dilemma file (character_dilemmas.json), not the canon file (characters_canon_events.json)");
    const unknown = await loadError(beyondOneWorldLoader.load(await dataFile('data.json', [{ q: 'x', a_idx: 0 }])));
    expect(unknown.message).toContain('record 1 has fields q, a_idx; expected canon-event versions (UID, Name, CID, Source, Events) or dilemmas');
    const object = await loadError(beyondOneWorldLoader.load(await dataFile('data.json', { Events: {} })));
    expect(object.message).toContain('the top level is object, not an array');
  });

  it('reports a missing path and a folder without the release files as not found', async () => {
    expect((await loadError(beyondOneWorldLoader.load(join(scratch, 'nope')))).code).toBe('eval/not-found');
    const empty = join(scratch, 'empty');
    await mkdir(empty);
    const error = await loadError(beyondOneWorldLoader.load(empty));
    expect(error.code).toBe('eval/not-found');
    expect(error.message).toContain('no characters_canon_events.json or character_dilemmas.json in this folder');
  });

  it('refuses a profile file without the CID and Attributes columns', async () => {
    const path = await dataFile('character_dilemmas.json', await readFile(DILEMMAS, 'utf8'));
    await writeFile(join(path, '..', 'heros_profile_aa.csv'), 'UID,Name\n1,x\n');
    expect((await loadError(beyondOneWorldDilemmaLoader.load(path))).message).toContain('lacks a CID or an Attributes column');
  });
});

describe('readCanonOptions', () => {
  it('refuses labels out of order', () => {
    expect(readCanonOptions('q', ['A) a', 'C) c', 'D) d'])).toEqual({ ok: false, problem: 'expected the options labelled A), B)… in order, but "C) c" is labelled C where B was due' });
  });

  it('reads options without labels in order, and (A) / A: labels', () => {
    expect(readCanonOptions('q', ['yes', 'no'])).toEqual({ ok: true, question: 'q', options: ['yes', 'no'], dropped: [] });
    expect(readCanonOptions('q', ['(A) yes', 'B: no (***)'])).toMatchObject({ ok: true, options: ['yes', 'no'] });
  });

  it('needs two options', () => {
    expect(readCanonOptions('q', ['Wikipedia', 'A) only'])).toEqual({ ok: false, problem: 'expected at least two options labelled A), B)…, found 1' });
  });
});

describe('loreParts and parseCsv', () => {
  it.each([
    [['MCU: The Heroes', 'avengers endgame(2019)'], ['MCU: The Heroes', 'avengers endgame(2019)']],
    ["['MCU: The Heroes','avengers endgame(2019)']", ['MCU: The Heroes', 'avengers endgame(2019)']],
    ["['marvel game','Marvel's Guardians of the Galaxy (2021)']", ['marvel game', "Marvel's Guardians of the Galaxy (2021)"]],
    ['["marvel game","Marvel"s Guardians of the Galaxy (2021)"]', ['marvel game', "Marvel's Guardians of the Galaxy (2021)"]],
    ["[''DC Animated Universe','Young Justice (2010)']", ['DC Animated Universe', 'Young Justice (2010)']],
    [['DC Comics', 'Mainstream Universe\u200e\u200e 2011\u200e-present'], ['DC Comics', 'Mainstream Universe 2011-present']],
    ['Earth-2', ['Earth-2']],
  ])('reads %j', (lore, parts) => {
    expect(loreParts(lore)).toEqual(parts);
  });

  it('parses quoted fields with commas, newlines and doubled quotes', () => {
    expect(parseCsv('a,b\r\n1,"x, ""y""\nz"\n\n')).toEqual({ header: ['a', 'b'], rows: [['1', 'x, "y"\nz']] });
  });
});

describe('built-in benchmarks', () => {
  it('are valid definitions whose prompts follow the authors\' prompts', async () => {
    const canon = BenchmarkDefinition.parse(beyondOneWorldCanonBenchmark);
    const dilemma = BenchmarkDefinition.parse(beyondOneWorldDilemmaBenchmark);
    const [question] = await beyondOneWorldCanonLoader.load(FIXTURES);
    expect(renderPrompt(canon.prompt, question)).toEqual([{
      role: 'user',
      content: 'You are playing the role of Mara Vance “Ironclad”, act and think as Mara Vance “Ironclad”, from Cinematic Universe: The Heroes, ironclad rising (2019)\n'
        + ' <question> When you were nine, your mother\'s lab caught fire while she was away. What did you do?\n'
        + 'A) Ran for the neighbours and waited outside\nB) Went in with a wet blanket to save her notebooks\nC) Called the fire brigade and filmed it\nD) Hid in the garden shed <question/>\n'
        + 'Answer with the letter of your choice: A, B, C or D.',
    }]);
    const [, , , surveillance] = await beyondOneWorldDilemmaLoader.load(FIXTURES);
    const [message] = renderPrompt(dilemma.prompt, surveillance);
    expect(message.content).toMatch(/^You are playing the role of Leo Park "Web-Runner", act and think as Leo Park "Web-Runner", from Animated Series, Web-Runner: Neon City \(2021\), Age:17, Power:Web network, Mbti:ENFP, the situation is Leo can stop/);
    expect(message.content).toContain(' <question> What will you choose between A) The Ends Justify the Means vs. B) Moral Code <question/>\n');
    expect(message.content).toContain('<thinking>…</thinking>');
    expect(message.content).not.toMatch(/\{\{/);
  });
});
