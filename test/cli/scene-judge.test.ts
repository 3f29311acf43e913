import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { runCli, tempDir } from '../support/cli.ts';
import { requestRole } from '../support/leak-check.ts';

// `dramatis scene judge` end to end: a scene run with scripted thoughts, judged with scripted JSON verdicts, then
// `bench report` on the judge run.

const sceneYaml = `title: The storm
kind: conversation
setting: A lighthouse in a winter storm.
cast:
  - character: { name: Ana, description: The keeper. }
    secret: SECRET-ANA she signals the smugglers.
  - character: { name: Ben, description: A customs officer. }
    secret: SECRET-BEN he took a bribe.
turns: { policy: round-robin, max: 4 }
seed: 7
`;

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({
    handler: (request) => {
      if (!request.path.endsWith('/chat/completions')) return undefined;
      const system = String(request.body.messages?.[0]?.content ?? '');
      if (system.startsWith('You are an impartial evaluator')) {
        if (system.includes('"winner"')) return { json: { critique: 'A reads better.', winner: 'A' } };
        if (system.includes('"dimension"')) return { json: { critique: 'It answers a question.', dimension: 'context_reliance' } };
        const names = [...system.matchAll(/"([a-z_]+)":\{"type":"integer"/g)].map((m) => m[1]!);
        return { json: { critique: 'Steady in role.', scores: Object.fromEntries(names.map((name, i) => [name, 2 + (i % 3)])) } };
      }
      const role = requestRole(request);
      return { json: { thought: { belief: `THOUGHT-${role}`, intention: 'wait', desire: 'calm', emotion: 'uneasy', knowledge: 'the storm' }, action: 'looks out', speech: `${role} speaks.`, to: '', leave: false } };
    },
  });
});
afterAll(() => fake.close());

const server = () => ['--base-url', fake.url, '--retries', '0'];

describe('scene judge', () => {
  it('judges a scene run with characterbox, prints the leaderboard, and bench report reads the run', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'storm.yaml'), sceneYaml);
    expect((await runCli(['scene', 'run', 'storm.yaml', '--model', 'openai-compatible:actor', '--run-id', 'storm', '--quiet', ...server()], { cwd })).code).toBe(0);
    const judged = await runCli(['scene', 'judge', 'storm', '--rubric', 'characterbox', '--judge', 'openai-compatible:judge', '--run-id', 'judged', ...server()], { cwd });
    expect(judged.code, judged.stderr).toBe(0);
    expect(judged.stdout).toContain('CharacterBox judge of scene run storm — run judged');
    expect(judged.stdout).toMatch(/openai-compatible:actor\s+2\.857 \[2\.857, 2\.857\]\s+2\.000/);
    const report = await runCli(['bench', 'report', 'judged'], { cwd });
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('knowledge\\_accuracy');
    expect(report.stdout).toContain('by character');

    const furina = await runCli(['scene', 'judge', 'storm', '--rubric', 'furina', '--judge', 'openai-compatible:judge', '--baseline', 'openai-compatible:base', '--run-id', 'furina', ...server()], { cwd });
    expect(furina.code).toBe(0);
    expect(furina.stdout).toContain('judge position bias (openai-compatible:actor): 100.0% of decisive verdicts chose the text shown as A');
    expect(furina.stdout).toContain('the two orders agreed on 0.0% of lines');
  });

  it('usage errors: no rubric, no judge, a malformed rubric file with its line', async () => {
    const cwd = tempDir();
    expect((await runCli(['scene', 'judge', 'x', '--judge', 'openai-compatible:j'], { cwd })).stderr).toContain('--rubric is required');
    expect((await runCli(['scene', 'judge', 'x', '--rubric', 'characterbox'], { cwd })).stderr).toContain('--judge MODEL is required');
    writeFileSync(join(cwd, 'bad.yaml'), 'name: bad\ndimensions:\n  - name: ok\n    description: fine\n    scale: [1, nope]\n');
    const bad = await runCli(['scene', 'judge', 'x', '--rubric', 'bad.yaml', '--judge', 'openai-compatible:j', ...server()], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:5: dimensions\[0\]\.scale\[1\]:/);
  });
});
