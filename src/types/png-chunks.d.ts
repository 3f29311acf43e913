// Types for the untyped PNG chunk packages used by src/character/png.ts.

declare module 'png-chunks-extract' {
  /** Splits a PNG into chunks; throws on a bad signature, a bad CRC or a missing IEND. */
  function extractChunks(data: Uint8Array): Array<{ name: string; data: Uint8Array }>;
  export = extractChunks;
}

declare module 'png-chunks-encode' {
  /** Joins chunks into a PNG (signature and CRCs added). */
  function encodeChunks(chunks: ReadonlyArray<{ name: string; data: Uint8Array }>): Uint8Array;
  export = encodeChunks;
}

declare module 'png-chunk-text' {
  const pngText: {
    /** Builds a `tEXt` chunk; keyword and text must be Latin-1. */
    encode(keyword: string, text: string): { name: 'tEXt'; data: Uint8Array };
    /** Reads a `tEXt` chunk's keyword and Latin-1 text. */
    decode(data: Uint8Array | { name: string; data: Uint8Array }): { keyword: string; text: string };
  };
  export = pngText;
}
