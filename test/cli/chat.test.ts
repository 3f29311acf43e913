import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.ts';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';

// A SillyTavern-style V2 PNG card with a 4-entry lorebook, and the same lore as world info (test/fixtures/cards).
const tamsin = join(repoRoot, 'test', 'fixtures', 'cards', 'tamsin.png');
const saltmarsh = join(repoRoot, 'test', 'fixtures', 'cards', 'Saltmarsh.json');
let fake: FakeLlm;
let dir: string;

beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });
beforeEach(() => { fake.reset(); dir = tempDir(); });

const turn = (speech: string, extra: { action?: string; belief?: string } = {}) => ({
  json: {
    thought: { belief: extra.belief ?? 'The traveller is hurt.', intention: 'Reassure them.', desire: 'A quiet tide.', emotion: 'concern', knowledge: 'Tidewraiths walk in the fog.' },
    action: extra.action ?? 'kneels beside the bed',
    speech,
  },
});

const chat = (...args: string[]) => runCli(
  ['chat', tamsin, '--model', 'openai-compatible:fake', '--base-url', fake.url, ...args],
  { cwd: dir, env: {} },
);
const events = async (session: string) => {
  const store = openSqliteStore(join(dir, '.dramatis', 'dramatis.db'));
  try { return await store.listEvents(session); } finally { await store.close(); }
};

describe('dramatis chat (one-shot, over HTTP to the fake server)', () => {
  it('answers in character with thoughts, lore and the greeting in the prompt', async () => {
    fake.enqueue(turn('You are safe in my stilt-house, traveller.'));
    const { code, stdout, stderr } = await chat('--message', 'Where am I? What is this marsh?', '--session', 's1', '--show-thoughts', '--user-name', 'Ann');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Tamsin: *kneels beside the bed*');
    expect(stdout).toContain('Tamsin: You are safe in my stilt-house, traveller.');
    expect(stdout).toContain('belief: The traveller is hurt.');
    const body = fake.chatRequests()[0].body;
    expect(body.response_format?.type).toBe('json_schema');
    expect(body.stream).toBe(true);
    const [system, ...rest] = body.messages!;
    expect(system.role).toBe('system');
    expect(String(system.content)).toContain('Tamsin');
    expect(JSON.stringify(rest)).toContain('Ann');
    expect(JSON.stringify(rest.at(-1))).toMatch(/Saltmarsh/);
    const stored = await events('s1');
    expect(stored.map((e) => e.kind)).toEqual(['speech', 'speech', 'thought', 'action', 'speech']);
    expect(stored[2].visibility).toEqual({ only: ['Tamsin'] });
  });

  it('continues a session: the second prompt starts with the first one', async () => {
    fake.enqueue(turn('First answer.'), turn('Second answer.'));
    expect((await chat('--message', 'Hello', '--session', 's2')).code).toBe(0);
    expect((await chat('--message', 'And then?', '--session', 's2')).code).toBe(0);
    const [a, b] = fake.chatRequests().map((r) => r.body.messages!);
    expect(b.slice(0, a.length - 1)).toEqual(a.slice(0, -1));
    expect(JSON.stringify(b)).toContain('First answer.');
  });

  it('prints the turn events with --json and the usage recorded for the session', async () => {
    fake.enqueue({ ...turn('Rest now.'), usage: { promptTokens: 321, completionTokens: 45 } });
    const { code, stdout } = await chat('--message', 'I am tired', '--session', 's3', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.events.map((e: { kind: string }) => e.kind)).toEqual(['speech', 'thought', 'action', 'speech']);
    expect(out.usage).toMatchObject({ calls: 1, inputTokens: 321, outputTokens: 45 });
  });

  it('answers the same request from the cache without a network call, unless --no-cache', async () => {
    fake.enqueue(turn('Cached words.'), turn('Fresh words.'));
    const first = await chat('--message', 'Hi', '--session', 'c1');
    const second = await chat('--message', 'Hi', '--session', 'c2');
    expect(second.stdout).toBe(first.stdout);
    expect(fake.chatRequests()).toHaveLength(1);
    const third = await chat('--message', 'Hi', '--session', 'c3', '--no-cache');
    expect(third.stdout).toContain('Fresh words.');
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('uses an extra --lorebook and refuses a greeting the card does not have', async () => {
    fake.enqueue(turn('Yes.'));
    const { code } = await chat('--message', 'Tell me of the Tidewraiths', '--session', 'g1', '--lorebook', saltmarsh);
    expect(code).toBe(0);
    expect(JSON.stringify(fake.chatRequests()[0].body.messages!.at(-1))).toMatch(/Tidewraith/);
    const missing = await chat('--message', 'Hi', '--session', 'g2', '--greeting', '1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/0 alternate greeting/);
  });

  it('switches to the tagged format by itself when the server rejects JSON-schema output', async () => {
    fake.enqueue(
      { fault: 'http-error', status: 400, message: "Unsupported parameter: 'response_format' of type 'json_schema'" },
      { text: '<thought>\nbelief: b\nintention: i\ndesire: d\nemotion: e\nknowledge: k\n</thought>\n<action>nods</action>\n<speech>Plain servers work too.</speech>' },
    );
    const { code, stdout } = await chat('--message', 'Hi', '--session', 'auto1');
    expect(code).toBe(0);
    expect(stdout).toContain('Tamsin: Plain servers work too.');
    const [first, second] = fake.chatRequests().map((r) => r.body);
    expect(first.response_format?.type).toBe('json_schema');
    expect(second.response_format).toBeUndefined();
    expect(String(second.messages![0].content)).toContain('<speech>');
    const store = openSqliteStore(join(dir, '.dramatis', 'dramatis.db'));
    expect((await store.getEpisode('auto1'))?.meta.mode).toBe('tagged');
    await store.close();
  });

  it("chats through the Ollama provider over Ollama's native /api/chat, with the schema as `format`", async () => {
    fake.enqueue({ ...turn('Ollama speaks.'), usage: { promptTokens: 200, completionTokens: 20 } });
    const origin = new URL(fake.url).origin;
    const { code, stdout } = await runCli(
      ['chat', tamsin, '--model', 'ollama:qwen2.5:7b', '--base-url', origin, '--message', 'Hi from Ollama', '--session', 'o1', '--json'],
      { cwd: dir, env: {} },
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.events.at(-1).text).toBe('Ollama speaks.');
    expect(out.usage).toMatchObject({ inputTokens: 200, outputTokens: 20 });
    const request = fake.chatRequests()[0];
    expect(request.path).toBe('/api/chat');
    expect(request.body).toMatchObject({ model: 'qwen2.5:7b' });
    expect((request.body.format as { properties?: object }).properties).toHaveProperty('thought');
  });

  it("chats through the Anthropic provider over /v1/messages (native structured output)", async () => {
    fake.enqueue({ ...turn('Claude speaks.'), usage: { promptTokens: 300, completionTokens: 30 } });
    const { code, stdout } = await runCli(
      ['chat', tamsin, '--model', 'anthropic:claude-sonnet-4-5', '--base-url', fake.url, '--message', 'Hi from Claude', '--session', 'a1', '--json'],
      { cwd: dir, env: { ANTHROPIC_API_KEY: 'test-key' } },
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.events.at(-1).text).toBe('Claude speaks.');
    expect(out.usage).toMatchObject({ inputTokens: 300, outputTokens: 30 });
    const request = fake.chatRequests()[0];
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe('test-key');
    expect(JSON.stringify(request.body.system)).toContain('Tamsin');
    expect(request.body.output_config).toHaveProperty('format');
  });

  it('falls back to the tagged-text format with --output-mode tagged', async () => {
    fake.enqueue({ text: '<thought>\nbelief: b\nintention: i\ndesire: d\nemotion: e\nknowledge: k\n</thought>\n<action></action>\n<speech>Tagged hello.</speech>' });
    const { code, stdout } = await chat('--message', 'Hi', '--session', 't1', '--output-mode', 'tagged');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('Tamsin: Tagged hello.');
    expect(fake.chatRequests()[0].body.response_format).toBeUndefined();
  });
});

describe('dramatis chat: a long session within --context-tokens', () => {
  it('compacts old history into a summary made by the model, and keeps going', async () => {
    const mirela = join(repoRoot, 'examples', 'cards', 'mirela.json');
    const long = 'The wind is rising and the shutters bang against the stone; tell me everything about this place. '.repeat(6);
    for (let i = 0; i < 8; i++) {
      fake.enqueue(turn(`Answer ${i}: ${long}`));
      const { code, stderr } = await runCli(
        ['chat', mirela, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--message', `Question ${i}: ${long}`, '--session', 'long', '--context-tokens', '3000'],
        { cwd: dir, env: {} },
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
    const summaries = fake.chatRequests().filter((r) => r.body.response_format === undefined);
    expect(summaries.length).toBeGreaterThan(0);
    expect(JSON.stringify(summaries[0].body.messages)).toContain('Summarize this part of a role-play');
    const show = JSON.parse((await runCli(['sessions', 'show', 'long', '--json'], { cwd: dir })).stdout);
    expect(show.session.meta.compaction.length).toBeGreaterThan(0);
    const last = fake.chatRequests().at(-1)!.body.messages!;
    expect(JSON.stringify(last)).toContain('[Summary of earlier events');
    expect(JSON.stringify(last)).not.toContain('Question 0:');
  });
});

describe('dramatis chat: faults leave the session with complete turns only', () => {
  // A failed first turn stores nothing: no greeting, no session that would list with 0 turns forever.
  const expectNoSession = async (session: string) => {
    expect(await events(session)).toHaveLength(0);
    const listed = JSON.parse((await runCli(['sessions', 'list', '--json'], { cwd: dir })).stdout) as { id: string }[];
    expect(listed.map((row) => row.id)).not.toContain(session);
  };

  it('waits out a 429 with Retry-After and succeeds', async () => {
    fake.enqueue({ fault: 'rate-limit', retryAfter: 0.05 }, { fault: 'server-error', status: 503 }, turn('Patience.'));
    const { code, stdout } = await chat('--message', 'Hi', '--session', 'f1');
    expect(code).toBe(0);
    expect(stdout).toContain('Patience.');
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('fails with one clear line after a 429 storm, storing nothing of the turn', async () => {
    for (let i = 0; i < 10; i++) fake.enqueue({ fault: 'rate-limit', retryAfter: 0.01 });
    const { code, stderr } = await chat('--message', 'Hi', '--session', 'f2');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/rate/i);
    await expectNoSession('f2');
  });

  it('times out a hung request', async () => {
    fake.enqueue({ fault: 'hang' }, { fault: 'hang' });
    const { code, stderr } = await chat('--message', 'Hi', '--session', 'f3', '--timeout', '0.2', '--retries', '1');
    expect(code).toBe(1);
    expect(stderr).toMatch(/tim(e|ed) ?out/i);
    expect(fake.chatRequests()).toHaveLength(2);
    await expectNoSession('f3');
  });

  it('fails on a stream cut mid-reply instead of keeping half a reply', async () => {
    const cut = { fault: 'truncate' as const, text: JSON.stringify(turn('This reply will be cut off in the middle.').json), afterChars: 150 };
    fake.enqueue(cut, cut, cut, cut, cut);
    const { code, stderr } = await chat('--message', 'Hi', '--session', 'f4');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    await expectNoSession('f4');
  });

  it('with --turn-retries, asks a cut turn again and stores it once, with a warning', async () => {
    const cut = { fault: 'truncate' as const, text: JSON.stringify(turn('This reply will be cut off in the middle.').json), afterChars: 150 };
    fake.enqueue(cut, cut, turn('Whole this time.'));
    const { code, stdout, stderr } = await chat('--message', 'Hi', '--session', 'f7', '--turn-retries', '2', '--turn-retry-delay', '0.01');
    expect(code).toBe(0);
    expect(stdout).toContain('Whole this time.');
    expect(stderr).toMatch(/warning: the turn failed: .*\[llm\/stream-cut\]; trying it again in .* \(turn retry 1 of 2\)/);
    const speeches = (await events('f7')).filter((event) => event.kind === 'speech' && event.actor !== 'user');
    expect(speeches.map((event) => event.text)).toEqual([expect.any(String), 'Whole this time.']);
  });

  it('repairs one invalid JSON reply, and fails cleanly on two', async () => {
    fake.enqueue({ fault: 'invalid-json' }, turn('Repaired.'));
    const ok = await chat('--message', 'Hi there', '--session', 'f5');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Repaired.');
    fake.enqueue({ fault: 'invalid-json' }, { json: { thought: 'not an object', speech: '' } });
    const bad = await chat('--message', 'Hello there', '--session', 'f6');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid/);
    await expectNoSession('f6');
    // A reply that is not JSON is never cached: trying again reaches the model.
    fake.enqueue(turn('Third time lucky.'));
    const again = await chat('--message', 'Hello there', '--session', 'f6');
    expect(again.stdout).toContain('Third time lucky.');
  });

  it('refuses a lorebook whose regex key does not compile, naming file, entry and key', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'world.json'), JSON.stringify({ entries: { 0: { uid: 0, key: ['/dragon(/i'], content: 'x', comment: 'Dragons' } } }));
    const { code, stderr } = await chat('--message', 'Hi', '--session', 'r1', '--lorebook', 'world.json');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/world\.json: lorebook entry 0 \(Dragons\): key \/dragon\(\/i is not a valid regular expression/);
    expect(fake.chatRequests()).toHaveLength(0);
  });

  // With no model configured, chat uses local:default: test/cli/local-models.test.ts.
});

describe('dramatis chat (interactive) and sessions', () => {
  it('chats line by line from stdin with /thoughts and /exit', async () => {
    fake.enqueue(turn('Welcome back.', { belief: 'HIDDEN-1' }), turn('Sleep now.', { belief: 'SHOWN-2' }));
    const result = await runCli(['chat', tamsin, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--session', 'i1'],
      { cwd: dir, env: {}, stdin: 'Hello\n/thoughts\nGoodnight\n/exit\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Tamsin: *kneels beside the bed* Welcome back.');
    expect(result.stdout).toContain('Sleep now.');
    expect(result.stdout).not.toContain('HIDDEN-1');
    expect(result.stdout).toContain('SHOWN-2');
    // The character thinks before it speaks, and the thought is shown in that order.
    expect(result.stdout.indexOf('SHOWN-2')).toBeLessThan(result.stdout.indexOf('Sleep now.'));
  });

  it('lists sessions and shows a transcript, thoughts only on request', async () => {
    fake.enqueue(turn('Listed.', { belief: 'PRIVATE' }));
    await chat('--message', 'Hi', '--session', 'l1');
    const list = await runCli(['sessions', 'list'], { cwd: dir });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/l1\s+Tamsin\s+1/);
    const show = await runCli(['sessions', 'show', 'l1'], { cwd: dir });
    expect(show.stdout).toContain('Tamsin: Listed.');
    expect(show.stdout).not.toContain('PRIVATE');
    expect((await runCli(['sessions', 'show', 'l1', '--show-thoughts'], { cwd: dir })).stdout).toContain('PRIVATE');
    expect((await runCli(['sessions', 'show', 'nope'], { cwd: dir })).code).toBe(1);
    const json = JSON.parse((await runCli(['sessions', 'list', '--json'], { cwd: dir })).stdout);
    expect(json[0]).toMatchObject({ id: 'l1', character: 'Tamsin', turns: 1 });
  });

  it('exits 2 on a usage error', async () => {
    expect((await runCli(['chat'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['chat', tamsin, '--context-tokens', 'lots'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['chat', tamsin, '--message', '  '], { cwd: dir })).code).toBe(2);
    expect((await runCli(['nonsense'], { cwd: dir })).code).toBe(2);
  });
});
