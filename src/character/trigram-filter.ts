/** Bits of a trigram's hash: a filter is 2^18 bits (32 KiB). */
const GRAM_BITS = 18;

/**
 * A bitset of the text's hashed character trigrams (a Bloom filter with one hash): a key with a trigram missing
 * from it cannot occur in the text, so most absent keys are rejected without scanning a long history.
 */
export function trigramFilter(text: string): Uint32Array {
  const bits = new Uint32Array(1 << (GRAM_BITS - 5));
  let a = text.charCodeAt(0);
  let b = text.charCodeAt(1);
  for (let index = 2; index < text.length; index++) {
    const c = text.charCodeAt(index);
    const gram = trigramIndex(a, b, c);
    bits[gram >>> 5] |= 1 << (gram & 31);
    a = b;
    b = c;
  }
  return bits;
}

/** A key's trigram hashes, to test against a text's filter. */
export function keyTrigrams(needle: string): Uint32Array {
  const grams = new Uint32Array(Math.max(0, needle.length - 2));
  for (let index = 2; index < needle.length; index++) {
    grams[index - 2] = trigramIndex(needle.charCodeAt(index - 2), needle.charCodeAt(index - 1), needle.charCodeAt(index));
  }
  return grams;
}

function trigramIndex(a: number, b: number, c: number): number {
  return Math.imul((a * 31 + b) * 31 + c, 0x9e3779b1) >>> (32 - GRAM_BITS);
}

export function mayContain(filter: Uint32Array, grams: Uint32Array): boolean {
  for (const gram of grams) if ((filter[gram >>> 5] & (1 << (gram & 31))) === 0) return false;
  return true;
}
