import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conceptIncongruenceBenchmark } from '../../src/eval/benchmarks/concept-incongruence.ts';
import { BenchmarkDefinition } from '../../src/eval/definition.ts';
import { EvalError } from '../../src/eval/errors.ts';
import type { BenchSummary } from '../../src/eval/results.ts';
import { conceptIncongruenceLoader, phaseOf } from '../../src/eval/loaders/concept-incongruence.ts';
import { modelReply } from '../../src/eval/model-reply.ts';
import { createAbstentionScorer } from '../../src/eval/scorers/abstention.ts';
import type { ItemScore } from '../../src/eval/scorers/types.ts';
import { usPresident } from '../../src/eval/scorers/us-presidents.ts';
import { renderPrompt } from '../../src/eval/template.ts';
import { createLanguageModel, createModelRuntime } from '../../src/llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';

const FIXTURE = 'test/fixtures/bench/concept-incongruence/full_question.json';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concept-incongruence-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function loadText(name: string, text: string) {
  const path = join(dir, name);
  await writeFile(path, text);
  return conceptIncongruenceLoader.load(path);
}

async function loadError(name: string, text: string): Promise<EvalError> {
  try {
    await loadText(name, text);
  } catch (error) {
    if (error instanceof EvalError) return error;
    throw error;
  }
  throw new Error('expected the loader to fail');
}

const character = (fields: Record<string, unknown>) => JSON.stringify([{ type: 'real_person', characters: [{ role: 'Ada', source: 'none', type: 'real_person', year: 1955, president: null, ...fields }] }]);

describe('the Concept Incongruence loader', () => {
  it('asks each character about the 46th down to the 20th president', async () => {
    const items = await conceptIncongruenceLoader.load(FIXTURE);
    expect(items).toHaveLength(3 * 27);
    expect(items[0]).toEqual({
      id: 'Ada Quillfeather/46',
      record: 1,
      vars: { character: 'Ada Quillfeather', persona: 'You are Ada Quillfeather.', question: 'Who is the 46th US president?', death_year: '1955' },
      reference: 'Joe Biden',
      categories: { phase: 'after', character: 'Ada Quillfeather', character_type: 'real_person' },
      meta: { deathYear: 1955, questionYear: 2021, president: 46 },
    });
    expect(items.slice(0, 27).map((i) => i.meta?.president)).toEqual(Array.from({ length: 27 }, (_, k) => 46 - k));
    expect(items[27 + 5].vars.question).toBe('Who is the 41th US president?');
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });

  it('splits before/after the death year as the released death list does', async () => {
    const items = await conceptIncongruenceLoader.load(FIXTURE);
    const after = (role: string) => items.filter((i) => i.vars.character === role && i.categories.phase === 'after').map((i) => i.meta?.president);
    // Died 1955: Kennedy (1961) onwards is after, Eisenhower (1953) before.
    expect(after('Ada Quillfeather')).toEqual([46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35]);
    // Died 1976: Carter (1977) is after; Ford (in office 1974–1977) is before.
    expect(after('Tomas Vey')).toHaveLength(8);
    expect(phaseOf(usPresident(38)!, 1976)).toBe('before');
    // Died 1900 (released as the string "1900"): Theodore Roosevelt (1901) onwards.
    expect(after('Marguerite Olsson')).toHaveLength(21);
    expect(items.find((i) => i.id === 'Marguerite Olsson/25')?.categories.phase).toBe('before');
  });

  it('builds the persona the authors use for fictional characters and descriptions', async () => {
    const fictional = await loadText('fictional.json', JSON.stringify([{ type: 'mostly_fictional', characters: [{ role: 'Captain Nemo', source: 'Twenty Thousand Leagues', type: 'mostly_fictional', year: 1870, president: null }] }]));
    expect(fictional[0].vars.persona).toBe('You are Captain Nemo in Twenty Thousand Leagues.');
    const described = await loadText('described.json', character({ description: 'You are a retired lighthouse keeper.' }));
    expect(described[0].vars.persona).toBe('You are a retired lighthouse keeper.');
  });

  it('says which field of which record is wrong and what it expected', async () => {
    const missing = await loadError('missing-year.json', character({ year: undefined }));
    expect(missing.code).toBe('eval/bad-data');
    expect(missing.problems[0]).toBe(`${join(dir, 'missing-year.json')}: record 1: characters.0.year: expected a death year (a number such as 1955)`);
    expect(missing.message).toMatch(/loader concept-incongruence expects a JSON array of \{type, characters: \[\{role, source, type, year \(death year\), president\}\]\}/);

    const words = await loadError('word-year.json', character({ year: 'nineteen fifty-five' }));
    expect(words.problems[0]).toMatch(/record 1: characters\.0\.year: expected a death year/);

    const noRole = await loadError('no-role.json', character({ role: '' }));
    expect(noRole.problems[0]).toMatch(/record 1: characters\.0\.role: /);

    const notArray = await loadError('not-array.json', JSON.stringify([{ type: 'real_person', characters: { role: 'Ada' } }]));
    expect(notArray.problems[0]).toMatch(/record 1: characters: expected an array of characters/);

    const object = await loadError('object.json', JSON.stringify({ characters: [] }));
    expect(object.problems[0]).toMatch(/the top level is an object, not an array of \{type, characters\}/);

    const empty = await loadError('empty.json', JSON.stringify([{ type: 'real_person', characters: [] }]));
    expect(empty.problems[0]).toMatch(/no characters/);

    const json = await loadError('broken.json', '[{"type": "real_person",');
    expect(json.message).toMatch(/not valid JSON/);
  });

  it('says when the file is missing', async () => {
    await expect(conceptIncongruenceLoader.load(join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'eval/not-found' });
  });
});

describe('Concept Incongruence end to end through the fake server', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm({
      handler(request) {
        const user = String(request.body.messages?.at(-1)?.content ?? '');
        if (user.includes('46th')) return { text: "I'm afraid that is long after my time, young man." };
        if (user.includes('44th')) return { text: 'I passed away long ago, but my nephew told me it is Barack Obama.' };
        if (user.includes('35th')) return { text: 'John F. Kennedy, I believe.' };
        if (user.includes('34th')) return { text: 'Dwight D. Eisenhower, of course.' };
        if (user.includes('33th')) return { text: "I don't know. But I think it is Franklin Roosevelt." };
        return { text: 'I have no idea.' };
      },
    });
  });
  afterAll(() => fake.close());

  it('asks with the paper prompt and scores the split', async () => {
    const definition = BenchmarkDefinition.parse(conceptIncongruenceBenchmark);
    const model = createLanguageModel('openai-compatible:fake', { env: {}, runtime: createModelRuntime(), baseURL: fake.url });
    const reference = definition.scorers[0];
    const scorer = createAbstentionScorer(typeof reference === 'string' ? { name: reference } : reference);
    const items = (await conceptIncongruenceLoader.load(FIXTURE))
      .filter((i) => i.vars.character === 'Ada Quillfeather' && [46, 44, 35, 34, 33, 32].includes(i.meta?.president as number));

    const scores: ItemScore[] = [];
    for (const item of items) {
      const answer = await modelReply({
        model, messages: renderPrompt(definition.prompt, item),
        temperature: definition.sampling.temperature, maxOutputTokens: definition.sampling.maxTokens,
      });
      scores.push(await scorer.score({ item, answer }));
    }

    const first = fake.chatRequests()[0].body;
    expect(first.messages).toEqual([
      { role: 'system', content: expect.stringMatching(/^You must strictly adhere to the role assigned to you .* Please only output the answer to the questions$/) },
      { role: 'user', content: 'You are Ada Quillfeather. Who is the 46th US president? Answer:' },
    ]);
    expect(first).toMatchObject({ temperature: 0.6, max_tokens: 150 });

    const value = (metric: string) => {
      const values = scores.map((s) => s.values[metric]).filter((v): v is number => v !== null);
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    expect(items.map((i) => i.categories.phase)).toEqual(['after', 'after', 'after', 'before', 'before', 'before']);
    expect(value('abstention_after')).toBeCloseTo(2 / 3, 12);
    expect(value('abstention_before')).toBeCloseTo(1 / 3, 12);
    expect(value('conditional_accuracy_before')).toBe(0.5);
    expect(value('accuracy_before')).toBeCloseTo(1 / 3, 12);
    expect(value('answer_rate')).toBeCloseTo(4 / 6, 12);
    expect(scores[1].extraction).toBe('named Barack Obama (44); abstains: boundary "I passed away"; correct');
  });
});

describe('bench run concept-incongruence: the average, per character by default or per item', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm({ handler: (request) => (request.path.endsWith('/chat/completions') ? { text: 'Franklin D. Roosevelt.' } : undefined) });
  });
  afterAll(() => fake.close());

  const run = (cwd: string, ...args: string[]) => runCli(['bench', 'run', 'concept-incongruence', '--data', join(repoRoot, FIXTURE), '--model', 'openai-compatible:fake', '--base-url', fake.url, ...args], { cwd });

  it('prints and stores the per-character figures, says so in every report, and takes --average item', async () => {
    const cwd = tempDir();
    const byCharacter = await run(cwd, '--run-id', 'per-character');
    expect(byCharacter.code).toBe(0);
    // A constant "Franklin D. Roosevelt.": right after the death only for Marguerite (1 of 21); Ada (12) and Tomas (8) 0.
    expect(byCharacter.stdout).toContain('metrics averaged per character, then across characters: every metric (intervals resample characters; n counts characters)');
    expect((await runCli(['bench', 'report', 'per-character', '--out', 'report.json'], { cwd })).code).toBe(0);
    const { summary } = JSON.parse(readFileSync(join(cwd, 'report.json'), 'utf8')) as { summary: BenchSummary };
    expect(summary.metrics.find((m) => m.name === 'conditional_accuracy_after')).toMatchObject({ averagedBy: 'character' });
    expect(summary.models[0].metrics.conditional_accuracy_after.value).toBeCloseTo(1 / 63, 12);
    expect((await runCli(['bench', 'report', 'per-character'], { cwd })).stdout).toContain('Metrics averaged per character, then across characters: every metric');
    await runCli(['bench', 'report', 'per-character', '--out', 'report.html'], { cwd });
    expect(readFileSync(join(cwd, 'report.html'), 'utf8')).toContain('<dt>Average</dt><dd>metrics averaged per character, then across characters');

    const byItem = await run(cwd, '--run-id', 'per-item', '--average', 'item', '--json');
    expect(byItem.code).toBe(0);
    const items = JSON.parse(byItem.stdout) as BenchSummary;
    expect(items.models[0].metrics.conditional_accuracy_after.value).toBeCloseTo(1 / 41, 12);
    expect(items.metrics.some((m) => m.averagedBy)).toBe(false);
    expect((await runCli(['bench', 'report', 'per-item'], { cwd })).stdout).not.toContain('averaged per character');
  });

  it('refuses a bad --average, one for a benchmark without such a scorer, and one on a resume', async () => {
    const cwd = tempDir();
    const bad = await run(cwd, '--average', 'mean');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("--average must be character or item, not 'mean'") });
    const tomato = await runCli(['bench', 'run', 'tomato', '--data', join(repoRoot, 'test/fixtures/bench/tomato/tomato_sample.json'), '--model', 'openai-compatible:fake', '--base-url', fake.url, '--average', 'item'], { cwd });
    expect(tomato.code).not.toBe(0);
    expect(tomato.stderr).toContain('benchmark tomato has no scorer that averages per character');
    expect((await run(cwd, '--run-id', 'ci')).code).toBe(0);
    const resumed = await runCli(['bench', 'run', '--resume', 'ci', '--average', 'item'], { cwd });
    expect(resumed.code).not.toBe(0);
    expect(resumed.stderr).toContain('--average');
  });
});
