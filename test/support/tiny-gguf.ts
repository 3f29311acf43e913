import { writeFile } from 'node:fs/promises';

/** Options of {@link writeTinyGguf}; the defaults make a 580 KB model llama.cpp loads in milliseconds. */
export interface TinyGgufOptions {
  seed?: number;
  nEmbd?: number;
  nLayer?: number;
  nHead?: number;
  nCtx?: number;
  /** Feed-forward width; 2·nEmbd by default. */
  nFf?: number;
  /**
   * Logit offsets by token text, the same at every position, replacing {@link DEFAULT_BIAS}. The defaults make
   * random weights behave: non-ASCII bytes (invalid UTF-8 on their own) never come, a `"` comes often enough to
   * end a JSON string, and `<|im_end|>` ends a plain reply after some fifty tokens.
   */
  bias?: Record<string, number>;
  /**
   * Control tokens added after the ChatML markers, e.g. Qwen's `<think>`, `</think>`, `<tool_call>`, `</tool_call>`
   * (which make the 471-token vocabulary of issue 13's slow grammar turn).
   */
  specialTokens?: string[];
}

/** See {@link TinyGgufOptions.bias}; the byte tokens are named `<0x80>`...`<0xFF>`. */
export const DEFAULT_BIAS: Readonly<Record<string, number>> = {
  '"': 4,
  '<|im_end|>': 2,
  ...Object.fromEntries(Array.from({ length: 128 }, (_, index) => [`<0x${(0x80 + index).toString(16).toUpperCase()}>`, -30])),
};

const ALIGNMENT = 32;
const CHATML_TEMPLATE =
  "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}" +
  '{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}';

const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

const WORDS = (
  'the a an and or of to in is it you I he she we they that this was for on with as at be by not but are his her ' +
  'have from had my me your what so all no yes do can will said one up out if there about who like just know how ' +
  'when would him them then now here well look see go come say tell think want time good oh hello hi name day way ' +
  'love eyes hand smile voice back away into over only very more little thank please sorry sure maybe right okay ' +
  'let get make take feel head where why our us'
).split(' ');

/** A SentencePiece-style vocabulary: unk, bos, eos, the 256 byte tokens, ChatML markers, then printable pieces. */
function vocabulary(specialTokens: readonly string[] = []): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_BYTE);
  }
  tokens.push('<|im_start|>', '<|im_end|>', ...specialTokens);
  types.push(TOKEN_CONTROL, TOKEN_CONTROL, ...specialTokens.map(() => TOKEN_CONTROL));
  const scores = tokens.map(() => 0);
  const pieces = ['▁', ...WORDS.map((word) => `▁${word}`)];
  for (let code = 0x21; code <= 0x7e; code++) pieces.push(String.fromCharCode(code));
  pieces.forEach((piece, index) => {
    tokens.push(piece);
    types.push(TOKEN_NORMAL);
    scores.push(-(index + 1));
  });
  return { tokens, scores, types };
}

/** mulberry32: a small deterministic generator, so the same seed gives the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

type Metadata =
  | { type: 'string'; value: string }
  | { type: 'u32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'strings'; value: string[] }
  | { type: 'f32s'; value: number[] }
  | { type: 'i32s'; value: number[] };

/** Collects little-endian bytes. */
class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void { this.chunks.push(buffer); this.length += buffer.length; }
  u32(value: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(value); this.push(b); }
  i32(value: number): void { const b = Buffer.alloc(4); b.writeInt32LE(value); this.push(b); }
  u64(value: number): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(value)); this.push(b); }
  f32(value: number): void { const b = Buffer.alloc(4); b.writeFloatLE(value); this.push(b); }
  string(value: string): void { const bytes = Buffer.from(value, 'utf8'); this.u64(bytes.length); this.push(bytes); }
  pad(): void { this.push(Buffer.alloc((ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT)); }
  bytes(): Buffer { return Buffer.concat(this.chunks, this.length); }

  metadata(key: string, entry: Metadata): void {
    this.string(key);
    switch (entry.type) {
      case 'string': this.u32(8); this.string(entry.value); break;
      case 'u32': this.u32(4); this.u32(entry.value); break;
      case 'f32': this.u32(6); this.f32(entry.value); break;
      case 'strings': this.u32(9); this.u32(8); this.u64(entry.value.length); entry.value.forEach((v) => this.string(v)); break;
      case 'f32s': this.u32(9); this.u32(6); this.u64(entry.value.length); entry.value.forEach((v) => this.f32(v)); break;
      case 'i32s': this.u32(9); this.u32(5); this.u64(entry.value.length); entry.value.forEach((v) => this.i32(v)); break;
    }
  }
}

/**
 * Writes a tiny llama-architecture GGUF v3 model with random F32 weights and a byte-fallback SPM vocabulary:
 * real enough for llama.cpp to load and generate (noise), small enough to make at test time. With the defaults
 * (580,160 bytes) node-llama-cpp 3.21.1 loads it on CPU in ~60 ms and generates noise that ends: the built-in
 * {@link DEFAULT_BIAS} keeps out invalid UTF-8 and closes JSON strings and replies, so grammar-constrained JSON
 * validates without a length limit on its strings. A byte vocabulary spends a token per character: the context
 * (2048) leaves room for a chat's system prompt.
 * @example const { path } = await writeTinyGguf(join(tempDir(), 'tiny.gguf'), { seed: 7 });
 */
export async function writeTinyGguf(path: string, options: TinyGgufOptions = {}): Promise<{ path: string; bytes: number }> {
  const { seed = 1, nEmbd = 64, nLayer = 2, nHead = 4, nCtx = 2048, bias = DEFAULT_BIAS } = options;
  const nHeadKv = nHead;
  const nFf = options.nFf ?? 2 * nEmbd;
  const nEmbdKv = (nEmbd / nHead) * nHeadKv;
  const { tokens, scores, types } = vocabulary(options.specialTokens);
  const nVocab = tokens.length;

  const metadata: [string, Metadata][] = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: `dramatis-tiny-llama-${seed}` }],
    ['general.alignment', { type: 'u32', value: ALIGNMENT }],
    ['llama.context_length', { type: 'u32', value: nCtx }],
    ['llama.embedding_length', { type: 'u32', value: nEmbd }],
    ['llama.block_count', { type: 'u32', value: nLayer }],
    ['llama.feed_forward_length', { type: 'u32', value: nFf }],
    ['llama.rope.dimension_count', { type: 'u32', value: nEmbd / nHead }],
    ['llama.attention.head_count', { type: 'u32', value: nHead }],
    ['llama.attention.head_count_kv', { type: 'u32', value: nHeadKv }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'strings', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'f32s', value: scores }],
    ['tokenizer.ggml.token_type', { type: 'i32s', value: types }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.chat_template', { type: 'string', value: CHATML_TEMPLATE }],
  ];

  // GGUF dims are innermost first: [columns, rows].
  const tensors: { name: string; dims: number[]; norm?: boolean }[] = [
    { name: 'token_embd.weight', dims: [nEmbd, nVocab] },
    { name: 'output_norm.weight', dims: [nEmbd], norm: true },
    { name: 'output.weight', dims: [nEmbd, nVocab] },
  ];
  for (let block = 0; block < nLayer; block++) {
    tensors.push(
      { name: `blk.${block}.attn_norm.weight`, dims: [nEmbd], norm: true },
      { name: `blk.${block}.attn_q.weight`, dims: [nEmbd, nEmbd] },
      { name: `blk.${block}.attn_k.weight`, dims: [nEmbd, nEmbdKv] },
      { name: `blk.${block}.attn_v.weight`, dims: [nEmbd, nEmbdKv] },
      { name: `blk.${block}.attn_output.weight`, dims: [nEmbd, nEmbd] },
      { name: `blk.${block}.ffn_norm.weight`, dims: [nEmbd], norm: true },
      { name: `blk.${block}.ffn_gate.weight`, dims: [nEmbd, nFf] },
      { name: `blk.${block}.ffn_up.weight`, dims: [nEmbd, nFf] },
      { name: `blk.${block}.ffn_down.weight`, dims: [nFf, nEmbd] },
    );
  }

  // Every token embedding carries 1 in dimension 0, which dominates the residual stream of these small random
  // layers: after the final RMS norm it is about sqrt(nEmbd). Output row t's dimension 0 then adds bias[t].
  const offsets = new Map(Object.entries(bias).map(([text, offset]) => [tokens.indexOf(text), offset]));
  if (offsets.has(-1)) throw new Error(`bias names a token not in the vocabulary: ${Object.keys(bias).filter((text) => !tokens.includes(text)).join(', ')}`);
  const steer = (name: string, values: Float32Array) => {
    for (let token = 0; token < nVocab; token++) {
      if (name === 'token_embd.weight') values[token * nEmbd] = 1;
      else values[token * nEmbd] = (offsets.get(token) ?? 0) / Math.sqrt(nEmbd);
    }
  };

  const header = new ByteWriter();
  header.push(Buffer.from('GGUF', 'latin1'));
  header.u32(3);
  header.u64(tensors.length);
  header.u64(metadata.length);
  for (const [key, entry] of metadata) header.metadata(key, entry);

  const next = random(seed);
  const data = new ByteWriter();
  for (const tensor of tensors) {
    data.pad();
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    tensor.dims.forEach((dim) => header.u64(dim));
    header.u32(0); // F32
    header.u64(data.length);
    const values = new Float32Array(tensor.dims.reduce((product, dim) => product * dim, 1));
    for (let index = 0; index < values.length; index++) values[index] = tensor.norm ? 1 : (next() * 2 - 1) * 0.02;
    if (tensor.name === 'token_embd.weight' || tensor.name === 'output.weight') steer(tensor.name, values);
    data.push(Buffer.from(values.buffer));
  }
  header.pad();

  const file = Buffer.concat([header.bytes(), data.bytes()]);
  await writeFile(path, file);
  return { path, bytes: file.length };
}
