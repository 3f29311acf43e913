import { open, stat, type FileHandle } from 'node:fs/promises';
import { LlmError } from '../errors.ts';

/** A metadata value; u64/i64 beyond 2^53 stay bigint, long arrays are summarised. */
export type GgufValue = number | bigint | boolean | string | GgufValue[] | GgufArraySummary;

/** Stands in for an array longer than {@link MAX_ARRAY_KEPT} elements (token lists, merges). */
export interface GgufArraySummary { type: 'array'; length: number }

export interface GgufTensorInfo {
  name: string;
  /** Innermost first, as stored. */
  dims: number[];
  /** A ggml type id (0 F32, 1 F16, 12 Q4_K, ...). */
  type: number;
  /** Relative to {@link GgufHeader.dataOffset}. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  tensorCount: number;
  metadata: Record<string, GgufValue>;
  architecture?: string;
  /** `<architecture>.context_length`: the context the model was trained for. */
  contextLength?: number;
  tensors: GgufTensorInfo[];
  /** Where tensor data begins: the end of the header rounded up to `general.alignment`. */
  dataOffset: number;
  /** The size a complete file has; undefined when a tensor type's size is unknown here. */
  expectedSize?: number;
}

const MAGIC = 'GGUF';
const SUPPORTED_VERSIONS = [2, 3];
const DEFAULT_ALIGNMENT = 32;
const MAX_ARRAY_KEPT = 64;
const MAX_DIMS = 4;
const CHUNK = 64 * 1024;

/** ggml type id → [elements per block, bytes per block], as in gguf-py's GGML_QUANT_SIZES. */
const GGML_TYPE_SIZES: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0, [1, 4]], // F32
  [1, [1, 2]], // F16
  [2, [32, 18]], // Q4_0
  [3, [32, 20]], // Q4_1
  [6, [32, 22]], // Q5_0
  [7, [32, 24]], // Q5_1
  [8, [32, 34]], // Q8_0
  [9, [32, 36]], // Q8_1
  [10, [256, 84]], // Q2_K
  [11, [256, 110]], // Q3_K
  [12, [256, 144]], // Q4_K
  [13, [256, 176]], // Q5_K
  [14, [256, 210]], // Q6_K
  [15, [256, 292]], // Q8_K
  [16, [256, 66]], // IQ2_XXS
  [17, [256, 74]], // IQ2_XS
  [18, [256, 98]], // IQ3_XXS
  [19, [256, 50]], // IQ1_S
  [20, [32, 18]], // IQ4_NL
  [21, [256, 110]], // IQ3_S
  [22, [256, 82]], // IQ2_S
  [23, [256, 136]], // IQ4_XS
  [24, [1, 1]], // I8
  [25, [1, 2]], // I16
  [26, [1, 4]], // I32
  [27, [1, 8]], // I64
  [28, [1, 8]], // F64
  [29, [256, 56]], // IQ1_M
  [30, [1, 2]], // BF16
  [34, [256, 54]], // TQ1_0
  [35, [256, 66]], // TQ2_0
  [39, [32, 17]], // MXFP4
]);

/** Bytes of a tensor's data, or undefined for a ggml type not listed above. */
export function ggmlTensorBytes(type: number, dims: readonly number[]): number | undefined {
  const size = GGML_TYPE_SIZES.get(type);
  if (!size) return undefined;
  const elements = dims.reduce((product, dim) => product * dim, 1);
  return Math.ceil(elements / size[0]) * size[1];
}

/** Thrown inside the reader when the file ends before the header does. */
class Truncated extends Error {}

/** Reads a file front to back through a window refilled by positioned reads. */
class HeaderReader {
  position = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(private readonly file: FileHandle, readonly fileSize: number) {}

  private async need(length: number): Promise<Buffer> {
    if (this.position + length > this.fileSize) throw new Truncated();
    const start = this.position - this.windowStart;
    if (start < 0 || start + length > this.window.length) {
      const size = Math.min(Math.max(length, CHUNK), this.fileSize - this.position);
      const buffer = Buffer.alloc(size);
      const { bytesRead } = await this.file.read(buffer, 0, size, this.position);
      if (bytesRead < length) throw new Truncated();
      this.window = buffer.subarray(0, bytesRead);
      this.windowStart = this.position;
    }
    const offset = this.position - this.windowStart;
    this.position += length;
    return this.window.subarray(offset, offset + length);
  }

  skip(length: number): void {
    if (this.position + length > this.fileSize) throw new Truncated();
    this.position += length;
  }

  async bytes(length: number): Promise<Buffer> { return this.need(length); }
  async u8(): Promise<number> { return (await this.need(1)).readUInt8(0); }
  async u32(): Promise<number> { return (await this.need(4)).readUInt32LE(0); }
  async u64(): Promise<bigint> { return (await this.need(8)).readBigUInt64LE(0); }

  /** A u64 that must be a length or count within the file. */
  async size(): Promise<number> {
    const value = await this.u64();
    if (value > BigInt(this.fileSize)) throw new Truncated();
    return Number(value);
  }

  async string(): Promise<string> {
    return (await this.need(await this.size())).toString('utf8');
  }
}

const SCALAR_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

function bigToValue(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

async function readScalar(reader: HeaderReader, type: number): Promise<GgufValue> {
  const bytes = await reader.bytes(SCALAR_BYTES[type]);
  switch (type) {
    case 0: return bytes.readUInt8(0);
    case 1: return bytes.readInt8(0);
    case 2: return bytes.readUInt16LE(0);
    case 3: return bytes.readInt16LE(0);
    case 4: return bytes.readUInt32LE(0);
    case 5: return bytes.readInt32LE(0);
    case 6: return bytes.readFloatLE(0);
    case 7: return bytes.readUInt8(0) !== 0;
    case 10: return bigToValue(bytes.readBigUInt64LE(0));
    case 11: return bigToValue(bytes.readBigInt64LE(0));
    default: return bytes.readDoubleLE(0);
  }
}

async function readValue(reader: HeaderReader, type: number, key: string, path: string): Promise<GgufValue> {
  if (type in SCALAR_BYTES) return readScalar(reader, type);
  if (type === 8) return reader.string();
  if (type !== 9) throw corrupt(path, `metadata "${key}" has unknown value type ${type}`);
  const elementType = await reader.u32();
  const length = await reader.size();
  if (elementType === 9) throw corrupt(path, `metadata "${key}" is an array of arrays`);
  if (length > MAX_ARRAY_KEPT) {
    if (elementType in SCALAR_BYTES) reader.skip(length * SCALAR_BYTES[elementType]);
    else if (elementType === 8) for (let index = 0; index < length; index++) reader.skip(await reader.size());
    else throw corrupt(path, `metadata "${key}" has unknown element type ${elementType}`);
    return { type: 'array', length };
  }
  const values: GgufValue[] = [];
  for (let index = 0; index < length; index++) values.push(await readValue(reader, elementType, key, path));
  return values;
}

function corrupt(path: string, detail: string): LlmError {
  return new LlmError('llm/bad-model-file', `${path} is a damaged GGUF file (${detail}); download or convert the model again`);
}

function truncatedHeader(path: string, fileSize: number): LlmError {
  return new LlmError(
    'llm/bad-model-file',
    `${path} is cut short: its GGUF header does not fit in its ${fileSize} bytes, so the file is incomplete (e.g. an interrupted download); ` +
      'run `dramatis models pull` to resume it, or download it again',
  );
}

/** Says what a non-GGUF file looks like, from its first bytes. */
function describeForeign(head: Buffer, fileSize: number): string {
  const text = head.toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (fileSize === 0) return 'it is empty';
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<head') || text.startsWith('<?xml')) {
    return 'it looks like an HTML page, often what a failed download saves';
  }
  if (text.startsWith('version https://git-lfs')) return 'it is a Git LFS pointer, not the file itself: fetch it with `git lfs pull` or download it directly';
  if (text.startsWith('{') || text.startsWith('entry not found') || text.startsWith('not found')) {
    return 'it looks like a text or JSON error response, often what a failed download saves';
  }
  if (head.length >= 9 && head[8] === 0x7b && head.readBigUInt64LE(0) < BigInt(fileSize)) {
    return 'it looks like a safetensors file; convert it with llama.cpp\'s convert_hf_to_gguf.py or download a GGUF build of the model';
  }
  if (head[0] === 0x50 && head[1] === 0x4b) {
    return 'it looks like a zip archive or PyTorch checkpoint; download a GGUF build of the model or convert it with llama.cpp\'s convert_hf_to_gguf.py';
  }
  if (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) {
    return 'it looks like a pickled PyTorch checkpoint; download a GGUF build of the model';
  }
  const legacy = head.length >= 4 ? head.readUInt32LE(0) : 0;
  if (legacy === 0x67676d6c || legacy === 0x67676d66 || legacy === 0x67676a74) {
    return 'it is an old GGML/GGJT file, which llama.cpp no longer reads; download a GGUF build of the model';
  }
  return `it starts with bytes ${[...head.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ')}, not "GGUF"`;
}

/**
 * Reads a GGUF file's header (metadata and tensor table) without reading its weights.
 * Throws `LlmError('llm/bad-model-file')` when the file is not GGUF, of an unsupported version, or cut short.
 * @example const { architecture, contextLength } = await readGgufHeader('model.gguf');
 */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  const file = await open(path, 'r');
  try {
    const { size: fileSize } = await file.stat();
    const reader = new HeaderReader(file, fileSize);
    const head = Buffer.alloc(Math.min(fileSize, 512));
    await file.read(head, 0, head.length, 0);
    if (head.subarray(0, 4).toString('latin1') !== MAGIC) {
      throw new LlmError('llm/bad-model-file', `${path} is not a GGUF file: ${describeForeign(head, fileSize)}. llama.cpp needs a .gguf model file`);
    }
    try {
      reader.skip(4);
      const version = await reader.u32();
      if (!SUPPORTED_VERSIONS.includes(version)) {
        const swapped = Buffer.alloc(4);
        swapped.writeUInt32BE(version);
        const detail = SUPPORTED_VERSIONS.includes(swapped.readUInt32LE(0))
          ? 'a big-endian GGUF file, which needs a big-endian machine'
          : `GGUF version ${version}; this build reads versions ${SUPPORTED_VERSIONS.join(' and ')}`;
        throw new LlmError('llm/bad-model-file', `${path} is ${detail}: download a current GGUF build of the model or convert it with a current llama.cpp`);
      }
      const tensorCount = await reader.size();
      const metadataCount = await reader.size();
      const metadata: Record<string, GgufValue> = {};
      for (let index = 0; index < metadataCount; index++) {
        const key = await reader.string();
        metadata[key] = await readValue(reader, await reader.u32(), key, path);
      }
      const tensors: GgufTensorInfo[] = [];
      for (let index = 0; index < tensorCount; index++) {
        const name = await reader.string();
        const dimCount = await reader.u32();
        if (dimCount > MAX_DIMS) throw corrupt(path, `tensor "${name}" has ${dimCount} dimensions`);
        const dims: number[] = [];
        for (let dim = 0; dim < dimCount; dim++) dims.push(Number(await reader.u64()));
        const type = await reader.u32();
        const offset = Number(await reader.u64());
        tensors.push({ name, dims, type, offset });
      }
      const headerEnd = reader.position;
      const alignment = typeof metadata['general.alignment'] === 'number' && metadata['general.alignment'] > 0
        ? metadata['general.alignment']
        : DEFAULT_ALIGNMENT;
      const dataOffset = Math.ceil(headerEnd / alignment) * alignment;
      const architecture = typeof metadata['general.architecture'] === 'string' ? metadata['general.architecture'] : undefined;
      const context = architecture === undefined ? undefined : metadata[`${architecture}.context_length`];
      let dataEnd: number | undefined = 0;
      for (const tensor of tensors) {
        const bytes = ggmlTensorBytes(tensor.type, tensor.dims);
        if (bytes === undefined) { dataEnd = undefined; break; }
        dataEnd = Math.max(dataEnd, tensor.offset + bytes);
      }
      return {
        version,
        tensorCount,
        metadata,
        architecture,
        contextLength: typeof context === 'number' ? context : undefined,
        tensors,
        dataOffset,
        expectedSize: tensors.length === 0 ? headerEnd : dataEnd === undefined ? undefined : dataOffset + dataEnd,
      };
    } catch (error) {
      if (error instanceof Truncated) throw truncatedHeader(path, fileSize);
      throw error;
    }
  } finally {
    await file.close();
  }
}

/**
 * Checks that `path` is a complete GGUF model file before a runtime loads it, with an error a user can act on.
 * @example await checkGgufFile('./models/my-model.gguf');
 */
export async function checkGgufFile(path: string): Promise<GgufHeader> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
      throw new LlmError('llm/bad-model-file', `no such model file: ${path}; pass --model local:PATH with an existing .gguf file, or local:default`);
    }
    throw new LlmError('llm/bad-model-file', `cannot read model file ${path}: ${error.message}`, { cause: error });
  });
  if (info.isDirectory()) {
    throw new LlmError('llm/bad-model-file', `${path} is a directory, not a model file; pass --model local:PATH/FILE.gguf naming the .gguf file inside it`);
  }
  const header = await readGgufHeader(path);
  if (header.expectedSize !== undefined && info.size < header.expectedSize) {
    const missing = header.expectedSize - info.size;
    throw new LlmError(
      'llm/bad-model-file',
      `${path} is incomplete: ${missing} bytes are missing (${info.size} of ${header.expectedSize}), e.g. an interrupted download; ` +
        'run `dramatis models pull` to resume it, or download the file again',
    );
  }
  return header;
}
