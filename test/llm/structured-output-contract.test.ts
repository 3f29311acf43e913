import { join } from 'node:path';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Character } from '../../src/character/schema.ts';
import { toJsonSchema } from '../../src/llm/structured-output/index.ts';
import { TurnOutput, turnSchema } from '../../src/agent/turn-output.ts';
import { createJudge } from '../../src/eval/judges/create-judge.ts';
import { PairwiseVerdict } from '../../src/eval/judges/pairwise.ts';
import { rubricSchema } from '../../src/eval/judges/rubric.ts';
import { evaluatePersonality } from '../../src/eval/personality/personality-eval.ts';
import { FidelityVerdict } from '../../src/eval/scorers/moral-fidelity.ts';
import { ThinkActVerdict } from '../../src/eval/scorers/think-act.ts';
import { createLanguageModel, createModelRuntime, dialectFor, parseModelSpec, toDialectSchema, type SchemaDialect } from '../../src/llm/index.ts';
import { EmotionReply, scoreEmotion } from '../../src/memory/emotion.ts';
import { openChatSession } from '../../src/scene/chat-session.ts';
import { readSceneFile } from '../../src/scene/scene-file.ts';
import { openSceneEpisode } from '../../src/scene/scene-episode.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { repoRoot } from '../support/cli.ts';
import { anthropicRefusal, geminiRefusal, openAiStrictRefusal, startFakeLlm, type FakeLlm, type FakeRequest } from '../support/fake-llm/index.ts';
import { z } from 'zod';

// Every structured call the engine makes, through every provider dialect, against fakes that refuse what each real
// provider refuses: no request may be rejected, and each call must use structured output (never the text fallback).

const character = Character.parse({
  name: 'Mirela', description: 'The keeper of the lighthouse.', personality: 'guarded', scenario: 'A storm night.',
  first_mes: 'Who climbs my stairs at this hour?', mes_example: '', creator_notes: '', system_prompt: '',
  post_history_instructions: '', alternate_greetings: [], tags: [], creator: '', character_version: '',
  extensions: {}, group_only_greetings: [],
});

let fakes: Record<'any' | 'openai-strict' | 'gemini', FakeLlm>;
beforeAll(async () => {
  fakes = { any: await startFakeLlm(), 'openai-strict': await startFakeLlm({ dialect: 'openai-strict' }), gemini: await startFakeLlm({ dialect: 'gemini' }) };
});
afterAll(async () => {
  for (const fake of Object.values(fakes)) await fake.close();
});
beforeEach(() => {
  for (const fake of Object.values(fakes)) fake.reset();
});

interface Provider {
  dialect: SchemaDialect;
  fake: () => FakeLlm;
  model: () => LanguageModelV3;
  /** The schema a request carried, in the provider's wire format. */
  schemaOf: (request: FakeRequest) => unknown;
}

const runtime = createModelRuntime();
const make = (spec: string, baseURL: () => string) => () => createLanguageModel(spec, { env: {}, runtime, baseURL: baseURL(), apiKey: 'k', retry: { maxRetries: 0 }, timeoutMs: 10_000 });
const responseFormatSchema = (request: FakeRequest) => (request.body.response_format as { json_schema?: { schema?: unknown } } | undefined)?.json_schema?.schema;

const PROVIDERS: Record<string, Provider> = {
  'openai (strict structured outputs)': {
    dialect: 'openai', fake: () => fakes['openai-strict'], model: make('openai:gpt-4o-mini', () => fakes['openai-strict'].url), schemaOf: responseFormatSchema,
  },
  'anthropic (output_config.format)': {
    dialect: 'anthropic', fake: () => fakes.any, model: make('anthropic:claude-sonnet-4-5', () => fakes.any.url),
    // The fake maps output_config.format onto response_format; the refusal was checked on the original.
    schemaOf: responseFormatSchema,
  },
  'gemini (OpenAI-compatible endpoint)': {
    dialect: 'gemini', fake: () => fakes.gemini, model: make('openai-compatible:gemini-2.5-flash', () => fakes.gemini.url), schemaOf: responseFormatSchema,
  },
  'ollama (format)': {
    dialect: 'ollama', fake: () => fakes.any, model: make('ollama:qwen2.5:7b', () => new URL(fakes.any.url).origin), schemaOf: (request) => request.body.format,
  },
  'openai-compatible (grammar server)': {
    dialect: 'openai-compatible', fake: () => fakes.any, model: make('openai-compatible:fake', () => fakes.any.url), schemaOf: responseFormatSchema,
  },
};

/** Every chat request was answered, and `structured` of them carried a schema. */
function expectAccepted(provider: Provider, structured: number): void {
  const requests = provider.fake().chatRequests();
  expect(requests.filter((request) => (request.status ?? 0) >= 400).map((request) => request.status)).toEqual([]);
  expect(requests.filter((request) => provider.schemaOf(request) !== undefined).length).toBeGreaterThanOrEqual(structured);
}

describe.each(Object.entries(PROVIDERS))('structured calls through %s', (_name, provider) => {
  it('agent turns in a chat, with compaction summaries, stay in structured output', async () => {
    const store = openSqliteStore(':memory:');
    const session = await openChatSession({ store, character, model: provider.model(), sessionId: 'c', userName: 'Ann', contextTokens: 1500 });
    for (let turn = 0; turn < 4; turn++) await session.send(`Turn ${turn}: tell me about the lamp, the storm and the boat you saw from the gallery.`);
    expect(session.mode).toBe('json');
    expectAccepted(provider, 4);
  });

  it('scene turns (whisper and leave moves) and narrator turns stay in structured output', async () => {
    const scene = await readSceneFile(join(repoRoot, 'examples', 'scenes', 'heist.yaml'));
    const model = provider.model();
    const episode = await openSceneEpisode({ store: openSqliteStore(':memory:'), scene, episodeId: 'e', seed: 1, models: { character: () => model, narrator: model } });
    for (let step = 0; step < 5; step++) await episode.step();
    expect(Object.values(episode.roleModes)).toEqual(Object.values(episode.roleModes).map(() => 'json'));
    expectAccepted(provider, 3);
  });

  it('judge verdicts (rubric, pairwise, think-act, moral fidelity), emotion scores and personality ratings', async () => {
    const model = provider.model();
    const judge = createJudge(model, { name: 'judge' });
    const schemas: z.ZodType[] = [
      rubricSchema([{ name: 'consistency', description: 'stays in character', scale: [1, 5] }]), PairwiseVerdict, ThinkActVerdict, FidelityVerdict,
    ];
    for (const schema of schemas) {
      const verdict = await judge.ask({ task: 'Judge the reply.', candidates: { A: 'I keep the lamp.', B: 'Go away.' }, schema });
      expect(verdict.error).toBeUndefined();
    }
    expect(await scoreEmotion(model, { character: 'Mirela', text: 'The lamp failed and I heard them drowning.' })).toHaveLength(8);
    const result = await evaluatePersonality({
      character, model, evaluator: model,
      questionnaire: { name: 'one', range: [1, 5], dimensions: ['Openness'], items: [{ id: '1', dimension: 'Openness', statement: 'I have a vivid imagination.', reversed: false }], source: 'test' },
    });
    expect(result.dimensions).toHaveLength(1);
    expectAccepted(provider, schemas.length + 3);
  });
});

describe('the dialect of a model', () => {
  it('is its provider\'s, or for openai-compatible its host\'s or model family\'s, unless DRAMATIS_SCHEMA_DIALECT says', () => {
    const of = (spec: string, baseURL?: string, env = {}) => dialectFor(parseModelSpec(spec), { baseURL, env });
    expect(of('openai:gpt-4o-mini')).toBe('openai');
    expect(of('anthropic:claude-sonnet-4-5')).toBe('anthropic');
    expect(of('ollama:qwen2.5:7b')).toBe('ollama');
    expect(of('local:default')).toBe('local');
    expect(of('openai-compatible:qwen', 'http://127.0.0.1:8000/v1')).toBe('openai-compatible');
    expect(of('openai-compatible:gemini-2.5-flash', 'https://generativelanguage.googleapis.com/v1beta/openai')).toBe('gemini');
    expect(of('openai-compatible:gemini-2.5-flash', 'http://127.0.0.1:4000/v1')).toBe('gemini');
    expect(of('openai-compatible:openai/gpt-4o', 'https://openrouter.ai/api/v1')).toBe('openai');
    expect(of('openai-compatible:qwen', 'http://127.0.0.1:8000/v1', { DRAMATIS_SCHEMA_DIALECT: 'openai' })).toBe('openai');
    expect(() => of('openai:x', undefined, { DRAMATIS_SCHEMA_DIALECT: 'strict' })).toThrow(/unknown schema dialect "strict".*openai, anthropic/);
  });
});

describe('the dialects against what each provider refuses', () => {
  const engineSchemas = {
    turn: toJsonSchema(TurnOutput),
    'scene turn': toJsonSchema(turnSchema({ whisperTo: ['Karl'], canLeave: true })),
    rubric: toJsonSchema(rubricSchema([{ name: 'x', description: 'd', scale: [1, 5] }])),
    pairwise: toJsonSchema(PairwiseVerdict),
    'think-act': toJsonSchema(ThinkActVerdict),
    fidelity: toJsonSchema(FidelityVerdict),
    emotion: z.toJSONSchema(EmotionReply),
    narrator: toJsonSchema(z.object({ narration: z.string(), private: z.array(z.object({ to: z.array(z.enum(['A', 'B'])).min(1), text: z.string() })), end: z.boolean() })),
  };

  it.each(Object.entries(engineSchemas))('%s: refused as the engine derives it, accepted in the dialect', (_name, schema) => {
    const refusals = { openai: openAiStrictRefusal, anthropic: anthropicRefusal, gemini: geminiRefusal };
    for (const [dialect, refusal] of Object.entries(refusals) as [SchemaDialect, (schema: never, name: string) => unknown][]) {
      expect(refusal(toDialectSchema(schema, dialect).schema as never, 'x')).toBeUndefined();
    }
  });

  it('moves what a dialect cannot carry into the description, where the model still reads it', () => {
    const { schema, moved } = toDialectSchema(toJsonSchema(TurnOutput), 'openai');
    expect(openAiStrictRefusal(toJsonSchema(TurnOutput) as never, 'turn')?.message).toBe(
      "Invalid schema for response_format 'turn': In context=('properties', 'speech'), 'minLength' is not permitted.",
    );
    expect(moved).toContain('properties.speech: minLength');
    const speech = (schema.properties as Record<string, { description?: string; minLength?: number }>).speech!;
    expect(speech.minLength).toBeUndefined();
    expect(speech.description).toMatch(/Never empty\.\nmin length: 1\.$/);
    // A grammar server keeps the bound: it enforces it while generating.
    expect((toDialectSchema(toJsonSchema(TurnOutput), 'openai-compatible').schema.properties as Record<string, { minLength?: number }>).speech!.minLength).toBe(1);
  });

  it('sends an optional property as required and nullable under OpenAI strict mode, and refuses a root that is not an object', () => {
    const optional = toJsonSchema(z.object({ a: z.string(), b: z.string().optional() }));
    expect(openAiStrictRefusal(optional as never, 'x')?.message).toMatch(/Missing 'b'/);
    const { schema, moved } = toDialectSchema(optional, 'openai');
    expect(openAiStrictRefusal(schema as never, 'x')).toBeUndefined();
    expect(schema.properties!.b).toEqual({ anyOf: [{ type: 'string' }, { type: 'null' }] });
    expect(moved).toContain('properties.b: optional (sent as nullable)');
    expect(() => toDialectSchema({ type: 'array', items: { type: 'string' } }, 'openai')).toThrow(/needs an object at the root/);
  });
});
