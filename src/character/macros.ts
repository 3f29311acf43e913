/**
 * Card macros as SillyTavern writes them: `{{char}}`, `{{user}}`, `{{random:a,b}}`, `{{roll:2d6+3}}`, ...
 * Text is parsed into nested macros and evaluated innermost first, so `{{random:{{char}},{{user}}}}` works.
 * Substituted values are never re-parsed: a user named `{{char}}` stays `{{char}}`.
 */

export interface MacroContext {
  char: string;
  user: string;
  /** What `{{original}}` stands for (e.g. the default system prompt); its own macros are rendered too. */
  original?: string;
  /** Uniform draw in [0, 1) for `{{random}}` and `{{roll}}`; defaults to Math.random. */
  random?: () => number;
  /** Seed for `{{pick}}` (e.g. the session id): the same seed, macro text and position pick the same item. */
  pickSeed?: string;
}

type MacroNode = string | Macro;

interface Macro {
  /** The macro's source text, braces included. */
  raw: string;
  /** Where `raw` starts in the rendered text. */
  offset: number;
  body: MacroNode[];
}

interface RenderState {
  context: MacroContext;
  random: () => number;
  trimMarker: string;
  trimUsed: boolean;
  originalUsed: boolean;
}

/** Deeper nesting than this is left as plain text (guards the evaluator's recursion). */
const MAX_NESTING = 64;
const MAX_DICE = 1000;
const LEGACY_HINT = /<(?:user|bot|char)>/i;
const LIST_MACRO = /^\s*(random|pick)\s?::?/i;
const ROLL_MACRO = /^\s*roll[\s:]/i;
const DICE = /^(\d*)d(\d+)([+-]\d+)?$/i;

/**
 * Renders SillyTavern-style macros in `text`; unknown macros are left as written.
 * @example renderMacros('{{user}} meets {{char}}.', { char: 'Seraphina', user: 'Ann' }) // 'Ann meets Seraphina.'
 */
export function renderMacros(text: string, context: MacroContext): string {
  if (!text.includes('{{') && !LEGACY_HINT.test(text)) return text;
  let trimMarker = '\u0000trim\u0000';
  while (text.includes(trimMarker)) trimMarker += '\u0000';
  const state: RenderState = {
    context,
    random: context.random ?? Math.random,
    trimMarker,
    trimUsed: false,
    originalUsed: false,
  };
  const rendered = evaluate(parse(text), state);
  if (!state.trimUsed) return rendered;
  // `{{trim}}` eats the newlines around it, including ones produced by other macros.
  return rendered.split(new RegExp(`(?:\\r?\\n)*${trimMarker}(?:\\r?\\n)*`)).join('');
}

function parse(text: string): MacroNode[] {
  const root: MacroNode[] = [];
  const stack: { start: number; parent: MacroNode[] }[] = [];
  let current = root;
  let textStart = 0;
  let cursor = 0;
  for (;;) {
    const open = text.indexOf('{{', cursor);
    const close = text.indexOf('}}', cursor);
    if (open === -1 && close === -1) break;
    if (open !== -1 && (close === -1 || open < close)) {
      let at = open;
      while (text[at + 2] === '{') at++; // `{{{char}}}` → `{` + macro + `}`
      if (stack.length >= MAX_NESTING) {
        cursor = at + 2;
        continue;
      }
      if (at > textStart) current.push(text.slice(textStart, at));
      stack.push({ start: at, parent: current });
      current = [];
      textStart = cursor = at + 2;
      continue;
    }
    const frame = stack.pop();
    if (!frame) {
      cursor = close + 2;
      continue;
    }
    if (close > textStart) current.push(text.slice(textStart, close));
    const macro: Macro = { raw: text.slice(frame.start, close + 2), offset: frame.start, body: current };
    current = frame.parent;
    current.push(macro);
    textStart = cursor = close + 2;
  }
  if (textStart < text.length) current.push(text.slice(textStart));
  // Unclosed `{{`: keep the braces as text, but still render the macros after them.
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    frame.parent.push('{{', ...current);
    current = frame.parent;
  }
  return current;
}

function evaluate(nodes: readonly MacroNode[], state: RenderState): string {
  let out = '';
  for (const node of nodes) out += typeof node === 'string' ? replaceLegacy(node, state.context) : evaluateMacro(node, state);
  return out;
}

function replaceLegacy(text: string, context: MacroContext): string {
  if (!text.includes('<')) return text;
  return text.replace(/<(USER|BOT|CHAR)>/gi, (_tag, name: string) => (name.toUpperCase() === 'USER' ? context.user : context.char));
}

function evaluateMacro(macro: Macro, state: RenderState): string {
  const head = typeof macro.body[0] === 'string' ? macro.body[0] : '';
  if (macro.body.length === 1) {
    const simple = evaluateSimple(head.trim().toLowerCase(), state);
    if (simple !== undefined) return simple;
  }
  if (head.trimStart().startsWith('//')) return '';
  const list = LIST_MACRO.exec(head);
  if (list) return evaluateList(macro, list[1].toLowerCase() === 'pick', withHead(macro.body, head.slice(list[0].length)), state);
  const roll = ROLL_MACRO.exec(head);
  if (roll) {
    const total = rollDice(evaluate(withHead(macro.body, head.slice(roll[0].length)), state), state.random);
    if (total !== undefined) return String(total);
  }
  return `{{${evaluate(macro.body, state)}}}`;
}

function evaluateSimple(name: string, state: RenderState): string | undefined {
  switch (name) {
    case 'char':
      return state.context.char;
    case 'user':
      return state.context.user;
    case 'newline':
      return '\n';
    case 'noop':
      return '';
    case 'trim':
      state.trimUsed = true;
      return state.trimMarker;
    case 'original': {
      // As in SillyTavern, only the first `{{original}}` expands, so the original is never duplicated.
      if (state.originalUsed || state.context.original === undefined) return '';
      state.originalUsed = true;
      return renderMacros(state.context.original, { ...state.context, original: undefined });
    }
    default:
      return undefined;
  }
}

function withHead(body: readonly MacroNode[], head: string): MacroNode[] {
  const rest = typeof body[0] === 'string' ? body.slice(1) : [...body];
  return head === '' ? rest : [head, ...rest];
}

/** `{{random}}` / `{{pick}}`: items split on `::` if the list has one, else on commas (`\,` escapes, items trimmed). */
function evaluateList(macro: Macro, isPick: boolean, list: readonly MacroNode[], state: RenderState): string {
  const doubleColon = list.some((node) => typeof node === 'string' && node.includes('::'));
  const items = splitItems(list, doubleColon ? '::' : ',');
  const draw = isPick ? pickDraw(state.context.pickSeed ?? '', macro.raw, macro.offset) : state.random();
  const chosen = items[Math.min(items.length - 1, Math.floor(draw * items.length))];
  const text = evaluate(chosen, state);
  return doubleColon ? text : text.trim();
}

function splitItems(list: readonly MacroNode[], separator: string): MacroNode[][] {
  const escapedComma = '\u0000comma\u0000';
  const items: MacroNode[][] = [[]];
  for (const node of list) {
    if (typeof node !== 'string') {
      items[items.length - 1].push(node);
      continue;
    }
    const source = separator === ',' ? node.replaceAll('\\,', escapedComma) : node;
    source.split(separator).forEach((part, index) => {
      if (index > 0) items.push([]);
      const text = separator === ',' ? part.replaceAll(escapedComma, ',') : part;
      if (text !== '') items[items.length - 1].push(text);
    });
  }
  return items;
}

/** Dice in droll's notation (`2d6+3`, `d20`); a bare number `N` means `1dN`. Undefined when not valid dice. */
function rollDice(formula: string, random: () => number): number | undefined {
  let spec = formula.replace(/\s+/g, '');
  if (/^\d+$/.test(spec)) spec = `1d${spec}`;
  const match = DICE.exec(spec);
  if (!match) return undefined;
  const count = match[1] === '' ? 1 : Number(match[1]);
  const sides = Number(match[2]);
  if (count < 1 || count > MAX_DICE || sides < 1 || !Number.isSafeInteger(sides)) return undefined;
  let total = match[3] ? Number(match[3]) : 0;
  for (let die = 0; die < count; die++) total += Math.min(sides, Math.floor(random() * sides) + 1);
  return total;
}

/** A stable draw in [0, 1) from the seed, the macro's text and its position (cyrb53 hash). */
function pickDraw(seed: string, raw: string, offset: number): number {
  const text = `${seed}\u0001${raw}\u0001${offset}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)) / 2 ** 53;
}
