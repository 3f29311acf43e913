import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BenchSummary } from '../../src/eval/results.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { runCli, tempDir } from '../support/cli.ts';

/**
 * `dramatis bench run tomato` end to end against the fake server, on a file of ToMATO records: the repository's
 * invented sample (test/fixtures/bench/tomato) and the released excerpt (the real-data suite), each with its figures.
 */
export interface TomatoData {
  path: string;
  /** The number of records. */
  items: number;
  /** Records whose right answer is option A (index 0). */
  rightAsA: number;
  /** The always-A model's accuracy as the leaderboard prints it. */
  alwaysAText: string;
  /** Items per mental state, in the breakdown's order. */
  mentalStates: Array<[string, number]>;
  /** A group of the mental state × order × false belief breakdown. */
  crossedGroup: string;
  /** A bound that the lower end of the interval of "an oracle minus always A" exceeds. */
  oracleGainAbove: number;
  /** What `bench list tomato --stats` prints about the file. */
  stats: Array<string | RegExp>;
}

export interface TomatoRecord { q: string; a_idx: number; a_str: string; mental_state: string; conversation: string; a0: string; a1: string; a2: string; a3: string }

export function summaryOf(stdout: string): BenchSummary {
  return JSON.parse(stdout) as BenchSummary;
}

/** The options as the prompt shows them (`[A] text` lines), in shown order. */
function shownOptions(request: FakeRequest): string[] {
  const user = String(request.body.messages?.find((m) => m.role === 'user')?.content ?? '');
  return [...user.matchAll(/^\[([A-D])\] (.*)$/gm)].map((m) => m[2]);
}

/** A model with a position bias and no knowledge: always the first option. */
export const alwaysA = (): FakeReply => ({ text: '[A]' });

export function describeTomatoBench(title: string, data: TomatoData): void {
  describe(`bench run tomato (${title})`, () => {
    let records: TomatoRecord[] = [];
    let fake: FakeLlm;
    let reply: (request: FakeRequest) => FakeReply | undefined = alwaysA;
    beforeAll(async () => {
      records = JSON.parse(readFileSync(data.path, 'utf8')) as TomatoRecord[];
      fake = await startFakeLlm({ handler: (request) => (request.path.endsWith('/chat/completions') ? reply(request) : undefined) });
    });
    afterAll(async () => { await fake.close(); });
    beforeEach(() => { fake.reset(); reply = alwaysA; });

    /** A model that knows every answer: it finds the right option's text among the shown ones. */
    function oracle(request: FakeRequest): FakeReply {
      const user = String(request.body.messages?.find((m) => m.role === 'user')?.content ?? '');
      const record = records.find((r) => user.includes(`# Question \n${r.q}\n`))!;
      const index = shownOptions(request).indexOf(record.a_str);
      return { text: `Thinking it over, the final verdict is [${'ABCD'[index]}]` };
    }

    const model = ['--model', 'openai-compatible:fake'];
    const server = () => ['--base-url', fake.url, '--retries', '0'];
    const run = (cwd: string, ...args: string[]) => runCli(['bench', 'run', 'tomato', '--data', data.path, ...model, ...server(), '--json', ...args], { cwd });
    const alwaysAAccuracy = data.rightAsA / data.items;

    it('scores a model against the file, with intervals and the category breakdowns', async () => {
      const result = await run(tempDir());
      expect(result.stderr).toContain(`${data.items}/${data.items}`);
      expect(result.code).toBe(0);
      const summary = summaryOf(result.stdout);
      const [only] = summary.models;
      // Always "A": right exactly where the released answer is option 0.
      expect(only).toMatchObject({ model: 'openai-compatible:fake', items: data.items, planned: data.items, invalid: 0, failed: 0, positions: [data.items] });
      expect(only.metrics.accuracy.value).toBeCloseTo(alwaysAAccuracy, 10);
      expect(only.metrics.accuracy.low!).toBeLessThan(alwaysAAccuracy);
      expect(only.metrics.accuracy.high!).toBeGreaterThan(alwaysAAccuracy);
      const byState = only.breakdowns.find((b) => b.by.join() === 'mental_state')!;
      expect(byState.groups.map((g) => [g.label, g.items])).toEqual(data.mentalStates);
      const desire = records.filter((r) => r.mental_state === 'desire');
      const desireGroup = byState.groups.find((g) => g.label === 'desire')!;
      expect(desireGroup.metrics.accuracy.value).toBeCloseTo(desire.filter((r) => r.a_idx === 0).length / desire.length, 10);
      const crossed = only.breakdowns.find((b) => b.by.length === 3)!;
      expect(crossed.groups.map((g) => g.label)).toContain(data.crossedGroup);
      expect(fake.chatRequests()).toHaveLength(data.items);
      // As the authors' code/run_local_llm.py (generate_prompt_qa) asks it, character for character: their system
      // instruction, the headings with their trailing spaces, options as [A] lines in released order, a final newline.
      const first = fake.chatRequests()[0].body;
      const r = records[0];
      expect(first.messages).toEqual([
        {
          role: 'system',
          content: 'You are an expert at understanding human communication. Please leverage the information provided and choose the most probable answer to the question from the options. Output your final answer by strictly following this format: [A], [B], [C], or [D]',
        },
        { role: 'user', content: `# Transcript \n${r.conversation}\n\n# Question \n${r.q}\n\n# Options \n[A] ${r.a0}\n[B] ${r.a1}\n[C] ${r.a2}\n[D] ${r.a3}\n` },
      ]);
      expect(first).toMatchObject({ temperature: 0.6, max_tokens: 256 });
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
      expect(fake.chatRequests()).toHaveLength(4 * data.items);
    });

    it('counts unreadable answers as invalid, apart from right and wrong', async () => {
      const recordOf = (request: FakeRequest) => records.find((r) => String(request.body.messages?.at(-1)?.content).includes(`# Question \n${r.q}\n`))!;
      reply = (request) => (recordOf(request).mental_state === 'knowledge' ? { text: 'I would rather not say.' } : alwaysA());
      const summary = summaryOf((await run(tempDir())).stdout);
      const [m] = summary.models;
      const knowledge = records.filter((r) => r.mental_state === 'knowledge');
      expect(m.invalid).toBe(knowledge.length);
      expect(m.metrics.invalid_rate.value).toBeCloseTo(knowledge.length / data.items, 10);
      // Accuracy is over the readable answers; strict accuracy counts the unreadable as wrong.
      const readableRight = records.filter((r) => r.a_idx === 0 && r.mental_state !== 'knowledge').length;
      expect(m.metrics.accuracy.value).toBeCloseTo(readableRight / (data.items - knowledge.length), 10);
      expect(m.metrics.strict_accuracy.value).toBeCloseTo(readableRight / data.items, 10);
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
      const failed = Math.floor(data.items / 4);
      const partial = summaryOf(first.stdout).models[0];
      expect(partial).toMatchObject({ failed, items: data.items - failed, planned: data.items });

      fake.reset();
      reply = alwaysA;
      const resumed = await runCli(['bench', 'run', '--resume', 'tom-1', '--base-url', fake.url, '--json'], { cwd });
      expect(resumed.code).toBe(0);
      expect(fake.chatRequests()).toHaveLength(failed);
      const final = summaryOf(resumed.stdout).models[0];
      expect(final).toMatchObject({ failed: 0, items: data.items, planned: data.items });
      expect(final.metrics.accuracy.value).toBeCloseTo(alwaysAAccuracy, 10);

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
      const both = await runCli(['bench', 'run', 'tomato', '--data', data.path, '--model', 'openai-compatible:good', '--model', 'openai-compatible:fake', ...server(), '--run-id', 'two'], { cwd });
      expect(both.code).toBe(0);
      const lines = both.stdout.split('\n');
      expect(lines[1]).toMatch(/^MODEL\s+accuracy/);
      expect(lines[2]).toMatch(/^openai-compatible:good\s+1\.000/);
      expect(lines[3]).toMatch(new RegExp(`^openai-compatible:fake\\s+${data.alwaysAText.replace('.', '\\.')} \\[`));

      expect((await runCli(['bench', 'run', 'tomato', '--data', data.path, ...model, ...server(), '--run-id', 'base'], { cwd })).code).toBe(0);
      expect((await runCli(['bench', 'run', 'tomato', '--data', data.path, '--model', 'openai-compatible:good', ...server(), '--run-id', 'better'], { cwd })).code).toBe(0);
      const compared = await runCli(['bench', 'compare', 'base', 'better', '--json'], { cwd });
      expect(compared.code).toBe(0);
      const comparison = JSON.parse(compared.stdout) as { metric: string; pairs: { difference: { n: number; difference: number; low: number; pValue: number; better: number; worse: number } }[] };
      expect(comparison.metric).toBe('accuracy');
      expect(comparison.pairs[0].difference).toMatchObject({ n: data.items, better: data.items - data.rightAsA, worse: 0 });
      expect(comparison.pairs[0].difference.difference).toBeCloseTo(1 - alwaysAAccuracy, 10);
      expect(comparison.pairs[0].difference.low).toBeGreaterThan(data.oracleGainAbove);
      expect(comparison.pairs[0].difference.pValue).toBeLessThan(0.01);
      const text = await runCli(['bench', 'compare', 'base', 'better'], { cwd });
      expect(text.stdout).toContain(`B − A +${(1 - alwaysAAccuracy).toFixed(3)} [`);

      const runs = await runCli(['bench', 'runs'], { cwd });
      expect(runs.stdout).toMatch(new RegExp(`two\\s+done\\s+${2 * data.items}/0/${2 * data.items}`));
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

    it("prints the file's statistics by mental state, order and false belief", async () => {
      const result = await runCli(['bench', 'list', 'tomato', '--stats', '--data', data.path]);
      expect(result.code).toBe(0);
      for (const expected of data.stats) {
        if (typeof expected === 'string') expect(result.stdout).toContain(expected);
        else expect(result.stdout).toMatch(expected);
      }
    });
  });
}
