import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';
import { scriptedThoughts, STORM_CAST, stormScene } from '../support/scripted-thoughts.ts';

// End to end through the CLI: a scene runs against the fake server with scripted thoughts, both sets are built from
// it, and both run as benchmarks with --data, unchanged.

const CAST = STORM_CAST;
const sceneYaml = stormScene({ turns: 9, seed: 7 });

let fake: FakeLlm;
const counters = new Map<string, number>();
let dir: string;
beforeAll(async () => { fake = await startFakeLlm({ handler: scriptedThoughts(counters, CAST) }); });
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  counters.clear();
  dir = tempDir();
  writeFileSync(join(dir, 'storm.yaml'), sceneYaml);
});

const cli = (...args: string[]) => runCli(args, { cwd: dir });

async function runScene(): Promise<void> {
  const scene = await cli('scene', 'run', 'storm.yaml', '--model', 'openai-compatible:fake', '--base-url', fake.url, '--episodes', '2', '--run-id', 'storm', '--quiet', '--no-cache');
  expect(scene.stderr + scene.stdout).not.toMatch(/[1-9]\d* failed/);
  expect(scene.code).toBe(0);
}

describe('dramatis bench build', () => {
  it('builds a ToMATO set and a PersonaEval set from a scene run, and bench run takes both unchanged', async () => {
    await runScene();
    const tomato = await cli('bench', 'build', 'tomato', '--from', 'storm', '--out', 'storm-tomato.json', '--judge', 'openai-compatible:fake', '--base-url', fake.url, '--seed', '5');
    expect(tomato.stderr).toBe('');
    expect(tomato.code).toBe(0);
    expect(tomato.stdout).toMatch(/^ToMATO set: \d+ items from 2 episode\(s\), written to storm-tomato\.json/);
    expect(tomato.stdout).toContain('belief · 2');
    expect(tomato.stdout).toMatch(/false belief \(second order, judged\): [1-9]\d* of \d+ true/);
    const records = JSON.parse(readFileSync(join(dir, 'storm-tomato.json'), 'utf8')) as Record<string, unknown>[];
    expect(records.length).toBeGreaterThan(40);
    // No thought of anyone is in any shown conversation.
    for (const record of records) expect(String(record.conversation)).not.toMatch(/suspects|storm will pass|cellar door|harbour master|uneasy|tide turns/);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const again = await cli('bench', 'build', 'tomato', '--from', 'storm', '--out', 'again.json', '--judge', 'openai-compatible:fake', '--base-url', fake.url, '--seed', '5');
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'again.json'), 'utf8')).toBe(readFileSync(join(dir, 'storm-tomato.json'), 'utf8'));

    const stats = await cli('bench', 'list', 'tomato', '--stats', '--data', 'storm-tomato.json', '--json');
    expect(stats.code).toBe(0);
    const counted = JSON.parse(stats.stdout) as { items: number; goldLetters: Record<string, number> };
    expect(counted.items).toBe(records.length);
    expect(counted.goldLetters).toEqual(Object.fromEntries(['A', 'B', 'C', 'D'].map((letter, i) => [letter, records.filter((r) => r.a_idx === i).length])));

    const run = await cli('bench', 'run', 'tomato', '--data', 'storm-tomato.json', '--model', 'openai-compatible:fake', '--base-url', fake.url, '--json', '--no-cache');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).models[0]).toMatchObject({ items: records.length, failed: 0 });

    const persona = await cli('bench', 'build', 'persona-eval', '--from', 'storm', '--out', 'storm.csv');
    expect(persona.code).toBe(0);
    expect(persona.stdout).toMatch(/^PersonaEval set: \d+ items from 2 episode\(s\)/);
    const csv = readFileSync(join(dir, 'storm.csv'), 'utf8');
    expect(csv.startsWith('prompt,gt,option1,option1_profile,option2,option2_profile,option3,option3_profile,option4,option4_profile\r\n')).toBe(true);
    expect(csv).not.toMatch(/suspects|storm will pass|cellar door|harbour master|uneasy|tide turns/);
    const personaRun = await cli('bench', 'run', 'persona-eval', '--data', 'storm.csv', '--model', 'openai-compatible:fake', '--base-url', fake.url, '--json', '--no-cache');
    expect(personaRun.stderr).not.toMatch(/[1-9]\d* failed|failed:/);
    expect(personaRun.code).toBe(0);
    const summary = JSON.parse(personaRun.stdout).models[0];
    expect(summary).toMatchObject({ failed: 0, invalid: 0 });
    expect(summary.metrics.top1.value).toBeGreaterThan(0);
  }, 60_000);

  it('one episode, without a judge: the flag is left out and the loader counts it as unknown', async () => {
    await runScene();
    const built = await cli('bench', 'build', 'tomato', '--from', 'storm-e1', '--out', 'e1.json', '--json');
    expect(built.code).toBe(0);
    const records = JSON.parse(readFileSync(join(dir, 'e1.json'), 'utf8')) as Record<string, unknown>[];
    expect(records.every((r) => !('false_belief' in r))).toBe(true);
    const stats = await cli('bench', 'list', 'tomato', '--stats', '--data', 'e1.json');
    expect(stats.stdout).toMatch(/by false_belief:\n {2}unknown +\d+/);
    expect(stats.stdout).toContain('gold answer by option letter:');
  }, 60_000);

  it('refuses an unknown id, a benchmark run, another set name, --judge for persona-eval, and writes nothing', async () => {
    await runScene();
    const missing = await cli('bench', 'build', 'tomato', '--from', 'nope', '--out', 'x.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no scene run or episode with id 'nope'/);
    const sample = join(repoRoot, 'test', 'fixtures', 'bench', 'tomato', 'tomato_sample.json');
    expect((await cli('bench', 'run', 'tomato', '--data', sample, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--run-id', 'b1', '--limit', '2')).code).toBe(0);
    const bench = await cli('bench', 'build', 'tomato', '--from', 'b1', '--out', 'x.json');
    expect(bench.code).toBe(1);
    expect(bench.stderr).toMatch(/run b1 is a benchmark run, not a scene run.*\[run\/other-kind\]/);
    const wrong = await cli('bench', 'build', 'moral-roleplay', '--from', 'storm', '--out', 'x.json');
    expect(wrong.code).toBe(2);
    expect((await cli('bench', 'build', 'persona-eval', '--from', 'storm', '--out', 'x.json', '--judge', 'openai-compatible:fake')).code).toBe(2);
    expect(readdirSync(dir).filter((name) => name.startsWith('x.json'))).toEqual([]);
  }, 60_000);
});
