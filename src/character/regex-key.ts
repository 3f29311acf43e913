import { RE2JS } from 're2js';

/**
 * Lorebook regex keys (`/pattern/flags`, written for JavaScript by SillyTavern users) compiled for RE2, which
 * matches in time linear in the text: cards come from strangers, and a backtracking engine can be made to run
 * for hours on one message. What RE2 cannot express (backreferences, lookaround) is refused with the reason,
 * never handed to the backtracking engine.
 */

export type RegexKey =
  | { kind: 'regex'; regex: RE2JS }
  /** Valid JavaScript that RE2 cannot run; `backtracking` when it needs a backtracking engine (backreferences, lookaround). */
  | { kind: 'unsupported'; reason: string; backtracking: boolean }
  /** Not a valid JavaScript regular expression. */
  | { kind: 'invalid'; reason: string };

/** JavaScript's `\s`: RE2's is ASCII only. */
const JS_SPACE = '\\t\\n\\x0B\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** JavaScript's `.` without the `s` flag: anything but a line terminator. */
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
const ANY = '[\\x{0}-\\x{10FFFF}]';
const NOTHING = '[^\\x{0}-\\x{10FFFF}]';
/** Long names JavaScript accepts in `\p{…}`, as RE2's short ones. */
const PROPERTY_NAMES: Record<string, string> = {
  Letter: 'L', Cased_Letter: 'LC', Uppercase_Letter: 'Lu', Lowercase_Letter: 'Ll', Titlecase_Letter: 'Lt', Modifier_Letter: 'Lm', Other_Letter: 'Lo',
  Mark: 'M', Number: 'N', Decimal_Number: 'Nd', digit: 'Nd', Letter_Number: 'Nl', Other_Number: 'No', Punctuation: 'P', punct: 'P',
  Symbol: 'S', Math_Symbol: 'Sm', Currency_Symbol: 'Sc', Separator: 'Z', Space_Separator: 'Zs', Other: 'C', Control: 'Cc', Format: 'Cf',
};

class Unsupported extends Error {
  constructor(message: string, readonly backtracking = true) {
    super(message);
  }
}

/**
 * Compiles a JavaScript pattern and its flags (`i`, `m`, `s`, `u`, `v`; `g`, `y` and `d` change nothing for a
 * yes/no test and are ignored) into an RE2 pattern that means the same.
 * @example compileRegexKey('(a+)+$', 'i') // { kind: 'regex', regex } — linear time on any text
 */
export function compileRegexKey(pattern: string, flags: string): RegexKey {
  const jsFlags = flags.replace(/[gyd]/g, '');
  try {
    new RegExp(pattern, jsFlags); // checks the syntax; never run
  } catch (error) {
    return { kind: 'invalid', reason: error instanceof Error ? error.message : String(error) };
  }
  let translated: string;
  try {
    translated = translatePattern(pattern, { unicode: /[uv]/.test(jsFlags), sets: jsFlags.includes('v'), dotAll: jsFlags.includes('s') });
  } catch (error) {
    if (error instanceof Unsupported) return { kind: 'unsupported', reason: error.message, backtracking: error.backtracking };
    throw error;
  }
  const modes = `${jsFlags.includes('i') ? 'i' : ''}${jsFlags.includes('m') ? 'm' : ''}`;
  try {
    return { kind: 'regex', regex: RE2JS.compile(modes ? `(?${modes})${translated}` : translated) };
  } catch (error) {
    return { kind: 'unsupported', reason: `RE2 cannot compile it: ${(error as Error).message.replace(/^error parsing regexp: /, '')}`, backtracking: false };
  }
}

interface Mode {
  unicode: boolean;
  /** The `v` flag: class set operations, which RE2 lacks. */
  sets: boolean;
  dotAll: boolean;
}

function translatePattern(pattern: string, mode: Mode): string {
  const namedGroups = /\(\?<[^=!]/.test(pattern);
  let out = '';
  let inClass = false;
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index];
    if (char === '\\') {
      const [text, length] = translateEscape(pattern, index, inClass, mode, namedGroups);
      out += text;
      index += length;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      else if (mode.sets && (pattern.startsWith('--', index) || pattern.startsWith('&&', index) || char === '[')) {
        throw new Unsupported('RE2 has no class set operations (v flag)', false);
      }
      // RE2 reads `[:` inside a class as a POSIX class; JavaScript as two characters.
      out += char === '[' ? '\\[' : char;
      index++;
      continue;
    }
    if (char === '[') {
      if (pattern.startsWith('[]', index)) {
        out += NOTHING;
        index += 2;
        continue;
      }
      if (pattern.startsWith('[^]', index)) {
        out += ANY;
        index += 3;
        continue;
      }
      inClass = true;
      out += '[';
      index++;
      // A leading `]` closes an empty class in JavaScript (handled above); RE2 would read it as a member.
      if (pattern[index] === '^') {
        out += '^';
        index++;
      }
      continue;
    }
    if (char === '(' && pattern[index + 1] === '?') {
      const [text, length] = translateGroup(pattern, index);
      out += text;
      index += length;
      continue;
    }
    if (char === '.') {
      out += mode.dotAll ? ANY : JS_DOT;
      index++;
      continue;
    }
    const codePoint = pattern.codePointAt(index)!;
    const character = String.fromCodePoint(codePoint);
    out += character;
    index += character.length;
  }
  return out;
}

function translateGroup(pattern: string, index: number): [string, number] {
  const head = pattern.slice(index, index + 4);
  if (head.startsWith('(?=')) throw new Unsupported('a lookahead (?=…)');
  if (head.startsWith('(?!')) throw new Unsupported('a negative lookahead (?!…)');
  if (head.startsWith('(?<=')) throw new Unsupported('a lookbehind (?<=…)');
  if (head.startsWith('(?<!')) throw new Unsupported('a negative lookbehind (?<!…)');
  if (head.startsWith('(?<')) return ['(?P<', 3];
  return ['(?', 2];
}

/** One escape sequence at `index` as RE2 text, and how many characters of the pattern it took. */
function translateEscape(pattern: string, index: number, inClass: boolean, mode: Mode, namedGroups: boolean): [string, number] {
  const next = pattern[index + 1];
  if (next === undefined) return ['\\\\', 1];
  if (/[1-9]/.test(next) && !inClass) throw new Unsupported(`a backreference \\${/^\d+/.exec(pattern.slice(index + 1))![0]}`);
  if (next === 'k' && !inClass && (mode.unicode || namedGroups)) throw new Unsupported(`a backreference \\k${/^<[^>]*>/.exec(pattern.slice(index + 2))?.[0] ?? ''}`);
  switch (next) {
    case 'd': case 'D': case 'w': case 'W': case 'n': case 'r': case 't': case 'f': case 'v':
      return [`\\${next}`, 2];
    case 'b':
      return [inClass ? '\\x08' : '\\b', 2];
    case 'B':
      return [inClass ? 'B' : '\\B', 2];
    case 's':
      return [inClass ? JS_SPACE : `[${JS_SPACE}]`, 2];
    case 'S':
      // Inside a class RE2's own \S is the nearest it has.
      return [inClass ? '\\S' : `[^${JS_SPACE}]`, 2];
    case '0':
      return ['\\x{0}', 2];
    case 'c': {
      const letter = pattern[index + 2];
      if (letter && /[A-Za-z]/.test(letter)) return [codePointEscape(letter.charCodeAt(0) % 32), 3];
      return ['\\\\c', 2];
    }
    case 'x': {
      const hex = /^[0-9A-Fa-f]{2}/.exec(pattern.slice(index + 2));
      return hex ? [codePointEscape(parseInt(hex[0], 16)), 4] : ['x', 2];
    }
    case 'u':
      return unicodeEscape(pattern, index, mode);
    case 'p': case 'P':
      if (!mode.unicode) return [next, 2];
      return propertyEscape(pattern, index);
    default: {
      const codePoint = pattern.codePointAt(index + 1)!;
      const character = String.fromCodePoint(codePoint);
      // Letters and digits are never special once escaped in JavaScript without `u` (`\y` is `y`); punctuation stays escaped.
      if (/[\p{L}\p{N}_]/u.test(character) || codePoint > 0x7f) return [/[\p{L}\p{N}]/u.test(character) ? character : codePointEscape(codePoint), 1 + character.length];
      return [`\\${character}`, 2];
    }
  }
}

function unicodeEscape(pattern: string, index: number, mode: Mode): [string, number] {
  const braced = /^\{([0-9A-Fa-f]+)\}/.exec(pattern.slice(index + 2));
  if (braced && mode.unicode) return [codePointEscape(parseInt(braced[1], 16)), 2 + braced[0].length];
  const four = /^[0-9A-Fa-f]{4}/.exec(pattern.slice(index + 2));
  if (!four) return ['u', 2];
  const high = parseInt(four[0], 16);
  // A surrogate pair written as two escapes is one character to RE2.
  const low = /^\\u([dD][c-fC-F][0-9A-Fa-f]{2})/.exec(pattern.slice(index + 6));
  if (high >= 0xd800 && high <= 0xdbff && low) {
    return [codePointEscape(0x10000 + ((high - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00)), 12];
  }
  if (high >= 0xd800 && high <= 0xdfff) throw new Unsupported(`RE2 has no lone surrogates (\\u${four[0]})`, false);
  return [codePointEscape(high), 6];
}

function propertyEscape(pattern: string, index: number): [string, number] {
  const match = /^\{([^}]*)\}/.exec(pattern.slice(index + 2));
  if (!match) return [pattern.slice(index, index + 2), 2];
  const [name, value] = match[1].split('=');
  let property = value === undefined ? name : value;
  if (value !== undefined && !/^(General_Category|gc|Script|sc|Script_Extensions|scx)$/.test(name)) throw new Unsupported(`RE2 has no property \\p{${match[1]}}`, false);
  property = PROPERTY_NAMES[property] ?? property;
  return [`\\${pattern[index + 1]}{${property}}`, 2 + match[0].length];
}

function codePointEscape(codePoint: number): string {
  return `\\x{${codePoint.toString(16).toUpperCase()}}`;
}
