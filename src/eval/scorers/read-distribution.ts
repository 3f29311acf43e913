/** A probability per shown candidate read from a reply, or why none could be read. */
export type DistributionReading =
  | {
    ok: true;
    /** One probability per shown candidate, in the order shown, summing to 1. */
    probabilities: number[];
    /** Where it was read from: `JSON`, `a JSON code block`, `name: value lines`. */
    how: string;
    /** Sum of the values as written, before normalising (1 for a well-formed reply). */
    writtenSum: number;
    /** Candidates the reply left out (given probability 0). */
    missing: number;
  }
  | { ok: false; reason: string };

type Mapped = Extract<DistributionReading, { ok: true }> | { ok: false; reason: string };

/**
 * Reads a probability distribution over the shown candidates from a model's reply, as PersonaEval asks for it:
 * a JSON object keyed by candidate name (`{"Alice": 0.7, "Bob": 0.3}`) or by shown letter (`{"A": 0.7}`), in a code
 * block or inline, else `Name: 0.7` lines. Percentages are accepted (`"70%"`, or values summing to 100), values are
 * normalised to sum 1, a candidate left out counts 0. A negative or non-numeric value, a key that is no candidate, or
 * two keys for one candidate make the reply unreadable: it is counted invalid, never guessed.
 */
export function readDistribution(reply: string, shown: readonly string[]): DistributionReading {
  const text = reply.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  if (!text) return { ok: false, reason: 'empty reply' };
  let reason: string | undefined;
  for (const { source, how } of jsonSources(text)) {
    const value = parseLooseJson(source);
    if (value === undefined) continue;
    const mapped = mapObject(value, shown, how);
    if (mapped.ok) return mapped;
    reason ??= mapped.reason;
  }
  const lines = lineEntries(text).filter(([key]) => candidateIndex(key, shown) !== undefined);
  if (lines.length) {
    const mapped = mapEntries(lines, shown, 'name: value lines');
    if (mapped.ok) return mapped;
    reason ??= mapped.reason;
  }
  return { ok: false, reason: reason ?? 'no JSON object and no "name: probability" lines' };
}

/** Texts that may hold the JSON object, most likely first: the last code block, then inline objects from the end. */
function jsonSources(text: string): { source: string; how: string }[] {
  const sources: { source: string; how: string }[] = [];
  const blocks = [...text.matchAll(/```[a-zA-Z]*\s*([\s\S]*?)```/g)].map((m) => m[1]);
  for (const block of blocks.reverse()) sources.push({ source: block, how: 'a JSON code block' });
  for (const span of braceSpans(text).reverse()) sources.push({ source: span, how: 'JSON' });
  return sources;
}

/** Top-level `{…}` spans, braces inside strings ignored. */
function braceSpans(text: string): string[] {
  const spans: string[] = [];
  let depth = 0;
  let start = -1;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"') quote = char;
    else if (char === '{') {
      if (depth++ === 0) start = i;
    } else if (char === '}' && depth > 0 && --depth === 0) spans.push(text.slice(start, i + 1));
  }
  return spans;
}

/** JSON, or JSON as models often write it: trailing commas, single quotes, bare percentages. */
function parseLooseJson(source: string): unknown {
  const attempts = [source];
  let repaired = source.replace(/,\s*([}\]])/g, '$1').replace(/:\s*(-?\d+(?:\.\d+)?)\s*%/g, ': "$1%"');
  if (!repaired.includes('"') || /^\s*\{\s*'/.test(repaired)) repaired = repaired.replace(/'((?:[^'\\\n]|\\.)*)'/g, '"$1"');
  attempts.push(repaired);
  for (const attempt of attempts) {
    try {
      return JSON.parse(attempt);
    } catch {
      // Try the next repair.
    }
  }
  return undefined;
}

/** The object's entries mapped to candidates, or those of an object one level down (`{"probabilities": {…}}`). */
function mapObject(value: unknown, shown: readonly string[], how: string): Mapped {
  if (!isPlainObject(value)) return { ok: false, reason: 'the JSON is not an object of probabilities' };
  const direct = mapEntries(Object.entries(value), shown, how);
  if (direct.ok) return direct;
  for (const inner of Object.values(value)) {
    if (!isPlainObject(inner)) continue;
    const nested = mapEntries(Object.entries(inner), shown, how);
    if (nested.ok) return nested;
  }
  return direct;
}

function mapEntries(entries: readonly [string, unknown][], shown: readonly string[], how: string): Mapped {
  if (entries.length === 0) return { ok: false, reason: 'no probabilities given' };
  const values: (number | undefined)[] = shown.map(() => undefined);
  const keyOf: string[] = [];
  for (const [key, raw] of entries) {
    const index = candidateIndex(key, shown);
    if (index === undefined) return { ok: false, reason: `"${key}" is not one of the candidates` };
    if (values[index] !== undefined) return { ok: false, reason: `"${keyOf[index]}" and "${key}" both name ${shown[index]}` };
    const probability = probabilityOf(raw);
    if (probability === undefined) return { ok: false, reason: `the value for "${key}" is not a number` };
    if (probability < 0) return { ok: false, reason: `negative probability for "${key}"` };
    values[index] = probability;
    keyOf[index] = key;
  }
  const writtenSum = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
  if (!(writtenSum > 0)) return { ok: false, reason: 'every probability is 0' };
  return {
    ok: true,
    // A sum that is 1 up to rounding (0.7 + 0.2 + 0.1) is kept as written, so 0.7 stays 0.7 for calibration bins.
    probabilities: values.map((v) => (Math.abs(writtenSum - 1) <= 1e-6 ? v ?? 0 : (v ?? 0) / writtenSum)),
    how,
    writtenSum,
    missing: values.filter((v) => v === undefined).length,
  };
}

/** The shown index a key names: the candidate's name (case and spacing aside), else its shown letter. */
function candidateIndex(key: string, shown: readonly string[]): number | undefined {
  const normal = normalise(key);
  const byName = shown.findIndex((name) => normalise(name) === normal);
  if (byName !== -1) return byName;
  const letter = /^(?:option |candidate |choice )?[([]?([a-z])[)\].:]?$/.exec(normal)?.[1];
  if (letter === undefined) return undefined;
  const index = letter.charCodeAt(0) - 97;
  return index < shown.length ? index : undefined;
}

function normalise(text: string): string {
  return text.normalize('NFKC').trim().replace(/^[*"'`]+|[*"'`]+$/g, '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A number, or a numeric string (`"0.7"`, `"70%"` read as 0.7). */
function probabilityOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?|-?\.\d+)\s*(%)?\s*$/.exec(raw);
  if (!match) return undefined;
  return Number(match[1]) / (match[2] ? 100 : 1);
}

/** `Name: 0.7` or `- **Name**: 70%` lines (the caller keeps those naming a candidate, so `Total: 1` is ignored). */
function lineEntries(text: string): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:[-*•]\s+)?(.+?)\s*[:=：]\s*(-?\d+(?:\.\d+)?\s*%?)\s*[,;]?\s*$/.exec(line);
    if (match) entries.push([match[1], match[2]]);
  }
  return entries;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
