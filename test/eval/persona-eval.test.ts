import { mkdtemp } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personaEvalBenchmark } from '../../src/eval/benchmarks/persona-eval.ts';
import { BenchmarkDefinition } from '../../src/eval/definition.ts';
import { EvalError } from '../../src/eval/errors.ts';
import { personaEvalLoader } from '../../src/eval/loaders/persona-eval.ts';
import { modelReply } from '../../src/eval/model-reply.ts';
import { createDistributionScorer } from '../../src/eval/scorers/distribution.ts';
import { renderPrompt } from '../../src/eval/template.ts';
import { createLanguageModel, createModelRuntime } from '../../src/llm/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { loadError, scratchFiles } from './loader-support.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/bench/persona-eval');
const HEADER = 'prompt,gt,option1,option1_profile,option2,option2_profile,option3,option3_profile,option4,option4_profile,option5,option5_profile';

const file = scratchFiles('persona-eval');

describe('personaEvalLoader', () => {
  it('reads a track CSV: candidates as options, gt as the answer index, the file name as the track', async () => {
    const items = await personaEvalLoader.load(join(FIXTURES, 'Literary.csv'));
    expect(items.map((i) => [i.id, i.record, i.answer, i.categories.track])).toEqual([
      ['Literary-1', 1, 0, 'Literary'], ['Literary-2', 2, 1, 'Literary'], ['Literary-3', 3, 2, 'Literary'],
    ]);
    expect(items[0].options).toEqual(['Silas Marlow', 'Peter Quill', 'Dr. Ambrose Fell', 'Nell Marlow']);
    expect(items[0].vars.prompt).toContain('Character1 (Agnes Marlow): "You\'ve let the oil run low again, haven\'t you?"');
    expect(items[1].vars.prompt).toContain('manifest\nis still missing');
    expect(items[0].vars.candidates.split('\n')[0]).toBe('- Silas Marlow: The keeper, Agnes\'s husband; stubborn, proud of "never once" letting the light fail.');
    expect(items[0].meta).toMatchObject({ gt: 'Silas Marlow' });
  });

  it('reads five candidates on Expertise and Chinese text on Drama', async () => {
    const expertise = await personaEvalLoader.load(join(FIXTURES, 'Expertise.csv'));
    expect(expertise.map((i) => [i.options?.length, i.answer])).toEqual([[5, 0], [5, 3]]);
    const drama = await personaEvalLoader.load(join(FIXTURES, 'Drama.csv'));
    expect(drama.map((i) => [i.options?.[i.answer!], i.options?.length])).toEqual([['李三', 4], ['常四爷', 4]]);
  });

  it('reads a folder of tracks in the released order, each file its track', async () => {
    const items = await personaEvalLoader.load(FIXTURES);
    expect(items.map((i) => i.id)).toEqual(['Literary-1', 'Literary-2', 'Literary-3', 'Drama-1', 'Drama-2', 'Expertise-1', 'Expertise-2']);
  });

  it('refuses a JSON file, naming the loader and what it expects', async () => {
    const error = await loadError(personaEvalLoader.load(await file('Literary.json', '[{"prompt": "x", "gt": "A"}]')));
    expect(error.code).toBe('eval/bad-data');
    expect(error.message).toContain('Literary.json: this is JSON, not CSV');
    expect(error.message).toContain('loader persona-eval expects a track CSV');
  });

  it('names a missing column, the record and the expected columns', async () => {
    const path = await file('NoGt.csv', 'prompt,option1,option2,option3,option4\nWho speaks?,A,B,C,D\n');
    const error = await loadError(personaEvalLoader.load(path));
    expect(error.code).toBe('eval/bad-data');
    expect(error.problems[0]).toBe(`${path}: record 1: gt: missing; the header has no gt column (it has "prompt", "option1", "option2", "option3", "option4")`);
    expect(error.message).toContain('columns prompt, gt, option1…option4');
  });

  it('refuses an answer that is none of the candidates, naming record and field', async () => {
    const path = await file('Bad.csv', `${HEADER}\nWho?,Ann,Ann,,Bo,,Cy,,Di,,,\nWho?,Zed,Ann,,Bo,,Cy,,Di,,,\n`);
    const error = await loadError(personaEvalLoader.load(path));
    expect(error.problems[0]).toBe(`${path}: record 2: gt: "Zed" is not one of the candidates (option1 "Ann", option2 "Bo", option3 "Cy", option4 "Di"); expected the name of one option`);
  });

  it('refuses rows with a wrong field count, repeated candidates, an empty prompt; and broken quoting', async () => {
    const path = await file('Rows.csv', `${HEADER}\nWho?,Ann,Ann,,Bo\n,Ann,Ann,,Ann,,Cy,,Di,,,\n`);
    const error = await loadError(personaEvalLoader.load(path));
    expect(error.problems).toEqual([
      `${path}: record 1: has 5 fields but the header has 12 (a stray comma or quote?)`,
      `${path}: record 2: prompt: empty; expected the dialogue and the question`,
      `${path}: record 2: option2: "Ann" repeats option1; candidates must have different names`,
      expect.stringContaining('loader persona-eval expects'),
    ]);
    const quoting = await loadError(personaEvalLoader.load(await file('Quote.csv', `${HEADER}\n"Who?,Ann,Ann,,Bo,,Cy,,Di,,,\n`)));
    expect(quoting.message).toContain('not valid CSV: a quoted field is never closed');
  });

  it('says what is missing: a file, or track files in a folder', async () => {
    const dir = dirname(await file('placeholder.txt', ''));
    expect((await loadError(personaEvalLoader.load(join(dir, 'absent.csv')))).code).toBe('eval/not-found');
    const empty = await mkdtemp(join(dir, 'empty-'));
    const error = await loadError(personaEvalLoader.load(empty));
    expect(error.code).toBe('eval/not-found');
    expect(error.message).toContain('no .csv track files');
  });
});

describe('PersonaEval end to end through the fake server', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(() => fake.close());

  it('sends the released prompt, reads the probabilities and scores them', async () => {
    const definition = BenchmarkDefinition.parse(personaEvalBenchmark);
    const [item] = await personaEvalLoader.load(join(FIXTURES, 'Literary.csv'));
    const messages = renderPrompt(definition.prompt, item);
    expect(messages).toEqual([{ role: 'user', content: item.vars.prompt }]);

    fake.enqueue({ text: 'Agnes speaks to her husband.\n```json\n{"Silas Marlow": 0.6, "Peter Quill": 0.1, "Dr. Ambrose Fell": 0.1, "Nell Marlow": 0.2}\n```' });
    const model = createLanguageModel('openai-compatible:fake', { env: {}, runtime: createModelRuntime(), baseURL: fake.url });
    const answer = await modelReply({ model, messages, temperature: definition.sampling.temperature });
    expect(fake.chatRequests()[0].body).toMatchObject({ messages: [{ role: 'user', content: item.vars.prompt }], temperature: 0 });

    const scorer = createDistributionScorer(definition.scorers[0] as Record<string, unknown>);
    const score = await scorer.score({ item, answer });
    // Right answer Silas at 0.6: Brier (0.4² + 0.1² + 0.1² + 0.2²) / 4 = 0.22 / 4; one item, 20 bins: ECE |0.6 − 1|.
    expect(score.values).toMatchObject({ top1: 1, top2: 1, mean_rank: 1, confidence: 0.6, invalid_rate: 0 });
    expect(score.values.brier).toBeCloseTo(0.055, 12);
    expect(scorer.metrics.find((m) => m.name === 'ece')!.aggregate!([score])).toBeCloseTo(0.4, 12);
    expect(score.extraction).toContain('read from a JSON code block; right: Silas Marlow, rank 1');
  });
});
