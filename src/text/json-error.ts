/**
 * Where JSON text breaks, for messages that must not echo the text: V8's own messages quote a piece of the input
 * ("Unexpected token 's', "secret: …" is not valid JSON"), which may be private or binary, and some give no position.
 */

/**
 * ` at line L, column C (what was wrong)` for a failed `JSON.parse(text)`; the only character ever shown is the
 * offending one, escaped.
 * @example describeJsonError('{"a": tru}', error) // ' at line 1, column 7 (unexpected character \'t\')'
 */
export function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reported = /at position (\d+)/.exec(message);
  const offset = reported ? Number(reported[1]) : firstJsonErrorOffset(text);
  if (offset >= text.length) return ' (the text ends before the JSON is complete)';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const what = /^(Expected [^"]*?|Bad control character in string literal|Unexpected non-whitespace character after JSON|Bad escaped character|Unterminated string)(?= in JSON| at|$)/.exec(message)?.[1];
  return ` at line ${line}, column ${column} (${what ? what.charAt(0).toLowerCase() + what.slice(1) : `unexpected character ${showCharacter(text.codePointAt(offset)!)}`})`;
}

function showCharacter(codePoint: number): string {
  const character = String.fromCodePoint(codePoint);
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(character) && codePoint < 0x10000 ? `'${character}'` : `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Offset of the first character that cannot continue valid JSON (the text's length when it ends too early). */
export function firstJsonErrorOffset(text: string): number {
  // An explicit stack of open containers: deep nesting must not overflow the call stack.
  const open: string[] = [];
  let index = 0;
  let expect: 'value' | 'key' | 'colon' | 'after' = 'value';
  const skipSpace = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index])) index++;
  };
  while (true) {
    skipSpace();
    if (index >= text.length) return text.length;
    const char = text[index];
    if (expect === 'after') {
      if (open.length === 0) return index; // something after the value
      const container = open[open.length - 1];
      if (char === ',') {
        index++;
        expect = container === '{' ? 'key' : 'value';
      } else if ((char === ']' && container === '[') || (char === '}' && container === '{')) {
        index++;
        open.pop();
      } else return index;
      continue;
    }
    if (expect === 'colon') {
      if (char !== ':') return index;
      index++;
      expect = 'value';
      continue;
    }
    if (expect === 'key') {
      if (char === '}' && text[lastNonSpace(text, index - 1)] === '{') {
        index++;
        open.pop();
        expect = 'after';
        continue;
      }
      if (char !== '"') return index;
      const end = stringEnd(text, index);
      if (end < 0) return -end;
      index = end;
      expect = 'colon';
      continue;
    }
    // A value.
    if (char === '{' || char === '[') {
      open.push(char);
      index++;
      skipSpace();
      if (text[index] === (char === '{' ? '}' : ']')) {
        index++;
        open.pop();
        expect = 'after';
      } else expect = char === '{' ? 'key' : 'value';
      continue;
    }
    if (char === '"') {
      const end = stringEnd(text, index);
      if (end < 0) return -end;
      index = end;
    } else {
      const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(index, index + 400));
      if (!literal) return index;
      index += literal[0].length;
    }
    expect = 'after';
  }
}

function lastNonSpace(text: string, from: number): number {
  let index = from;
  while (index > 0 && ' \t\n\r'.includes(text[index])) index--;
  return index;
}

/** The offset after the string starting at `start`, or minus the offset where it breaks. */
function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x22) return index + 1;
    if (code < 0x20) return -index;
    if (code === 0x5c) {
      const next = text[index + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) return -index;
        index += 6;
      } else if (next !== undefined && '"\\/bfnrt'.includes(next)) index += 2;
      else return -index;
    } else index++;
  }
  return -text.length;
}
