import { parseTaggedOutput, Thought, type OutputMode } from './turn-output.ts';

/**
 * Extracts the speech from a reply while it streams, so a terminal can print it word by word.
 * `push(text)` takes the whole reply so far and returns the speech characters not yet returned.
 */
export class SpeechStream {
  private emitted = 0;

  constructor(private readonly mode: OutputMode) {}

  push(text: string): string {
    const speech = this.mode === 'json' ? jsonSpeechSoFar(text) : taggedSpeechSoFar(text);
    if (speech.length <= this.emitted) return '';
    const delta = speech.slice(this.emitted);
    this.emitted = speech.length;
    return delta;
  }
}

const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The decoded prefix of the JSON string value of "speech", stopping before any incomplete escape. */
function jsonSpeechSoFar(text: string): string {
  const match = /"speech"\s*:\s*"/.exec(text);
  if (!match) return '';
  let out = '';
  for (let i = match.index + match[0].length; i < text.length; i++) {
    const c = text[i];
    if (c === '"') break;
    if (c !== '\\') { out += c; continue; }
    const next = text[i + 1];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (hex.length < 4) break;
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
    } else {
      out += escapes[next] ?? next;
      i += 1;
    }
  }
  return out;
}

const CLOSE = '</speech>';

function taggedSpeechSoFar(text: string): string {
  const open = /<speech>/i.exec(text);
  if (!open) return '';
  const rest = text.slice(open.index + open[0].length).replace(/^\s+/, '');
  const close = rest.toLowerCase().indexOf(CLOSE);
  if (close !== -1) return rest.slice(0, close).trimEnd();
  // Hold back a tail that may be the start of the closing tag.
  for (let keep = Math.min(CLOSE.length - 1, rest.length); keep > 0; keep--) {
    if (CLOSE.startsWith(rest.slice(-keep).toLowerCase())) return rest.slice(0, -keep);
  }
  return rest;
}

/** The complete action of a reply so far, once its JSON string or tag has closed (for showing it before the speech). */
export function completedAction(text: string, mode: OutputMode): string | undefined {
  if (mode === 'tagged') return /<action>([\s\S]*?)<\/action>/i.exec(text)?.[1]?.trim();
  const match = /"action"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text);
  if (!match) return undefined;
  try {
    return (JSON.parse(match[1]) as string).trim();
  } catch {
    return undefined;
  }
}

/** The complete thought of a reply so far, once it has closed (so a UI can show thinking before speech). */
export function completedThought(text: string, mode: OutputMode): Thought | undefined {
  if (mode === 'tagged') {
    if (!/<\/thought>/i.test(text)) return undefined;
    const parsed = parseTaggedOutput(`${text}<speech>-</speech>`);
    return parsed.ok ? parsed.output.thought : undefined;
  }
  const match = /"thought"\s*:\s*\{/.exec(text);
  if (!match) return undefined;
  const start = match.index + match[0].length - 1;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth += 1;
    else if (c === '}' && --depth === 0) {
      const thought = Thought.safeParse(safeJson(text.slice(start, i + 1)));
      return thought.success ? thought.data : undefined;
    }
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
