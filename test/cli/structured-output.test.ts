import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.ts';
import { repoRoot, runCli, tempDir } from '../support/cli.ts';
import { startFakeLlm, type FakeLlm, type FakeRequest } from '../support/fake-llm/index.ts';

// Structured output as a user meets it: a strict OpenAI server takes the first turn with its schema, and a server
// that refuses JSON schemas is asked in text after its first refusals, recorded with the run.

const mirela = join(repoRoot, 'examples', 'cards', 'mirela.json');
const judgeAgreement = join(repoRoot, 'examples', 'bench', 'judge-agreement.yaml');

let fake: FakeLlm | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const withSchema = (request: FakeRequest) => (request.body.response_format as { type?: string } | undefined)?.type === 'json_schema';
const refused = () => fake!.chatRequests().filter((request) => request.status === 400);

/** A server without JSON-schema support: it refuses `response_format: json_schema` as vLLM builds without guided decoding do. */
async function schemaRefusingServer(): Promise<FakeLlm> {
  return startFakeLlm({
    handler: (request) => (withSchema(request) ? { fault: 'http-error', status: 400, message: "response_format 'json_schema' is not supported by this server" } : undefined),
  });
}

describe('a strict OpenAI server', () => {
  it('takes the first chat turn with its schema: no 400 in the request log, strict mode on', async () => {
    fake = await startFakeLlm({ dialect: 'openai-strict' });
    const cwd = tempDir();
    const result = await runCli(['chat', mirela, '--model', 'openai:gpt-4o-mini', '--base-url', fake.url, '--message', 'Who are you?', '--session', 's1', '--json'], {
      cwd, env: { OPENAI_API_KEY: 'sk-test' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const requests = fake.chatRequests();
    expect(requests.map((request) => request.status)).toEqual([200]);
    const format = requests[0]!.body.response_format as { type: string; json_schema: { strict: boolean; schema: { properties: { speech: Record<string, unknown> } } } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    expect(format.json_schema.schema.properties.speech.minLength).toBeUndefined();
    expect(format.json_schema.schema.properties.speech.description).toContain('min length: 1');
    const store = openSqliteStore(join(cwd, '.dramatis', 'dramatis.db'));
    expect((await store.getEpisode('s1'))?.meta.mode).toBe('json');
    await store.close();
  });
});

describe('a server that refuses JSON schemas', () => {
  it('bench run: the answers with an answer schema are asked in text after one refusal, and the summary says so', async () => {
    fake = await schemaRefusingServer();
    const cwd = tempDir();
    const result = await runCli(['bench', 'run', judgeAgreement, '--model', 'openai-compatible:plain', '--base-url', fake.url, '--concurrency', '1', '--run-id', 'b1'], { cwd });
    expect(result.code).toBe(0);
    // Only the requests already in flight when the first refusal came back (a quarter more items than slots: 2).
    expect(refused().length).toBeGreaterThanOrEqual(1);
    expect(refused().length).toBeLessThanOrEqual(2);
    expect(fake.chatRequests().filter(withSchema)).toEqual(refused());
    expect(fake.chatRequests().filter((request) => request.status === 200)).toHaveLength(12);
    expect(result.stdout).toContain('structured output: openai-compatible:plain text (its server refused JSON schemas)');
    const store = openSqliteStore(join(cwd, '.dramatis', 'dramatis.db'));
    expect((await store.getRun('b1'))?.meta.structuredOutput).toEqual({ 'openai-compatible:plain': 'text' });
    await store.close();
  });

  it('a server that takes schemas: the summary names the dialect', async () => {
    fake = await startFakeLlm();
    const result = await runCli(['bench', 'run', judgeAgreement, '--model', 'openai-compatible:fake', '--base-url', fake.url, '--limit', '2'], { cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('structured output: openai-compatible:fake JSON schema (openai-compatible dialect)');
  });
});

describe('dramatis models info', () => {
  it('prints the dialect, the structured-output mode, the context window and the price, calling nothing', async () => {
    const text = await runCli(['models', 'info', 'openai:gpt-4o-mini']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('dialect:            openai');
    expect(text.stdout).toMatch(/structured output: {2}JSON schema in the openai dialect \(strict/);
    expect(text.stdout).toMatch(/checked after parsing \(not sent\): minLength, maxLength/);
    expect(text.stdout).toContain('context window:     128,000 tokens');
    expect(text.stdout).toContain('price:              $0.15 input, $0.6 output per million tokens');

    const gemini = JSON.parse((await runCli(['models', 'info', 'openai-compatible:flash', '--base-url', 'https://generativelanguage.googleapis.com/v1beta/openai', '--json'])).stdout);
    expect(gemini).toMatchObject({ dialect: 'gemini', checkedAfterParsing: expect.arrayContaining(['additionalProperties']) });
    const forced = JSON.parse((await runCli(['models', 'info', 'openai-compatible:vllm', '--json'], { env: { DRAMATIS_SCHEMA_DIALECT: 'openai' } })).stdout);
    expect(forced.dialect).toBe('openai');
    const priced = JSON.parse((await runCli(['models', 'info', 'ollama:qwen2.5:7b', '--json'], { env: { DRAMATIS_PRICES: '{"ollama:qwen2.5:7b":{"input":0,"output":0}}' } })).stdout);
    expect(priced).toMatchObject({ dialect: 'ollama', contextWindow: { tokens: 4096 }, price: { input: 0, output: 0 } });
  });

  it("reads a local model's context from its GGUF header", async () => {
    const { writeTinyGguf } = await import('../support/tiny-gguf.ts');
    const dir = tempDir();
    await writeTinyGguf(join(dir, 'small.gguf'), { nCtx: 2048 });
    const info = JSON.parse((await runCli(['models', 'info', 'local:./small.gguf', '--json'], { cwd: dir })).stdout);
    expect(info).toMatchObject({ dialect: 'local', contextWindow: { tokens: 2048 }, price: { input: 0, output: 0 } });
    const bad = await runCli(['models', 'info', 'nope:x']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/nope/);
  });
});
