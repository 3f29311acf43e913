import { mkdtemp, mkdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmError } from '../../src/llm/errors.ts';
import { checkGgufFile, readGgufHeader } from '../../src/llm/local/gguf.ts';
import { writeTinyGguf } from '../support/tiny-gguf.ts';

let dir: string;
let tiny: { path: string; bytes: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dramatis-gguf-'));
  tiny = await writeTinyGguf(join(dir, 'tiny.gguf'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(path: string): Promise<LlmError> {
  const error = await checkGgufFile(path).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(LlmError);
  expect((error as LlmError).code).toBe('llm/bad-model-file');
  return error as LlmError;
}

async function copyOfTiny(name: string, length: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, (await readFile(tiny.path)).subarray(0, length));
  return path;
}

describe('writeTinyGguf', () => {
  it('writes a small llama model that reads back', async () => {
    const header = await readGgufHeader(tiny.path);
    expect(header.version).toBe(3);
    expect(header.architecture).toBe('llama');
    expect(header.contextLength).toBe(2048);
    expect(header.tensorCount).toBe(3 + 9 * 2);
    expect(header.tensors).toHaveLength(header.tensorCount);
    expect(header.metadata['tokenizer.ggml.tokens']).toEqual({ type: 'array', length: expect.any(Number) });
    const vocab = (header.metadata['tokenizer.ggml.tokens'] as { length: number }).length;
    expect(vocab).toBeGreaterThan(440);
    expect(vocab).toBeLessThan(500);
    expect(header.metadata['llama.attention.layer_norm_rms_epsilon']).toBeCloseTo(1e-5);
    expect(header.metadata['tokenizer.chat_template']).toContain('<|im_start|>');
    expect(header.tensors.find((tensor) => tensor.name === 'token_embd.weight')?.dims).toEqual([64, vocab]);
    expect(header.tensors.find((tensor) => tensor.name === 'blk.1.ffn_down.weight')).toMatchObject({ dims: [128, 64], type: 0 });
    expect(header.dataOffset % 32).toBe(0);
    expect(header.tensors.every((tensor) => tensor.offset % 32 === 0)).toBe(true);
    expect(header.expectedSize).toBe(tiny.bytes);
    expect((await stat(tiny.path)).size).toBe(tiny.bytes);
    expect(tiny.bytes).toBe(580_160);
  });

  it('is deterministic per seed and follows the size options', async () => {
    const again = await writeTinyGguf(join(dir, 'again.gguf'));
    expect(Buffer.compare(await readFile(again.path), await readFile(tiny.path))).toBe(0);
    const other = await writeTinyGguf(join(dir, 'other.gguf'), { seed: 2, nEmbd: 32, nLayer: 1, nHead: 2, nCtx: 128 });
    const header = await checkGgufFile(other.path);
    expect(header.tensorCount).toBe(3 + 9);
    expect(header.contextLength).toBe(128);
    expect(header.metadata['llama.rope.dimension_count']).toBe(16);
    expect(header.expectedSize).toBe(other.bytes);
  });
});

describe('checkGgufFile', () => {
  it('accepts a complete GGUF file', async () => {
    await expect(checkGgufFile(tiny.path)).resolves.toMatchObject({ architecture: 'llama', expectedSize: tiny.bytes });
  });

  it('names a missing path and what to pass instead', async () => {
    const error = await rejection(join(dir, 'nope.gguf'));
    expect(error.message).toContain(`no such model file: ${join(dir, 'nope.gguf')}`);
    expect(error.message).toContain('local:default');
  });

  it('refuses a directory', async () => {
    await mkdir(join(dir, 'models'));
    expect((await rejection(join(dir, 'models'))).message).toMatch(/is a directory/);
  });

  it('recognises an HTML page saved in place of the model', async () => {
    const path = join(dir, 'page.gguf');
    await writeFile(path, '<!DOCTYPE html>\n<html><body>Not found</body></html>\n');
    const { message } = await rejection(path);
    expect(message).toMatch(/not a GGUF file/);
    expect(message).toMatch(/HTML page/);
    expect(message).toMatch(/llama\.cpp needs a \.gguf/);
  });

  it('recognises a safetensors file', async () => {
    const json = Buffer.from('{"__metadata__":{"format":"pt"}}');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    const path = join(dir, 'model.safetensors');
    await writeFile(path, Buffer.concat([length, json, Buffer.alloc(64)]));
    const { message } = await rejection(path);
    expect(message).toMatch(/safetensors/);
    expect(message).toMatch(/GGUF/);
  });

  it('recognises a zip or PyTorch checkpoint', async () => {
    const path = join(dir, 'pytorch_model.bin');
    await writeFile(path, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(100)]));
    const { message } = await rejection(path);
    expect(message).toMatch(/zip archive or PyTorch/);
    expect(message).toMatch(/llama\.cpp needs a \.gguf/);
  });

  it('refuses an unsupported version', async () => {
    const bytes = await readFile(tiny.path);
    bytes.writeUInt32LE(1, 4);
    const path = join(dir, 'v1.gguf');
    await writeFile(path, bytes);
    expect((await rejection(path)).message).toMatch(/GGUF version 1; this build reads versions 2 and 3/);
  });

  it('reports a header cut short', async () => {
    const { message } = await rejection(await copyOfTiny('cut-header.gguf', 20));
    expect(message).toMatch(/cut short/);
    expect(message).toMatch(/incomplete/);
    expect(message).toContain('dramatis models pull');
  });

  it('reports how many bytes of weights are missing', async () => {
    const path = await copyOfTiny('cut-data.gguf', tiny.bytes);
    await truncate(path, tiny.bytes - 1000);
    const { message } = await rejection(path);
    expect(message).toContain('1000 bytes are missing');
    expect(message).toMatch(/interrupted download/);
    expect(message).toContain('dramatis models pull');
  });
});
