import { describe, expect, it } from 'vitest';
import {
  createEmbeddingModel, createLanguageModel, createModelRuntime, LlmError, parseModelSpec, resolveEndpoint, resolveModelSpec,
} from '../../src/llm/index.ts';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof LlmError ? error.code : `not an LlmError: ${String(error)}`;
  }
  return undefined;
}

describe('parseModelSpec', () => {
  it('splits on the first colon only', () => {
    expect(parseModelSpec('ollama:qwen2.5:7b')).toEqual({ provider: 'ollama', modelId: 'qwen2.5:7b' });
    expect(parseModelSpec('openai:gpt-4o-mini')).toEqual({ provider: 'openai', modelId: 'gpt-4o-mini' });
    expect(parseModelSpec('anthropic:claude-sonnet-4-5')).toEqual({ provider: 'anthropic', modelId: 'claude-sonnet-4-5' });
    expect(parseModelSpec('openai-compatible:meta-llama/Llama-3.1-8B')).toEqual({ provider: 'openai-compatible', modelId: 'meta-llama/Llama-3.1-8B' });
  });

  it('rejects empty, provider-less, unknown and model-less specs, listing the valid forms', () => {
    for (const spec of ['', '  ', 'gpt-4o', 'gemini:pro', 'openai:', ':x']) {
      expect(codeOf(() => parseModelSpec(spec))).toBe('llm/bad-spec');
    }
    expect(() => parseModelSpec('gemini:pro')).toThrow(/unknown provider "gemini".*openai:gpt-4o-mini.*ollama:qwen2\.5:7b.*openai-compatible:NAME/);
  });

  it('reads in-process local models: a name, a path or a Hub file', () => {
    expect(parseModelSpec('local:default')).toEqual({ provider: 'local', modelId: 'default' });
    expect(parseModelSpec('local:./models/m.gguf')).toEqual({ provider: 'local', modelId: './models/m.gguf' });
    expect(parseModelSpec('LOCAL:hf:a/b/c.gguf')).toEqual({ provider: 'local', modelId: 'hf:a/b/c.gguf' });
  });
});

describe('resolveModelSpec', () => {
  it('takes --model before DRAMATIS_MODEL', () => {
    expect(resolveModelSpec({ model: 'openai:a', env: { DRAMATIS_MODEL: 'ollama:b' } })).toEqual({ provider: 'openai', modelId: 'a' });
    expect(resolveModelSpec({ env: { DRAMATIS_MODEL: 'ollama:b' } })).toEqual({ provider: 'ollama', modelId: 'b' });
  });

  it('uses the in-process default model when no model is chosen', () => {
    expect(resolveModelSpec({ env: {} })).toEqual({ provider: 'local', modelId: 'default' });
    expect(resolveModelSpec({ model: '  ', env: { DRAMATIS_MODEL: '' } })).toEqual({ provider: 'local', modelId: 'default' });
  });
});

describe('resolveEndpoint', () => {
  it('needs a base URL for openai-compatible, from the option or DRAMATIS_BASE_URL', () => {
    const spec = parseModelSpec('openai-compatible:x');
    expect(codeOf(() => resolveEndpoint(spec, { env: {} }))).toBe('llm/no-base-url');
    expect(() => resolveEndpoint(spec, { env: {} })).toThrow(/--base-url.*DRAMATIS_BASE_URL/);
    expect(resolveEndpoint(spec, { env: { DRAMATIS_BASE_URL: 'http://h:1/v1/' } }).baseURL).toBe('http://h:1/v1');
    expect(resolveEndpoint(spec, { env: { DRAMATIS_BASE_URL: 'http://h:1/v1' }, baseURL: 'http://o:2/v1' }).baseURL).toBe('http://o:2/v1');
  });

  it('takes API keys from the usual variables', () => {
    const compatible = parseModelSpec('openai-compatible:x');
    const env = { DRAMATIS_BASE_URL: 'http://h/v1' };
    expect(resolveEndpoint(compatible, { env }).apiKey).toBeUndefined();
    expect(resolveEndpoint(compatible, { env: { ...env, OPENAI_API_KEY: 'o' } }).apiKey).toBe('o');
    expect(resolveEndpoint(compatible, { env: { ...env, OPENAI_API_KEY: 'o', DRAMATIS_API_KEY: 'd' } }).apiKey).toBe('d');
    expect(resolveEndpoint(parseModelSpec('openai:m'), { env: { OPENAI_API_KEY: 'o' } })).toMatchObject({ apiKey: 'o', baseURL: 'https://api.openai.com/v1' });
    expect(resolveEndpoint(parseModelSpec('anthropic:m'), { env: { ANTHROPIC_API_KEY: 'a' } }).apiKey).toBe('a');
    expect(codeOf(() => resolveEndpoint(parseModelSpec('openai:m'), { env: {} }))).toBe('llm/no-api-key');
    expect(() => resolveEndpoint(parseModelSpec('anthropic:m'), { env: {} })).toThrow(/ANTHROPIC_API_KEY/);
    // DRAMATIS_BASE_URL is for openai-compatible servers only.
    expect(resolveEndpoint(parseModelSpec('openai:m'), { env: { OPENAI_API_KEY: 'o', DRAMATIS_BASE_URL: 'http://h/v1' } }).baseURL).toBe('https://api.openai.com/v1');
  });

  it("points ollama at its native /api, from OLLAMA_HOST or the option", () => {
    const ollama = parseModelSpec('ollama:qwen2.5:7b');
    expect(resolveEndpoint(ollama, { env: {} }).baseURL).toBe('http://127.0.0.1:11434/api');
    expect(resolveEndpoint(ollama, { env: { OLLAMA_HOST: '10.0.0.2:11434' } }).baseURL).toBe('http://10.0.0.2:11434/api');
    expect(resolveEndpoint(ollama, { env: {}, baseURL: 'http://box:11434/api/' }).baseURL).toBe('http://box:11434/api');
  });
});

describe('createLanguageModel and createEmbeddingModel', () => {
  const runtime = createModelRuntime();

  it('builds models for every provider without touching the network', () => {
    const env = { OPENAI_API_KEY: 'o', ANTHROPIC_API_KEY: 'a', DRAMATIS_BASE_URL: 'http://127.0.0.1:9/v1' };
    for (const spec of ['openai:gpt-4o-mini', 'anthropic:claude-sonnet-4-5', 'ollama:qwen2.5:7b', 'openai-compatible:x']) {
      const model = createLanguageModel(spec, { env, runtime });
      expect(model.specificationVersion).toBe('v3');
      expect(model.modelId).toBe(parseModelSpec(spec).modelId);
    }
    expect(createEmbeddingModel('ollama:nomic-embed-text', { env, runtime }).modelId).toBe('nomic-embed-text');
    expect(codeOf(() => createEmbeddingModel('anthropic:x', { env, runtime }))).toBe('llm/unsupported');
  });
});
