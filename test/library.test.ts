import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLanguageModel, createModelRuntime, openChatSession, openSqliteStore, readCharacterFile } from '../src/index.ts';
import { startFakeLlm, type FakeLlm } from './support/fake-llm/index.ts';
import { repoRoot } from './support/cli.ts';

let fake: FakeLlm;
beforeAll(async () => { fake = await startFakeLlm(); });
afterAll(async () => { await fake.close(); });

describe('the library entry point', () => {
  it('chats with a real card through the OpenAI provider over HTTP, recording usage per session', async () => {
    const store = openSqliteStore(':memory:');
    const { character } = await readCharacterFile(join(repoRoot, 'test', 'fixtures', 'cards', 'tamsin.png'));
    const model = createLanguageModel('openai:gpt-4o-mini', {
      env: { OPENAI_API_KEY: 'test-key' }, baseURL: fake.url, runtime: createModelRuntime(), store, episodeId: 'lib',
    });
    fake.enqueue({ json: { thought: { belief: 'b', intention: 'i', desire: 'd', emotion: 'e', knowledge: 'k' }, action: '', speech: 'You are in the Saltmarsh.' } });
    const chat = await openChatSession({ store, character, model, sessionId: 'lib', userName: 'Ann' });
    const turn = await chat.send('Where am I?');
    expect(turn.output.speech).toBe('You are in the Saltmarsh.');
    const request = fake.chatRequests()[0];
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer test-key');
    expect(await store.usageTotals({ episodeId: 'lib' })).toMatchObject({ calls: 1 });
    await store.close();
  });
});

describe('benchmarks through the library', () => {
  it('loads a data file in a released format, runs it as jobs against a model over HTTP, and summarizes with intervals', async () => {
    const { resolveBenchmark, findLoader, createBenchRun, executeBenchRun, summarizeBenchRun, renderMarkdownReport } = await import('../src/eval-api.ts');
    const store = openSqliteStore(':memory:');
    const benchmark = await resolveBenchmark('tomato', { data: join(repoRoot, 'test', 'fixtures', 'bench', 'tomato', 'tomato_sample.json'), cwd: process.cwd() });
    const items = await findLoader(benchmark.definition.dataset.loader).load(benchmark.dataPath);
    fake.reset();
    for (let i = 0; i < 10; i++) fake.enqueue({ text: 'The answer is [A].' });
    const run = await createBenchRun({ store, benchmark, items, models: ['openai-compatible:fake'], env: {}, limit: 10, settings: { baseURL: fake.url } });
    const result = await executeBenchRun({ store, run, env: {}, runtime: createModelRuntime({ concurrency: 4 }), concurrency: 4 });
    expect(result.counts).toMatchObject({ done: 10, failed: 0 });
    const summary = await summarizeBenchRun(store, (await store.getRun(run.id))!, {});
    const rightAsA = items.slice(0, 10).filter((item) => item.answer === 0).length;
    expect(summary.models[0].metrics.accuracy.value).toBeCloseTo(rightAsA / 10, 10);
    expect(renderMarkdownReport(summary)).toContain('openai-compatible:fake');
    await store.close();
  });
});
