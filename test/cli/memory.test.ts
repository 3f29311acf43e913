import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';

// `dramatis memory` as a user runs it: known vectors imported from a file, the ranking of each strategy checked
// against the formulas worked out by hand; embeddings and emotion scores over HTTP from the fake server.

let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const joy = [9, 6, 1, 2, 1, 1, 1, 7];
const fear = [1, 1, 9, 7, 6, 2, 3, 4];
// Unit vectors at angles 0.1, 0.2, 0.9 and 1.5 rad from the query [1, 0]: d_sem = 2·sin(θ/2).
const at = (theta: number) => [Math.cos(theta), Math.sin(theta)];
const bank = [
  { id: 'near-fear', text: 'The fire reached the old oak.', embedding: at(0.1), emotion: fear },
  { id: 'near-joy', text: 'We danced when the rain put the fire out.', embedding: at(0.2), emotion: joy },
  { id: 'mid-joy', text: 'Spring came back to the glade.', embedding: at(0.9), emotion: joy },
  { id: 'far-fear', text: 'Wolves howled outside the walls.', embedding: at(1.5), emotion: fear },
];

function setup() {
  const dir = tempDir();
  writeFileSync(join(dir, 'memories.jsonl'), bank.map((memory) => JSON.stringify(memory)).join('\n') + '\n');
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env: {} });
  return { dir, cli };
}

const search = async (cli: ReturnType<typeof setup>['cli'], strategy: string, extra: string[] = []) => {
  const result = await cli('memory', 'search', '--character', 'Seraphina', '--query', 'the fire', '--strategy', strategy,
    '--query-embedding', '[1, 0]', '--query-emotion', joy.join(','), '--k', '3', '--pool', '3', '--json', ...extra);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { strategy: string; memories: { id: string; d_sem: number; d_emo: number; score: number }[] };
};

describe('dramatis memory', () => {
  it('imports known vectors and ranks them by each strategy as the formulas say', async () => {
    const { cli } = setup();
    const imported = await cli('memory', 'import', 'memories.jsonl', '--character', 'Seraphina');
    expect(imported.stdout.trim()).toBe('4 memories added for Seraphina (0 already there)');
    expect((await cli('memory', 'import', 'memories.jsonl', '--character', 'Seraphina')).stdout.trim()).toBe('0 memories added for Seraphina (4 already there)');

    const semantic = await search(cli, 'semantic');
    expect(semantic.memories.map((m) => m.id)).toEqual(['near-fear', 'near-joy', 'mid-joy']);
    expect(semantic.memories[0]!.d_sem).toBeCloseTo(2 * Math.sin(0.05), 6);
    // d_emo(fear, joy) = 1 − 77 / (√197 · √174) ≈ 0.584; d_emo(joy, joy) = 0.
    const dEmoFear = 1 - fear.reduce((s, x, i) => s + x * joy[i]!, 0) / (Math.hypot(...fear) * Math.hypot(...joy));
    expect(semantic.memories[0]!.d_emo).toBeCloseTo(dEmoFear, 6);
    // c-a: near-joy 0.200 + 0; near-fear 0.100 + 0.584 = 0.684; mid-joy 0.870 + 0.
    expect((await search(cli, 'c-a')).memories.map((m) => m.id)).toEqual(['near-joy', 'near-fear', 'mid-joy']);
    // c-m: both joyful ones score 0 (kept in insertion order), near-fear 0.100 × 0.584.
    expect((await search(cli, 'c-m')).memories.map((m) => m.id)).toEqual(['near-joy', 'mid-joy', 'near-fear']);
    // Pool of 3 nearest (near-fear, near-joy, mid-joy), re-ranked by emotion: the joyful two first.
    expect((await search(cli, 'semantic-first')).memories.map((m) => m.id)).toEqual(['near-joy', 'mid-joy', 'near-fear']);
    // Pool of 3 closest in emotion (near-joy, mid-joy, then near-fear by order), re-ranked by meaning.
    expect((await search(cli, 'emotion-first')).memories.map((m) => m.id)).toEqual(['near-fear', 'near-joy', 'mid-joy']);
    const ca = await search(cli, 'c-a');
    expect(ca.memories[0]!.score).toBeCloseTo(2 * Math.sin(0.1) + 0, 6);

    // Weights (an extension): 1,0 is meaning alone; 0,1 emotion alone (ties in insertion order).
    expect((await search(cli, 'c-a', ['--weights', '1,0'])).memories.map((m) => m.id)).toEqual(['near-fear', 'near-joy', 'mid-joy']);
    expect((await search(cli, 'c-a', ['--weights', '0,1'])).memories.map((m) => m.id)).toEqual(['near-joy', 'mid-joy', 'near-fear']);
    expect((await cli('memory', 'search', '--character', 'Seraphina', '--query', 'x', '--weights', '1')).stderr).toMatch(/--weights takes two non-negative numbers/);

    const lexical = await cli('memory', 'search', '--character', 'Seraphina', '--query', 'fire oak', '--strategy', 'lexical', '--json');
    expect((JSON.parse(lexical.stdout) as { memories: { id: string }[] }).memories.map((m) => m.id)).toEqual(['near-fear', 'near-joy']);
  });

  it('lists, exports and recalls nothing for a character without memories', async () => {
    const { cli } = setup();
    await cli('memory', 'import', 'memories.jsonl', '--character', 'Seraphina');
    expect((await cli('memory', 'list')).stdout.trim()).toBe('Seraphina: 4 memories, 4 embedded (2 dimensions)');
    const listed = await cli('memory', 'list', '--character', 'Seraphina');
    expect(listed.stdout.split('\n')[0]).toMatch(/^ {3}1 {2}episodic .*fear 9 surprise 7 +The fire reached the old oak\.$/);
    const exported = await cli('memory', 'export', '--character', 'Seraphina');
    expect(exported.stdout.trim().split('\n')).toHaveLength(4);
    const nobody = await cli('memory', 'search', '--character', 'Nobody', '--query', 'x');
    expect(nobody.stdout.trim()).toBe('Nobody recalls nothing for that.');
  });

  it('embeds and scores the query over HTTP, and refuses bad flags with exit 2', async () => {
    const { dir, cli } = setup();
    writeFileSync(join(dir, 'plain.jsonl'), '{"text": "the forest burned"}\n{"text": "we sang by the river"}\n');
    const model = ['--embedding-model', 'openai-compatible:embed', '--base-url', fake.url];
    expect((await cli('memory', 'import', 'plain.jsonl', '--character', 'Ana', ...model)).stdout).toMatch(/^2 memories added/);
    fake.enqueue({ json: { emotions: [{ analysis: 'x', dim: 'fear', score: 8 }] } });
    const result = await cli('memory', 'search', '--character', 'Ana', '--query', 'the forest burned', '--strategy', 'c-a', '--emotion-model', 'openai-compatible:emo', ...model, '--json');
    const parsed = JSON.parse(result.stdout) as { strategy: string; queryEmotion: number[]; memories: { text: string }[] };
    expect(parsed.strategy).toBe('c-a');
    expect(parsed.queryEmotion).toEqual([1, 1, 8, 1, 1, 1, 1, 1]);
    expect(parsed.memories[0]!.text).toBe('the forest burned');
    const noEmotion = await cli('memory', 'search', '--character', 'Ana', '--query', 'river', '--strategy', 'c-a', ...model);
    expect(noEmotion.stderr).toContain('note: no emotion model: ranked by meaning only');
    expect((await cli('memory', 'search', '--character', 'Ana', '--query', 'x', '--strategy', 'psychic')).code).toBe(2);
    expect((await cli('memory', 'search', '--character', 'Ana', '--query', 'x', '--query-emotion', '1,2,3')).stderr).toMatch(/takes 8 comma-separated scores/);
  });

  it('refuses a second embedding width, and re-embeds a character so the import goes through', async () => {
    const { dir, cli } = setup();
    await cli('memory', 'import', 'memories.jsonl', '--character', 'Seraphina');
    writeFileSync(join(dir, 'more.jsonl'), '{"text": "The forest is quiet tonight."}\n');
    const model = ['--embedding-model', 'openai-compatible:embed', '--base-url', fake.url];
    const refused = await cli('memory', 'import', 'more.jsonl', '--character', 'Seraphina', ...model);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("a 64-dimension embedding (openai-compatible:embed), but Seraphina's memories have 2-dimension embeddings");
    expect(refused.stderr).toContain('dramatis memory reembed --character Seraphina --embedding-model openai-compatible:embed');
    const reembedded = await cli('memory', 'reembed', '--character', 'Seraphina', ...model);
    expect(reembedded.stdout.trim()).toBe('4 memories of Seraphina embedded with openai-compatible:embed');
    expect((await cli('memory', 'import', 'more.jsonl', '--character', 'Seraphina', ...model)).stdout).toMatch(/^1 memories added/);
    expect((await cli('memory', 'list')).stdout.trim()).toBe('Seraphina: 5 memories, 5 embedded (64 dimensions, openai-compatible:embed)');
  });

  it('names the line of a bad memory file and stores nothing', async () => {
    const { dir, cli } = setup();
    writeFileSync(join(dir, 'bad.jsonl'), '{"text": "ok"}\n{"text": "bad", "emotion": [1, 2]}\n');
    const result = await cli('memory', 'import', 'bad.jsonl', '--character', 'Ana');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.jsonl:2: emotion has 2 scores; it needs 8');
    expect((await cli('memory', 'list')).stdout).toMatch(/No memories yet/);
  });
});

describe('dramatis chat with memory', () => {
  it('recalls imported memories into the prompt over HTTP, records them, and remembers the new turn', async () => {
    const card = join(repoRoot, 'examples', 'cards', 'mirela.json');
    const { dir } = setup();
    writeFileSync(join(dir, 'm.jsonl'), '{"text": "The smugglers paid me in silver the night the lamp failed."}\n{"text": "My mother kept bees."}\n');
    const run = (...args: string[]) => runCli(args, { cwd: dir, env: {} });
    await run('memory', 'import', 'm.jsonl', '--character', 'Mirela');
    const result = await run('chat', card, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--message', 'Who paid you, the night the lamp failed?',
      '--memory', '--session', 'm1', '--json');
    expect(result.stderr).toBe('');
    const { recalled } = JSON.parse(result.stdout) as { recalled: { id: string }[] };
    expect(recalled.length).toBeGreaterThan(0);
    const tail = JSON.stringify(fake.chatRequests()[0]!.body.messages!.at(-1));
    expect(tail).toContain('You remember:');
    expect(tail).toContain('The smugglers paid me in silver');
    // The chat itself became memories: the greeting, the user's line, Mirela's reply, and the line before it paired with it.
    const listed = await run('memory', 'list', '--character', 'Mirela', '--json');
    const texts = (JSON.parse(listed.stdout) as { text: string }[]).map((memory) => memory.text);
    expect(texts).toContain('User: Who paid you, the night the lamp failed?');
    expect(texts.filter((text) => text.startsWith('Mirela: ')).length).toBeGreaterThanOrEqual(2);
    expect(texts.some((text) => text.startsWith('User: Who paid you, the night the lamp failed?\nMirela: '))).toBe(true);
  });
});

describe('dramatis scene run with memory', () => {
  it('writes each character its perspective with --memory-write, and the next run recalls it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'duo.yaml'), 'title: Duo\ncast:\n  - character:\n      name: Ana\n  - character:\n      name: Bo\nturns:\n  max: 4\n');
    const run = (...args: string[]) => runCli(['scene', 'run', 'duo.yaml', '--model', 'openai-compatible:fake', '--base-url', fake.url, '--quiet', ...args], { cwd: dir, env: {} });
    expect((await run('--run-id', 'one', '--memory-write', '--memory-strategy', 'lexical')).code).toBe(0);
    const characters = JSON.parse((await runCli(['memory', 'list', '--json'], { cwd: dir, env: {} })).stdout) as { character: string; count: number }[];
    expect(characters.map((c) => c.character)).toEqual(['Ana', 'Bo']);
    expect(characters.every((c) => c.count >= 3)).toBe(true);
    fake.reset();
    expect((await run('--run-id', 'two', '--memory')).code).toBe(0);
    expect(fake.chatRequests().some((request) => request.rawBody.includes('You remember:'))).toBe(true);
    const counts = JSON.parse((await runCli(['memory', 'list', '--json'], { cwd: dir, env: {} })).stdout) as { count: number }[];
    expect(counts.map((c) => c.count)).toEqual(characters.map((c) => c.count));
  });
});

describe('dramatis chat memory belongs to its user', () => {
  const card = join(repoRoot, 'examples', 'cards', 'mirela.json');

  it("recalls Ann's PIN in Ann's next session and never in Bob's; --memory-shared shares on purpose; memory commands show and filter owners", async () => {
    const { dir } = setup();
    const run = (...args: string[]) => runCli(args, { cwd: dir, env: {} });
    const chat = async (user: string, session: string, message: string, ...extra: string[]) => {
      fake.reset();
      const result = await run('chat', card, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--message', message,
        '--memory', '--user-name', user, '--session', session, '--json', ...extra);
      expect(result.code, result.stderr).toBe(0);
      return fake.chatRequests().map((request) => request.rawBody);
    };
    await chat('Ann', 'ann-1', 'My bank PIN is PIN-4321, remember it for me.');

    const bob = await chat('Bob', 'bob-1', 'What is my bank PIN? Tell me the PIN.');
    expect(bob.length).toBeGreaterThan(0);
    for (const body of bob) expect(body).not.toContain('PIN-4321');
    // The same question from Ann recalls it: the memory is there, and it is hers.
    const ann = await chat('Ann', 'ann-2', 'What is my bank PIN? Tell me the PIN.');
    expect(ann.some((body) => body.includes('You remember:') && body.includes('PIN-4321'))).toBe(true);
    // Continuing Ann's session without --user-name keeps her name, and her memories.
    const continued = await chat('Ann', 'ann-1', 'And the PIN again?');
    expect(continued.some((body) => body.includes('PIN-4321'))).toBe(true);

    const listed = (owner: string) => run('memory', 'list', '--character', 'Mirela', '--owner', owner, '--json')
      .then((result) => JSON.parse(result.stdout) as { owner?: string; text: string }[]);
    const anns = await listed('Ann');
    expect(anns.length).toBeGreaterThan(0);
    expect(anns.every((memory) => memory.owner === 'Ann')).toBe(true);
    expect(anns.some((memory) => memory.text.includes('PIN-4321'))).toBe(true);
    expect((await listed('Bob')).some((memory) => memory.text.includes('PIN-4321'))).toBe(false);
    expect((await run('memory', 'list', '--character', 'Mirela', '--owner', 'Ann')).stdout).toMatch(/^ +1 {2}episodic +Ann +\S/m);
    const searched = await run('memory', 'search', '--character', 'Mirela', '--query', 'bank PIN', '--owner', 'Bob', '--shared', '--json');
    expect(searched.stdout).not.toContain('PIN-4321');
    const annSearch = JSON.parse((await run('memory', 'search', '--character', 'Mirela', '--query', 'bank PIN', '--owner', 'Ann', '--json')).stdout) as { memories: { owner?: string; text: string }[] };
    expect(annSearch.memories.every((memory) => memory.owner === 'Ann')).toBe(true);
    expect(annSearch.memories.some((memory) => memory.text.includes('PIN-4321'))).toBe(true);
    const exported = (await run('memory', 'export', '--character', 'Mirela', '--owner', 'Bob')).stdout.trim().split('\n').map((line) => JSON.parse(line) as { owner?: string; text: string });
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.every((memory) => memory.owner === 'Bob')).toBe(true);

    // Sharing is explicit: what Ann says with --memory-shared, Bob recalls; her PIN stays hers.
    await chat('Ann', 'ann-3', 'The spare key of the lamp room is under the blue stone.', '--memory-shared');
    const shared = await chat('Bob', 'bob-2', 'Where is the spare key of the lamp room?');
    expect(shared.some((body) => body.includes('You remember:') && body.includes('under the blue stone'))).toBe(true);
    for (const body of shared) expect(body).not.toContain('PIN-4321');
    expect((await run('memory', 'list', '--character', 'Mirela', '--shared', '--json')).stdout).toContain('under the blue stone');
  });
});
