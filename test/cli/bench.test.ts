import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BenchSummary } from '../../src/eval/results.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, sharedData, tempDir } from '../support/cli.ts';

const excerpt = sharedData('tomato', 'tomato_fb.first40.json');
const records = JSON.parse(readFileSync(excerpt, 'utf8')) as { q: string; a_idx: number; a_str: string; mental_state: string }[];

/** The options as the prompt shows them (`[A] text` lines), in shown order. */
function shownOptions(request: FakeRequest): string[] {
  const user = String(request.body.messages?.find((m) => m.role === 'user')?.content ?? '');
  return [...user.matchAll(/^\[([A-D])\] (.*)$/gm)].map((m) => m[2]);
}

/** A model that knows every answer: it finds the right option's text among the shown ones. */
function oracle(request: FakeRequest): FakeReply {
  const user = String(request.body.messages?.find((m) => m.role === 'user')?.content ?? '');
  const record = records.find((r) => user.includes(`# Question\n${r.q}\n`))!;
  const index = shownOptions(request).indexOf(record.a_str);
  return { text: `Thinking it over, the final verdict is [${'ABCD'[index]}]` };
}

/** A model with a position bias and no knowledge: always the first option. */
const alwaysA = (): FakeReply => ({ text: '[A]' });

let fake: FakeLlm;
let reply: (request: FakeRequest) => FakeReply | undefined = alwaysA;
beforeAll(async () => { fake = await startFakeLlm({ handler: (request) => (request.path.endsWith('/chat/completions') ? reply(request) : undefined) }); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); reply = alwaysA; });

const model = ['--model', 'openai-compatible:fake'];
const server = () => ['--base-url', fake.url, '--retries', '0'];
const run = (cwd: string, ...args: string[]) => runCli(['bench', 'run', 'tomato', '--data', excerpt, ...model, ...server(), '--json', ...args], { cwd });

function summaryOf(stdout: string): BenchSummary {
  return JSON.parse(stdout) as BenchSummary;
}

describe('bench run tomato', () => {
  it('scores a model against the released excerpt, with intervals and the category breakdowns', async () => {
    const result = await run(tempDir());
    expect(result.stderr).toContain('40/40');
    expect(result.code).toBe(0);
    const summary = summaryOf(result.stdout);
    const [only] = summary.models;
    // Always "A": right exactly where the released answer is option 0 (12 of 40).
    expect(only).toMatchObject({ model: 'openai-compatible:fake', items: 40, planned: 40, invalid: 0, failed: 0, positions: [40] });
    expect(only.metrics.accuracy.value).toBeCloseTo(12 / 40, 10);
    expect(only.metrics.accuracy.low!).toBeLessThan(0.3);
    expect(only.metrics.accuracy.high!).toBeGreaterThan(0.3);
    const byState = only.breakdowns.find((b) => b.by.join() === 'mental_state')!;
    expect(byState.groups.map((g) => [g.label, g.items])).toEqual([['belief', 8], ['desire', 13], ['emotion', 9], ['intention', 1], ['knowledge', 9]]);
    const desire = records.filter((r) => r.mental_state === 'desire');
    expect(byState.groups[1].metrics.accuracy.value).toBeCloseTo(desire.filter((r) => r.a_idx === 0).length / desire.length, 10);
    const crossed = only.breakdowns.find((b) => b.by.length === 3)!;
    expect(crossed.groups.map((g) => g.label)).toContain('desire · 2 · true');
    expect(fake.chatRequests()).toHaveLength(40);
    // As the authors ask it: their system instruction, options as [A] lines, in released order.
    const first = fake.chatRequests()[0].body;
    expect(String(first.messages?.[0].content)).toContain('strictly following this format: [A], [B], [C], or [D]');
    expect(first.temperature).toBe(0.6);
  });

  it('maps shuffled options back, and rotations remove a position bias exactly', async () => {
    reply = oracle;
    const shuffled = summaryOf((await run(tempDir(), '--shuffle-options')).stdout);
    expect(shuffled.models[0].metrics.accuracy.value).toBe(1);
    const orders = fake.chatRequests().map((r) => shownOptions(r));
    expect(orders.some((shown, i) => shown[0] !== (records[i] as unknown as Record<string, string>).a0)).toBe(true);

    fake.reset();
    reply = alwaysA;
    const rotated = summaryOf((await run(tempDir(), '--rotate-options')).stdout);
    // Four rotations per item: the right option is shown first in exactly one of them.
    expect(rotated.models[0].metrics.accuracy.value).toBeCloseTo(0.25, 10);
    expect(fake.chatRequests()).toHaveLength(160);
  });

  it('counts unreadable answers as invalid, apart from right and wrong', async () => {
    const recordOf = (request: FakeRequest) => records.find((r) => String(request.body.messages?.at(-1)?.content).includes(`# Question\n${r.q}\n`))!;
    reply = (request) => (recordOf(request).mental_state === 'knowledge' ? { text: 'I would rather not say.' } : alwaysA());
    const summary = summaryOf((await run(tempDir())).stdout);
    const [m] = summary.models;
    const knowledge = records.filter((r) => r.mental_state === 'knowledge');
    expect(m.invalid).toBe(knowledge.length);
    expect(m.metrics.invalid_rate.value).toBeCloseTo(knowledge.length / 40, 10);
    // Accuracy is over the readable answers; strict accuracy counts the unreadable as wrong.
    const readableRight = records.filter((r) => r.a_idx === 0 && r.mental_state !== 'knowledge').length;
    expect(m.metrics.accuracy.value).toBeCloseTo(readableRight / (40 - knowledge.length), 10);
    expect(m.metrics.strict_accuracy.value).toBeCloseTo(readableRight / 40, 10);
    const byState = m.breakdowns.find((b) => b.by.join() === 'mental_state')!;
    expect(byState.groups.find((g) => g.label === 'knowledge')!.metrics.accuracy).toMatchObject({ value: null, n: 0 });
  });

  it('finishes only the missing items on --resume after model errors, with exact final counts', async () => {
    const cwd = tempDir();
    let calls = 0;
    reply = () => (++calls % 4 === 0 ? { fault: 'http-error', status: 400, message: 'bad luck' } : alwaysA());
    const first = await run(cwd, '--run-id', 'tom-1', '--no-cache');
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('finish the missing items with: dramatis bench run --resume tom-1');
    const partial = summaryOf(first.stdout).models[0];
    expect(partial).toMatchObject({ failed: 10, items: 30, planned: 40 });

    fake.reset();
    reply = alwaysA;
    const resumed = await runCli(['bench', 'run', '--resume', 'tom-1', '--base-url', fake.url, '--json'], { cwd });
    expect(resumed.code).toBe(0);
    expect(fake.chatRequests()).toHaveLength(10);
    const final = summaryOf(resumed.stdout).models[0];
    expect(final).toMatchObject({ failed: 0, items: 40, planned: 40 });
    expect(final.metrics.accuracy.value).toBeCloseTo(12 / 40, 10);

    const refused = await runCli(['bench', 'run', '--resume', 'tom-1', '--limit', '3'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--limit cannot change it');
  });

  it('re-running a finished benchmark makes no network call: every answer comes from the cache', async () => {
    const cwd = tempDir();
    expect((await run(cwd, '--limit', '10')).code).toBe(0);
    fake.reset();
    const again = await run(cwd, '--limit', '10');
    expect(again.code).toBe(0);
    expect(fake.chatRequests()).toHaveLength(0);
    expect(summaryOf(again.stdout).models[0].usage).toMatchObject({ calls: 10, cachedCalls: 10 });
  });

  it('compares several models in one run, and two runs item by item', async () => {
    const cwd = tempDir();
    reply = (request) => (request.body.model === 'good' ? oracle(request) : alwaysA());
    const both = await runCli(['bench', 'run', 'tomato', '--data', excerpt, '--model', 'openai-compatible:good', '--model', 'openai-compatible:fake', ...server(), '--run-id', 'two'], { cwd });
    expect(both.code).toBe(0);
    const lines = both.stdout.split('\n');
    expect(lines[1]).toMatch(/^MODEL\s+accuracy/);
    expect(lines[2]).toMatch(/^openai-compatible:good\s+1\.000/);
    expect(lines[3]).toMatch(/^openai-compatible:fake\s+0\.300 \[/);

    expect((await runCli(['bench', 'run', 'tomato', '--data', excerpt, ...model, ...server(), '--run-id', 'base'], { cwd })).code).toBe(0);
    expect((await runCli(['bench', 'run', 'tomato', '--data', excerpt, '--model', 'openai-compatible:good', ...server(), '--run-id', 'better'], { cwd })).code).toBe(0);
    const compared = await runCli(['bench', 'compare', 'base', 'better', '--json'], { cwd });
    expect(compared.code).toBe(0);
    const comparison = JSON.parse(compared.stdout) as { metric: string; pairs: { difference: { n: number; difference: number; low: number; pValue: number; better: number; worse: number } }[] };
    expect(comparison.metric).toBe('accuracy');
    expect(comparison.pairs[0].difference).toMatchObject({ n: 40, better: 28, worse: 0 });
    expect(comparison.pairs[0].difference.difference).toBeCloseTo(0.7, 10);
    expect(comparison.pairs[0].difference.low).toBeGreaterThan(0.5);
    expect(comparison.pairs[0].difference.pValue).toBeLessThan(0.01);
    const text = await runCli(['bench', 'compare', 'base', 'better'], { cwd });
    expect(text.stdout).toContain('B − A +0.700 [');

    const runs = await runCli(['bench', 'runs'], { cwd });
    expect(runs.stdout).toMatch(/two\s+done\s+80\/0\/80/);
  });

  it('writes HTML, Markdown, CSV and JSON reports of a run', async () => {
    const cwd = tempDir();
    expect((await run(cwd, '--run-id', 'rep', '--limit', '8')).code).toBe(0);
    for (const file of ['r.html', 'r.md', 'r.csv', 'r.json']) {
      const result = await runCli(['bench', 'report', 'rep', '--out', file], { cwd });
      expect(result.code).toBe(0);
    }
    const html = readFileSync(join(cwd, 'r.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="https?:/);
    expect(readFileSync(join(cwd, 'r.md'), 'utf8')).toContain('openai-compatible:fake');
    expect(readFileSync(join(cwd, 'r.csv'), 'utf8').split(/\r?\n/)[0]).toBe('model,breakdown,group,metric,value,low,high,n');
    const json = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { summary: BenchSummary; items: unknown[] };
    expect(json.items).toHaveLength(8);
    const markdown = await runCli(['bench', 'report', 'rep'], { cwd });
    expect(markdown.stdout).toContain('accuracy');
    const unknown = await runCli(['bench', 'report', 'rep', '--out', 'r.pdf'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/html.*md.*csv.*json/s);
  });
});

describe('bench list', () => {
  it('lists the built-in benchmarks with their data formats', async () => {
    const result = await runCli(['bench', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('tomato — ToMATO');
    expect(result.stdout).toContain('a_idx (0-3)');
  });

  it("prints the excerpt's statistics by mental state, order and false belief", async () => {
    const result = await runCli(['bench', 'list', 'tomato', '--stats', '--data', excerpt]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ToMATO: 40 items');
    expect(result.stdout).toMatch(/desire\s+13/);
    expect(result.stdout).toMatch(/by order:\n\s+2\s+40/);
    expect(result.stdout).toMatch(/by false_belief:\n\s+true\s+40/);
    expect(result.stdout).toMatch(/desire · 2 · true\s+13/);
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
    const result = await runCli(['bench', 'run', 'b.yaml', '--data', excerpt, ...model], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('b.yaml:6: sampling.temperature:');
    expect(result.stderr).toMatch(/b\.yaml:7: colour: unknown key; allowed keys: name, title/);
    writeFileSync(join(cwd, 'c.yaml'), 'name: mine\ndataset:\n  loader: tomato\nscorers: [choise]\n');
    expect((await runCli(['bench', 'run', 'c.yaml', '--data', excerpt, ...model], { cwd })).stderr).toContain("no scorer named 'choise'");
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
    const result = await runCli(['bench', 'run', 'tomato', '--data', excerpt, '--model', 'openai:gpt-4o-mini'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('openai:gpt-4o-mini needs an API key: set OPENAI_API_KEY');
    expect((await runCli(['bench', 'runs'], { cwd })).stdout).toContain('No benchmark runs yet');
  });
});
