import { extractJsonObject, stripReasoning } from '../../llm/index.ts';
import { optionLetter } from '../template.ts';

/** What was read from a multiple-choice answer: the shown option's index, and how it was found. */
export type ChoiceExtraction =
  | { ok: true; index: number; how: string }
  | { ok: false; reason: string };

const LETTER = '([A-Za-z])';
const OPEN = String.raw`[\[(*"'\s]*`;
/**
 * Stated answers: "the answer is B", "Answer: (B)", "final answer: **B**", "I choose option B", "option B is
 * correct", "B is correct", "the correct option is D", "it is B", "so B.", "答案是B".
 */
const STATED = [
  new RegExp(String.raw`\b(?:final\s+|correct\s+|best\s+|right\s+)?answer\s*(?:is|would\s+be|:|=)?\s*:?\s*(?:option\s+|choice\s+)?${OPEN}${LETTER}(?![A-Za-z])`, 'gi'),
  new RegExp(String.raw`\b(?:I\s+(?:would\s+|will\s+|'d\s+)?(?:choose|pick|select|go\s+with)|I'd\s+(?:choose|pick|select|go\s+with)|my\s+choice\s+is)\s*:?\s*(?:option\s+|choice\s+)?${OPEN}${LETTER}(?![A-Za-z])`, 'gi'),
  new RegExp(String.raw`\b(?:correct|right|best)\s+(?:option|choice)\s+(?:is|would\s+be)\s*:?\s*${OPEN}${LETTER}(?![A-Za-z])`, 'gi'),
  new RegExp(String.raw`(?:\b(?:option|choice)\s+)?[\[(*"']*\b${LETTER}[\])*"']*\s+(?:is|seems)\s+(?:the\s+)?(?:correct|right|best)\b`, 'gi'),
  new RegExp(String.raw`\b(?:it\s+is|it's|it\s+must\s+be|that\s+is|that's)\s+(?:option\s+)?${OPEN}${LETTER}(?![A-Za-z'])`, 'gi'),
  new RegExp(String.raw`\bso\s+(?:it's\s+|it\s+is\s+)?${OPEN}${LETTER}[\])*"']*[.!]?\s*$`, 'gi'),
  new RegExp(String.raw`(?:答案|选项)\s*(?:是|为|：|:)\s*${OPEN}${LETTER}(?![A-Za-z])`, 'g'),
];
/** "option 2", "choice 3": options by number (1-based). */
const NUMBERED = /\b(?:answer\s+is\s+)?(?:option|choice)\s+(?:number\s+)?(\d{1,2})\b/gi;

/**
 * Reads which option a reply chose. In order: a JSON `answer`/`choice` field; a stated answer ("the answer is B",
 * the last one wins, since replies reason first); a reply that is only a letter (`B`, `[B]`, `(B)`, `B)`, `**B**`);
 * a reply opening with a letter label (`B) …`, `B. …`, `[B] …`); one distinct bracketed letter anywhere; and last
 * the option text itself (exactly one option's text in the reply). Letters outside the options and replies naming
 * several options are not read: they are invalid, never guessed.
 */
export function extractChoice(answer: string, options: readonly string[]): ChoiceExtraction {
  const count = options.length;
  const text = stripReasoning(answer).trim();
  if (!text) return { ok: false, reason: 'the reply is empty' };
  const inRange = (letter: string) => letter.toUpperCase().charCodeAt(0) - 65 < count;
  const found = (letter: string, how: string): ChoiceExtraction => ({ ok: true, index: letter.toUpperCase().charCodeAt(0) - 65, how });
  const outOfRange: string[] = [];

  const json = text.includes('{') ? extractJsonObject(text) : undefined;
  if (json?.ok && json.value && typeof json.value === 'object') {
    const record = json.value as Record<string, unknown>;
    const value = record.answer ?? record.choice ?? record.option;
    if (typeof value === 'string') {
      const letter = /^\s*[\[(]?([A-Za-z])[\]).]?\s*$/.exec(value)?.[1];
      if (letter && inRange(letter)) return found(letter, `"${value.trim()}" in the JSON answer`);
      const byText = matchOptionText(value, options);
      if (byText !== undefined) return { ok: true, index: byText, how: 'option text in the JSON answer' };
    } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < count) {
      return { ok: true, index: value, how: `index ${value} in the JSON answer` };
    }
  }

  // Every stated answer, the last in the text wins: replies reason first and conclude last. Keywords are
  // case-insensitive; a lowercase letter counts only when it is clearly a label ("answer: b)"), not the article "a".
  const stated = STATED.flatMap((pattern) => [...text.matchAll(pattern)])
    .filter((m) => /[A-Z]/.test(m[1]) || /^$|^[\])*.:,"']/.test(text.charAt(m.index + m[0].length)))
    .sort((a, b) => a.index + a[0].length - (b.index + b[0].length));
  const last = stated.at(-1);
  if (last) {
    if (inRange(last[1])) return found(last[1], `"${last[0].trim()}"`);
    outOfRange.push(last[1].toUpperCase());
  }
  const numbered = [...text.matchAll(NUMBERED)].at(-1);
  if (numbered) {
    const index = Number(numbered[1]) - 1;
    if (index >= 0 && index < count) return { ok: true, index, how: `"${numbered[0].trim()}"` };
  }

  const bare = /^[\s*[("']*([A-Za-z])[\s*\])".':]*$/.exec(text);
  if (bare) {
    if (inRange(bare[1])) return found(bare[1], 'a bare letter');
    outOfRange.push(bare[1]);
  }
  // An opening label (`B) …`, `B. …`, `B` then a line break), unless the reply goes on to label other options
  // (`A) relieved? No. B) betrayed? …` walks through them; it does not choose A).
  const label = /^[*\s]*[\[(]?([A-Z])(?:[\]):.,]|\s+-|\s*\n)\s*\S/.exec(text);
  const otherLabels = label && [...text.matchAll(/(?:^|\s)[\[(]?([A-Z])[\])]\s/g)].some((m) => m[1] !== label[1]);
  if (label && inRange(label[1]) && !otherLabels) return found(label[1], `the opening label "${label[0].trim().slice(0, 4)}"`);

  const bracketed = new Set([...text.matchAll(/[\[(]([A-Z])[\])]/g)].map((m) => m[1]).filter(inRange));
  if (bracketed.size === 1) {
    const [letter] = bracketed;
    return found(letter, `the bracketed letter (${letter})`);
  }
  if (bracketed.size > 1) return { ok: false, reason: `the reply names several options (${[...bracketed].join(', ')})` };

  const byText = matchOptionText(text, options);
  if (byText !== undefined) return { ok: true, index: byText, how: `the text of option ${optionLetter(byText)}` };
  if (outOfRange.length) return { ok: false, reason: `letter ${outOfRange[0]} is not one of the ${count} options` };
  return { ok: false, reason: 'no option letter or option text found in the reply' };
}

/** The one option whose text the reply contains (or equals), if exactly one; the longest wins when one contains another. */
function matchOptionText(reply: string, options: readonly string[]): number | undefined {
  const normalizedReply = normalize(reply);
  if (!normalizedReply) return undefined;
  const hits = options
    .map((option, index) => ({ index, text: normalize(option) }))
    .filter((option) => option.text.length > 0 && normalizedReply.includes(option.text));
  if (hits.length === 0) return undefined;
  const longest = hits.reduce((a, b) => (b.text.length > a.text.length ? b : a));
  const independent = hits.filter((hit) => hit !== longest && !longest.text.includes(hit.text));
  return independent.length === 0 ? longest.index : undefined;
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
