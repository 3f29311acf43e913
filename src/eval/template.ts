import { fenceNonce, fenceTag, fenceText } from '../text/index.ts';
import type { BenchItem, ChatTurn } from './item.ts';
import type { BenchmarkDefinition } from './definition.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The letter of the i-th option shown (`A` for 0). */
export function optionLetter(index: number): string {
  return LETTERS[index] ?? String(index + 1);
}

/** `A, B, C or D` for four options. */
export function letterList(count: number): string {
  const letters = Array.from({ length: count }, (_, i) => optionLetter(i));
  return letters.length <= 1 ? letters.join('') : `${letters.slice(0, -1).join(', ')} or ${letters.at(-1)}`;
}

/**
 * Fills a template: `{{name}}` from the item's vars, `{{options}}` (`A) text` lines), `{{options_bracketed}}`
 * (`[A] text`) and `{{letters}}` from the options in the order shown. `{{fenced name}}` puts any of these in the
 * prompt's fence, `<data-NONCE label="name">`…`</data-NONCE>`, as data the model must not take for instructions,
 * and `{{fence}}` is the fence's tag (`data-NONCE`) for the instruction that says so. The nonce comes from the
 * whole prompt (`src/text/fence.ts`); pass the prompt's own so that its system and user templates share one.
 * One pass: a value is never scanned for placeholders. An unknown name is left as written, so a typo shows in
 * the drill-down instead of vanishing.
 */
export function renderTemplate(template: string, item: BenchItem, order?: readonly number[], nonce: string = promptNonce([template], item, order)): string {
  const shown = shownOptions(item, order);
  const valueOf = (name: string): string | undefined => {
    if (name === 'options') return shown.map((text, i) => `${optionLetter(i)}) ${text}`).join('\n');
    if (name === 'options_bracketed') return shown.map((text, i) => `[${optionLetter(i)}] ${text}`).join('\n');
    if (name === 'letters') return letterList(shown.length);
    return Object.hasOwn(item.vars, name) ? item.vars[name] : undefined;
  };
  return template.replace(/\{\{\s*(fenced\s+)?([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, fenced: string | undefined, name: string) => {
    if (!fenced && name === 'fence') return fenceTag(FENCE_KIND, nonce);
    const value = valueOf(name);
    if (value === undefined) return whole;
    return fenced ? fenceText(value, { kind: FENCE_KIND, nonce, label: name }) : value;
  });
}

const FENCE_KIND = 'data';

function shownOptions(item: BenchItem, order?: readonly number[]): string[] {
  return item.options ? (order ?? item.options.map((_, i) => i)).map((i) => item.options![i]!) : [];
}

/** The fence nonce of one attempt's prompt: its templates and everything of the item they can show. */
function promptNonce(templates: readonly (string | undefined)[], item: BenchItem, order?: readonly number[]): string {
  return fenceNonce([templates, item.vars, shownOptions(item, order)]);
}

/** The chat messages for one attempt at an item. */
export function renderPrompt(prompt: BenchmarkDefinition['prompt'], item: BenchItem, order?: readonly number[]): ChatTurn[] {
  const messages: ChatTurn[] = [];
  const nonce = promptNonce([prompt.system, prompt.user], item, order);
  if (prompt.system) messages.push({ role: 'system', content: renderTemplate(prompt.system, item, order, nonce) });
  if (prompt.user) {
    messages.push({ role: 'user', content: renderTemplate(prompt.user, item, order, nonce) });
  } else if (item.messages?.length) {
    messages.push(...item.messages.filter((m) => !(prompt.system && m.role === 'system')));
  }
  return messages;
}
