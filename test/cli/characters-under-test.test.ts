import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';
import { scriptedThoughts, STORM_CAST, stormScene } from '../support/scripted-thoughts.ts';

// Issue 15, end to end through the CLI against the fake server: a scene with scripted thoughts; a ToMATO set and a
// role-identification set built from it and run as benchmarks; the scene judged with the characterbox rubric and
// the judge run reported; a built-in benchmark run in both modes and compared.

const CAST = STORM_CAST;
const sceneYaml = stormScene({ turns: 6, seed: 3, secret: 'Ana signals the smugglers.' });

let fake: FakeLlm;
const counters = new Map<string, number>();
beforeAll(async () => { fake = await startFakeLlm({ handler: scriptedThoughts(counters, CAST) }); });
afterAll(() => fake.close());

describe('characters under test', () => {
  it('scene → ToMATO and PersonaEval sets → benchmark runs; scene judge → bench report; a built-in benchmark in both modes → compare', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'storm.yaml'), sceneYaml);
    const server = ['--base-url', fake.url];
    const cli = async (...args: string[]) => {
      const result = await runCli(args, { cwd: dir });
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
      return result.stdout;
    };
    await cli('scene', 'run', 'storm.yaml', '--model', 'openai-compatible:fake', ...server, '--episodes', '2', '--run-id', 'storm', '--quiet', '--no-cache');

    await cli('bench', 'build', 'tomato', '--from', 'storm', '--out', 'tomato.json', '--judge', 'openai-compatible:fake', ...server);
    const tomato = JSON.parse(readFileSync(join(dir, 'tomato.json'), 'utf8')) as { conversation: string; mental_state: string }[];
    expect(new Set(tomato.map((record) => record.mental_state))).toEqual(new Set(['belief', 'intention', 'desire', 'emotion', 'knowledge']));
    for (const record of tomato) expect(record.conversation).not.toMatch(/suspects|storm will pass|cellar door|harbour master|uneasy|tide turns|smugglers/);
    const tomatoRun = JSON.parse(await cli('bench', 'run', 'tomato', '--data', 'tomato.json', '--model', 'openai-compatible:fake', ...server, '--json'));
    expect(tomatoRun.models[0]).toMatchObject({ items: tomato.length, failed: 0 });

    await cli('bench', 'build', 'persona-eval', '--from', 'storm', '--out', 'who.csv');
    const whoRun = JSON.parse(await cli('bench', 'run', 'persona-eval', '--data', 'who.csv', '--model', 'openai-compatible:fake', ...server, '--json'));
    expect(whoRun.models[0].items).toBeGreaterThan(0);
    expect(whoRun.models[0].failed).toBe(0);

    const judged = await cli('scene', 'judge', 'storm', '--rubric', 'characterbox', '--judge', 'openai-compatible:fake', ...server, '--run-id', 'storm-judged', '--json');
    expect(JSON.parse(judged).models[0]).toMatchObject({ items: 6, failed: 0 }); // 3 characters × 2 episodes
    expect(await cli('bench', 'report', 'storm-judged')).toMatch(/knowledge_accuracy|overall/);

    const data = join(repoRoot, 'test', 'fixtures', 'bench', 'beyond-one-world', 'characters_canon_events.json');
    await cli('bench', 'run', 'beyond-one-world-canon', '--data', data, '--model', 'openai-compatible:fake', ...server, '--run-id', 'canon-released');
    await cli('bench', 'run', 'beyond-one-world-canon', '--data', data, '--model', 'openai-compatible:fake', ...server, '--agent', '--run-id', 'canon-agent');
    const compared = await cli('bench', 'compare', 'canon-released', 'canon-agent');
    expect(compared).toContain('canon-released (A, the released prompt) vs canon-agent (B, the character agent)');
    expect(compared).toMatch(/by stage/);
  });
});
