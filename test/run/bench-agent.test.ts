import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compareBenchRuns, resumeBenchRun, startBenchRun } from '../../src/run/index.ts';
import { openSqliteStore, type Store } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm, type FakeReply, type FakeRequest } from '../support/fake-llm/index.ts';
import { repoRoot } from '../support/cli.ts';
import { runErrorOf } from './run-error.ts';

// Issue 15 §1: benchmarks played by the character agent (`--agent`, `agent:` in a benchmark file, `--character`),
// against the fake server: what each request holds, what is read and stored, and the comparison of both modes.

const fixture = (...parts: string[]) => join(repoRoot, 'test', 'fixtures', ...parts);
const CONCEPT = fixture('bench', 'concept-incongruence', 'full_question.json');
const DILEMMAS = fixture('bench', 'beyond-one-world', 'character_dilemmas.json');
const VILLAINS = fixture('bench', 'moral-roleplay', 'RolePlay_Villain_test.json');
const ROLE_MRC = fixture('bench', 'role-mrc', 'roleMRC_test.jsonl');
const TOMATO = fixture('bench', 'tomato', 'tomato_sample.json');
const TAMSIN = fixture('cards', 'tamsin.png');

let fake: FakeLlm;
let reply: ((request: FakeRequest) => FakeReply | undefined) | undefined;
let store: Store;
let dir: string;
beforeAll(async () => { fake = await startFakeLlm({ handler: (request) => reply?.(request) }); });
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  reply = undefined;
  dir = mkdtempSync(join(tmpdir(), 'dramatis-bench-agent-'));
  store = openSqliteStore(join(dir, 'dramatis.db'));
});
afterEach(() => store.close());

const start = (extra: Partial<Parameters<typeof startBenchRun>[0]>) => startBenchRun({
  store, env: {}, benchmark: 'concept-incongruence', data: CONCEPT, models: ['openai-compatible:fake'], settings: { baseURL: fake.url, retries: 0 }, ...extra,
});

/** A request's messages as text by role. */
function messagesOf(request: FakeRequest): { system: string; users: string[]; assistants: string[] } {
  const text = (content: unknown) => (typeof content === 'string' ? content : (content as { text?: string }[]).map((part) => part.text ?? '').join(''));
  const messages = request.body.messages ?? [];
  return {
    system: messages.filter((m) => m.role === 'system').map((m) => text(m.content)).join('\n'),
    // The agent's volatile tail (`[Context for this turn …]`) is a user message after the question.
    users: messages.filter((m) => m.role === 'user').map((m) => text(m.content)).filter((content) => !content.startsWith('[Context for this turn')),
    assistants: messages.filter((m) => m.role === 'assistant').map((m) => text(m.content)),
  };
}

/** A turn in the agent's JSON format. */
const turn = (speech: string, thought: Partial<Record<string, string>> = {}, action = ''): FakeReply => ({
  json: { thought: { belief: 'b', intention: 'i', desire: 'd', emotion: 'e', knowledge: 'k', ...thought }, action, speech },
});

describe('bench run --agent', () => {
  it("asks each item through the character agent: the persona's sheet with its death year, the question as the user's turn; the answer from the speech, the thought stored", async () => {
    reply = (request) => (messagesOf(request).users.at(-1)!.includes('46th') ? turn('I do not know who that is.', { knowledge: 'I died long before that.' }) : undefined);
    const { summary, items, result } = await start({ agent: true, runId: 'ci-agent', limit: 30 });
    expect(result.counts).toMatchObject({ done: 30, failed: 0 });
    expect(summary.mode).toEqual({ kind: 'agent' });
    const requests = fake.chatRequests();
    expect(requests).toHaveLength(30);
    for (const request of requests) {
      const { system, users } = messagesOf(request);
      // The engine's sheet, not the released restricted-role-play instruction.
      expect(system).not.toContain('You must strictly adhere to the role assigned to you');
      expect(system).toMatch(/You died in \d{4}\. You know nothing that happened after that date/);
      expect(request.body.response_format?.type).toBe('json_schema');
      expect(users.at(-1)).toMatch(/^Who is the \d+(st|nd|rd|th) (US )?president/i);
    }
    const first = items[0]!;
    expect(first.attempts[0]!.prompt[0]!.content).toContain(`You are ${String(first.categories.character)}, in an ongoing role-play`);
    // The stored attempt: the speech is the answer, the turn (its private thought) beside it, the prompt rebuilt.
    const asked46 = items.find((item) => item.attempts[0]!.turn?.speech === 'I do not know who that is.')!;
    expect(asked46.attempts[0]).toMatchObject({ answer: 'I do not know who that is.', turn: { thought: { knowledge: 'I died long before that.' }, action: '' } });
    expect(asked46.attempts[0]!.prompt[0]).toMatchObject({ role: 'system' });
    expect(asked46.attempts[0]!.prompt[0]!.content).toContain('You died in');
    expect(asked46.values.abstention_rate).toBe(1);
  });

  it('the released prompt stays the default; bench compare shows both modes side by side, per category, paired', async () => {
    reply = (request) => {
      const { system, users } = messagesOf(request);
      // The fake "model" abstains when the engine's sheet says it is dead, and answers otherwise.
      if (system.includes('You died in')) return turn('I cannot know that.');
      return { text: 'Joe Biden.' };
    };
    const template = await start({ runId: 'ci-template', limit: 27 });
    expect(template.summary.mode).toEqual({ kind: 'template' });
    expect(messagesOf(fake.chatRequests()[0]!).system).toContain('You must strictly adhere to the role assigned to you');
    await start({ runId: 'ci-agent', agent: true, limit: 27 });
    const comparison = await compareBenchRuns({ store, runA: 'ci-template', runB: 'ci-agent', metric: 'answer_rate' });
    expect(comparison).toMatchObject({ askedByA: 'the released prompt', askedByB: 'the character agent' });
    const [pair] = comparison.pairs;
    expect(pair!.difference).toMatchObject({ n: 27, meanA: 1, meanB: 0, difference: -1 });
    const phases = pair!.byCategory.filter((row) => row.category === 'phase');
    expect(phases.length).toBeGreaterThanOrEqual(2);
    expect(phases.reduce((sum, row) => sum + row.difference.n, 0)).toBe(27);
    for (const row of phases) expect(row.difference).toMatchObject({ meanA: 1, meanB: 0, difference: -1, low: -1, high: -1 });
    expect(pair!.byCategory.some((row) => row.category === 'character')).toBe(true);
  });

  it('a resumed agent run plays the rest the same way; --agent cannot be changed on a resume', async () => {
    let calls = 0;
    reply = () => (++calls % 4 === 0 ? { fault: 'server-error' } : undefined);
    const first = await start({ agent: true, runId: 'ci-resume', limit: 12 });
    expect(first.result.counts.failed).toBeGreaterThan(0);
    reply = undefined;
    fake.reset();
    const resumed = await resumeBenchRun({ store, env: {}, runId: 'ci-resume' });
    expect(resumed.result.counts).toMatchObject({ done: 12, failed: 0 });
    for (const request of fake.chatRequests()) expect(messagesOf(request).system).toContain('You died in');
    expect(await runErrorOf(resumeBenchRun({ store, env: {}, runId: 'ci-resume', plan: { agent: false } }))).toMatchObject({ code: 'run/fixed-on-resume', fields: ['agent'] });
  });

  it("Beyond One World's dilemmas: the hero's canon in the sheet, the thought read as the thinking and the act as the acting", async () => {
    reply = (request) => {
      const { users } = messagesOf(request);
      if (users.at(-1)!.includes('Choice A')) return turn('A. I fly upstream.', { intention: 'Save my brother first.' }, 'launches into the air');
      return undefined;
    };
    const { items, result } = await start({ benchmark: 'beyond-one-world-dilemma', data: DILEMMAS, agent: true, judge: 'openai-compatible:judge', runId: 'dilemma' });
    expect(result.counts.failed).toBe(0);
    const played = items.filter((item) => item.model === 'openai-compatible:fake');
    expect(played.length).toBeGreaterThan(0);
    for (const item of played) {
      const [attempt] = item.attempts;
      expect(attempt!.answer).toBe('<thinking>belief: b\nintention: Save my brother first.\ndesire: d\nemotion: e\nknowledge: k</thinking>\n<acting>(launches into the air) A. I fly upstream.</acting>');
      expect(attempt!.prompt[0]!.content).toMatch(/You are the version of .+ from .+\. You know only what that version knows\./);
    }
  });

  it('--character plays every dilemma as the given card: its sheet, its name in the situation', async () => {
    const { summary, items } = await start({ benchmark: 'beyond-one-world-dilemma', data: DILEMMAS, character: TAMSIN, judge: 'openai-compatible:judge', runId: 'as-tamsin' });
    expect(summary.mode).toEqual({ kind: 'agent', card: 'Tamsin' });
    const asked = fake.chatRequests().filter((request) => request.body.response_format?.json_schema?.name !== 'verdict' && messagesOf(request).users.at(-1)?.includes('Choice A'));
    expect(asked.length).toBe(items.length);
    for (const request of asked) {
      const { system, users } = messagesOf(request);
      expect(system).toContain('Tamsin');
      expect(system).not.toContain('Ironclad');
      expect(users.at(-1)).not.toContain('Mara Vance');
    }
  });

  it('refuses before storing a run: --character where items ask for their own persona, --agent on a loader without one', async () => {
    const failure = (work: Promise<unknown>) => work.then(() => { throw new Error('expected a refusal'); }, (error: unknown) => error as Error & { code?: string });
    const card = await failure(start({ character: TAMSIN, runId: 'nope' }));
    expect(card).toMatchObject({ code: 'eval/bad-definition' });
    expect(card.message).toMatch(/--character cannot play them/);
    const tomato = await failure(start({ benchmark: 'tomato', data: TOMATO, agent: true, runId: 'nope-2' }));
    expect(tomato).toMatchObject({ code: 'eval/bad-definition' });
    expect(tomato.message).toMatch(/loader tomato has no built-in persona .* write agent:/);
    expect(await store.listRuns()).toEqual([]);
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it("Moral RolePlay's moral level becomes the alignment; RoleMRC's earlier turns become the history", async () => {
    await start({ benchmark: 'moral-roleplay', data: VILLAINS, agent: true, judge: 'openai-compatible:judge', runId: 'villains', limit: 4 });
    const villainPrompts = fake.chatRequests().map(messagesOf).filter((m) => m.users.at(-1)?.startsWith('The scene so far:'));
    expect(villainPrompts.length).toBeGreaterThan(0);
    expect(villainPrompts.some((m) => /You are a (villain|egoist|paragon|flawed)/.test(m.system))).toBe(true);
    fake.reset();
    const { items } = await start({ benchmark: 'role-mrc', data: ROLE_MRC, agent: true, runId: 'mrc' });
    const multiTurn = items.find((item) => item.attempts[0]!.prompt.filter((m) => m.role === 'assistant').length > 0);
    expect(multiTurn, 'a RoleMRC item with earlier turns').toBeDefined();
  });

  it('agent: in a benchmark file, true (the loader\'s persona) or templates (the file\'s own persona)', async () => {
    const file = join(dir, 'my-bench.yaml');
    writeFileSync(file, [
      'name: my-ci',
      'dataset: { loader: concept-incongruence }',
      'scorers: [{ name: abstention, boundary: phase }]',
      'agent:',
      "  name: '{{character}}'",
      "  description: 'A figure who died in {{death_year}}.'",
      "  deathDate: '{{death_year}}'",
      "  era: 'the twentieth century'",
      "  user: 'Tell me: {{question}}'",
    ].join('\n'));
    const { summary } = await start({ benchmark: file, runId: 'templated', limit: 3 });
    expect(summary.mode).toEqual({ kind: 'agent' });
    for (const request of fake.chatRequests()) {
      const { system, users } = messagesOf(request);
      expect(system).toContain('You live in the twentieth century.');
      expect(users.at(-1)).toMatch(/^Tell me: Who is/);
    }
    fake.reset();
    writeFileSync(file, ['name: my-ci-2', 'dataset: { loader: concept-incongruence }', 'scorers: [{ name: abstention, boundary: phase }]', 'agent: true'].join('\n'));
    const plain = await start({ benchmark: file, runId: 'agent-true', limit: 2 });
    expect(plain.summary.mode).toEqual({ kind: 'agent' });
    expect(messagesOf(fake.chatRequests()[0]!).system).toContain('You died in');
  });

  it('a broken agent turn (invalid JSON, then repaired) is read like a chat turn; a refusal to produce one fails the item, not the run', async () => {
    let broken = 0;
    reply = () => (broken++ < 1 ? { fault: 'invalid-json' } : undefined);
    const { result } = await start({ agent: true, runId: 'repaired', limit: 2 });
    expect(result.counts).toMatchObject({ done: 2, failed: 0 });
  });
});
