import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';
import { alwaysA, describeTomatoBench, summaryOf, type TomatoRecord } from './bench-tomato-suite.ts';

// An invented file in ToMATO's released format (test/fixtures/bench/tomato); the released excerpt: test/real-data/.
const sample = join(repoRoot, 'test', 'fixtures', 'bench', 'tomato', 'tomato_sample.json');
const records = JSON.parse(readFileSync(sample, 'utf8')) as TomatoRecord[];

describeTomatoBench('the invented sample', {
  path: sample,
  items: 16,
  rightAsA: 5,
  alwaysAText: '0.313',
  mentalStates: [['belief', 4], ['desire', 4], ['emotion', 3], ['intention', 2], ['knowledge', 3]],
  crossedGroup: 'desire · 2 · false',
  oracleGainAbove: 0.4,
  stats: ['ToMATO: 16 items', /desire\s+4/, /by order:\n\s+1\s+6\n\s+2\s+10/, /by false_belief:\n\s+false\s+6\n\s+true\s+10/, /belief · 2 · true\s+3/],
});

let fake: FakeLlm;
let reply: (request: FakeRequest) => FakeReply | undefined = alwaysA;
beforeAll(async () => { fake = await startFakeLlm({ handler: (request) => (request.path.endsWith('/chat/completions') ? reply(request) : undefined) }); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); reply = alwaysA; });

const model = ['--model', 'openai-compatible:fake'];
const server = () => ['--base-url', fake.url, '--retries', '0'];

describe('bench list', () => {
  it('lists the built-in benchmarks with their data formats', async () => {
    const result = await runCli(['bench', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('tomato — ToMATO');
    expect(result.stdout).toContain('a_idx (0-3)');
  });
});

describe('bad benchmark input', () => {
  it('names the record, the field and what the loader expected', async () => {
    const cwd = tempDir();
    const broken = records.slice(0, 3).map((r) => ({ ...r }));
    (broken[1] as Record<string, unknown>).a_idx = 7;
    delete (broken[2] as Record<string, unknown>).conversation;
    writeFileSync(join(cwd, 'broken.json'), JSON.stringify(broken));
    const result = await runCli(['bench', 'run', 'tomato', '--data', 'broken.json', ...model, ...server()], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('broken.json: record 2: a_idx: expected an option index 0–3');
    expect(result.stderr).toContain('broken.json: record 3: conversation:');
    expect(result.stderr).toContain('loader tomato expects a JSON array of ToMATO records');
    expect(fake.chatRequests()).toHaveLength(0);

    writeFileSync(join(cwd, 'object.json'), JSON.stringify({ data: records }));
    expect((await runCli(['bench', 'run', 'tomato', '--data', 'object.json', ...model], { cwd })).stderr).toContain('the top level is an object, not an array of records');
    writeFileSync(join(cwd, 'text.json'), 'q_id,a0\n1,2\n');
    expect((await runCli(['bench', 'run', 'tomato', '--data', 'text.json', ...model], { cwd })).stderr).toContain('not valid JSON');
    expect((await runCli(['bench', 'run', 'tomato', '--data', 'missing.json', ...model], { cwd })).stderr).toContain('missing.json: no such file');
    expect((await runCli(['bench', 'run', 'tomato', ...model], { cwd })).stderr).toContain('needs its data: pass --data PATH');
    expect((await runCli(['bench', 'run', 'nope', ...model], { cwd })).stderr).toContain("no built-in benchmark named 'nope'");
  });

  it('reports every problem of a benchmark YAML with its line', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'b.yaml'), 'name: mine\ndataset:\n  loader: tomato\nscorers: [choice]\nsampling:\n  temperature: 9\ncolour: red\n');
    const result = await runCli(['bench', 'run', 'b.yaml', '--data', sample, ...model], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('b.yaml:6: sampling.temperature:');
    expect(result.stderr).toMatch(/b\.yaml:7: colour: unknown key; allowed keys: name, title/);
    writeFileSync(join(cwd, 'c.yaml'), 'name: mine\ndataset:\n  loader: tomato\nscorers: [choise]\n');
    expect((await runCli(['bench', 'run', 'c.yaml', '--data', sample, ...model], { cwd })).stderr).toContain("no scorer named 'choise'");
  });
});

describe('judged benchmarks', () => {
  const agreement = join(repoRoot, 'examples', 'bench', 'judge-agreement.yaml');
  const labels = readFileSync(join(repoRoot, 'examples', 'bench', 'judge-agreement.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; response: string; labels: Record<string, number> });

  it('validates a candidate judge against human labels (the example benchmark)', async () => {
    // A rater that agrees with the humans on in_character and always says 3 for engagement.
    reply = (request) => {
      const user = String(request.body.messages?.at(-1)?.content);
      const line = labels.find((l) => user.includes(l.response))!;
      return { json: { critique: 'ok', scores: { in_character: line.labels.in_character, engagement: 3 } } };
    };
    const result = await runCli(['bench', 'run', agreement, ...model, ...server(), '--json'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    const [m] = summaryOf(result.stdout).models;
    expect(m.items).toBe(labels.length);
    const exact = labels.filter((l) => l.labels.engagement === 3).length / labels.length;
    expect(m.metrics.exact.value).toBeCloseTo(exact, 10);
    expect(m.metrics.kappa.value!).toBeGreaterThan(0);
    expect(m.metrics.kappa.value!).toBeLessThan(1);
    expect(m.metrics.kappa.low).not.toBeNull();
  });

  it('scores with a rubric judge, and marks items whose verdicts stay malformed as unjudged', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'rubric.yaml'), [
      'name: in-character',
      'dataset: { loader: human-labels, path: ' + join(repoRoot, 'examples', 'bench', 'judge-agreement.jsonl') + ' }',
      'prompt:',
      '  system: "You are this character: {{character}}"',
      '  user: "{{user}}"',
      'scorers:',
      '  - name: rubric',
      '    dimensions:',
      '      - { name: in_character, description: stays in the role }',
      '      - { name: engagement, description: gives the user something to answer }',
      'categories: [persona]',
      'judge: { model: "openai-compatible:judge" }',
    ].join('\n'));
    reply = (request) => {
      if (request.body.model !== 'judge') return { text: `In character: ${String(request.body.messages?.at(-1)?.content).slice(0, 20)}` };
      const user = String(request.body.messages?.find((m) => m.role === 'user')?.content);
      // The judge cannot read one persona's replies (prose, twice); the rest get 4 and 2.
      if (user.includes('Skarholm')) return { text: 'Looks fine to me!' };
      return { json: { critique: 'steady voice', scores: { in_character: 4, engagement: 2 } } };
    };
    const result = await runCli(['bench', 'run', 'rubric.yaml', ...model, ...server(), '--json'], { cwd });
    expect(result.code).toBe(0);
    const [m] = summaryOf(result.stdout).models;
    const skarholm = labels.filter((l) => JSON.stringify(l).includes('Skarholm')).length;
    expect(skarholm).toBeGreaterThan(0);
    expect(m.unjudged).toBe(skarholm);
    expect(m.metrics.in_character).toMatchObject({ value: 4, n: labels.length - skarholm });
    expect(m.metrics.engagement.value).toBe(2);
    expect(summaryOf(result.stdout).metrics.find((x) => x.name === 'in_character')).toMatchObject({ judged: true, range: [1, 5] });
    // Each malformed verdict was asked once more (repair), then given up.
    const judgeCalls = fake.chatRequests().filter((r) => r.body.model === 'judge').length;
    expect(judgeCalls).toBe(labels.length + skarholm);

    const missing = await runCli(['bench', 'run', 'rubric.yaml', ...model, ...server(), '--judge', 'openai-compatible:judge'], { cwd });
    expect(missing.code).toBe(0);
    writeFileSync(join(cwd, 'nojudge.yaml'), readFileSync(join(cwd, 'rubric.yaml'), 'utf8').replace(/^judge:.*$/m, ''));
    const refused = await runCli(['bench', 'run', 'nojudge.yaml', ...model, ...server()], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('needs a judge model: pass --judge MODEL');
  });
});

describe('think-act matching by embedding (as the paper measures it)', () => {
  it('embeds reasoning and action, scores their cosine, and a re-run embeds nothing again', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'dilemma.yaml'), [
      'name: dilemma-embedding',
      `dataset: { loader: beyond-one-world-dilemma, path: ${join(repoRoot, 'test', 'fixtures', 'bench', 'beyond-one-world', 'character_dilemmas.json')} }`,
      'prompt: { user: "You are {{name}}. {{dilemma}}" }',
      'scorers: [{ name: think-act, method: embedding }]',
      'categories: [dilemma_type]',
    ].join('\n'));
    reply = () => ({ text: '<thinking>The city needs its protector, so I must keep the secret.</thinking><acting>A. I keep the secret and protect the city.</acting>' });
    const args = ['bench', 'run', 'dilemma.yaml', ...model, ...server(), '--embedding-model', 'openai-compatible:embed', '--json'];
    const result = await runCli(args, { cwd });
    expect(result.stderr).not.toMatch(/failed:/);
    expect(result.code).toBe(0);
    const [m] = summaryOf(result.stdout).models;
    const similarity = m.metrics.think_act_similarity;
    expect(similarity.n).toBe(m.items);
    expect(similarity.value!).toBeGreaterThan(0);
    expect(similarity.value!).toBeLessThanOrEqual(1);
    expect(m.metrics.think_act_match).toBeUndefined();
    const embeddings = fake.requests.filter((r) => r.path.endsWith('/embeddings'));
    expect(embeddings.length).toBe(m.items);
    expect(embeddings[0].body.input).toEqual(['The city needs its protector, so I must keep the secret.', 'A. I keep the secret and protect the city.']);

    fake.reset();
    expect((await runCli(args, { cwd })).code).toBe(0);
    expect(fake.requests).toHaveLength(0);

    const refused = await runCli(['bench', 'run', 'dilemma.yaml', ...model, ...server()], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('needs an embedding model: pass --embedding-model MODEL');
  });
});

describe('models that cannot be reached', () => {
  it('refuses a model without its API key before storing a run', async () => {
    const cwd = tempDir();
    const result = await runCli(['bench', 'run', 'tomato', '--data', sample, '--model', 'openai:gpt-4o-mini'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('openai:gpt-4o-mini needs an API key: set OPENAI_API_KEY');
    expect((await runCli(['bench', 'runs'], { cwd })).stdout).toContain('No benchmark runs yet');
  });
});

describe('bench run --agent and --character; bench compare of both modes', () => {
  const canon = join(repoRoot, 'test', 'fixtures', 'bench', 'beyond-one-world', 'characters_canon_events.json');
  const dilemmas = join(repoRoot, 'test', 'fixtures', 'bench', 'beyond-one-world', 'character_dilemmas.json');
  const tamsin = join(repoRoot, 'test', 'fixtures', 'cards', 'tamsin.png');

  it('plays the items through the agent, prints the mode, keeps the thought in the reports, and compares per category', async () => {
    reply = () => undefined; // the fake server's own replies: a guess for multiple choice, a schema instance for turns
    const cwd = tempDir();
    const released = await runCli(['bench', 'run', 'beyond-one-world-canon', '--data', canon, ...model, ...server(), '--run-id', 'canon-a'], { cwd });
    expect(released.code).toBe(0);
    expect(released.stdout).not.toContain('asked by');
    const played = await runCli(['bench', 'run', 'beyond-one-world-canon', '--data', canon, ...model, ...server(), '--agent', '--run-id', 'canon-b'], { cwd });
    expect(played.code).toBe(0);
    expect(played.stdout).toContain('run canon-b (done), asked by the character agent');
    const compared = await runCli(['bench', 'compare', 'canon-a', 'canon-b'], { cwd });
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain('canon-a (A, the released prompt) vs canon-b (B, the character agent)');
    expect(compared.stdout).toMatch(/by stage\s+n\s+A\s+B\s+B − A \[95% interval\]\n\s+Childhood\s+3\s/);
    const json = JSON.parse((await runCli(['bench', 'compare', 'canon-a', 'canon-b', '--json'], { cwd })).stdout);
    expect(json.pairs[0].byCategory.filter((row: { category: string }) => row.category === 'stage').map((row: { value: string; difference: { n: number } }) => [row.value, row.difference.n]))
      .toEqual([['Childhood', 3], ['Hero1', 2], ['Pre-Hero', 2]]);

    expect((await runCli(['bench', 'report', 'canon-b', '--out', 'r.html', '--items-csv', 'items.csv'], { cwd })).code).toBe(0);
    const csv = readFileSync(join(cwd, 'items.csv'), 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^item_id,model,status,invalid,unjudged,attempts,expected,answer,thought,extraction,error,/);
    expect(readFileSync(join(cwd, 'r.html'), 'utf8')).toMatch(/Asked by.*the character agent/);
    expect(readFileSync(join(cwd, 'r.html'), 'utf8')).toContain('thought (private; the answer was read from the turn)');
    expect((await runCli(['bench', 'report', 'canon-b'], { cwd })).stdout).toContain('asked by the character agent');
  });

  it('--character plays every dilemma as the card; where items need their own persona it is refused with exit 1 and nothing stored', async () => {
    reply = () => undefined;
    const cwd = tempDir();
    const result = await runCli(['bench', 'run', 'beyond-one-world-dilemma', '--data', dilemmas, ...model, '--judge', 'openai-compatible:fake', ...server(), '--character', tamsin, '--run-id', 'as-tamsin'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('asked by the character agent, as Tamsin');
    const refused = await runCli(['bench', 'run', 'beyond-one-world-canon', '--data', canon, ...model, ...server(), '--character', tamsin], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--character cannot play them');
    expect((await runCli(['bench', 'runs', '--json'], { cwd })).stdout).not.toContain('beyond-one-world-canon');
  });
});
