import type * as Vega from 'vega';

/** Helvetica advance widths (1/1000 em) for ASCII 32–126, from its AFM file. */
const helveticaWidths = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/** Wider fonts (DejaVu Sans, Segoe UI) run about this much wider than Helvetica: labels never collide. */
const safety = 1.12;

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/** Estimated width in pixels of a label in the chart font. */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 32 && code <= 126) units += helveticaWidths[code - 32];
    else if (code >= 0x2e80) units += 1000;
    else units += 600;
  }
  return (units / 1000) * fontSize * safety * (bold ? 1.08 : 1);
}

interface VegaTextMetrics {
  width: (item: TextItem, text?: unknown) => number;
}

/**
 * Vega measures text with a canvas, which Node lacks; its fallback (0.8 em per character) leaves wide gaps.
 * Like vl-convert, give it font-aware widths. It is vega's process-wide setting, set to the same function every time.
 */
export function useFontAwareTextMetrics(vega: typeof Vega): void {
  const metrics = (vega as unknown as { textMetrics: VegaTextMetrics }).textMetrics;
  metrics.width = measure;
}

function measure(item: TextItem, text?: unknown): number {
  const value = text ?? item.text;
  const lines = Array.isArray(value) ? value.map(String) : [value === undefined || value === null ? '' : String(value)];
  const fontSize = item.fontSize ?? 11;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  const width = Math.max(0, ...lines.map((line) => estimateTextWidth(line.trim(), fontSize, bold)));
  return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
}
