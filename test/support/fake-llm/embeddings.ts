import { createHash } from 'node:crypto';

/**
 * A deterministic, L2-normalized hashed bag-of-words vector: texts sharing words are close,
 * which is enough for retrieval tests without a model.
 */
export function hashedEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const digest = createHash('sha256').update(word).digest();
    const index = digest.readUInt32BE(0) % dimensions;
    vector[index] += digest[4] & 1 ? 1 : -1;
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((value) => value / norm);
}

/** A rough token count (one per word or punctuation run), for the `usage` the fake reports. */
export function countTokens(text: string): number {
  return (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]+/gu) ?? []).length;
}
