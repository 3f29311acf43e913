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
 * (`[A] text`) and `{{letters}}` from the options in the
 * order shown. An unknown name is left as written, so a typo shows in the drill-down instead of vanishing.
 */
export function renderTemplate(template: string, item: BenchItem, order?: readonly number[]): string {
  const shown = item.options ? (order ?? item.options.map((_, i) => i)).map((i) => item.options![i]) : [];
  return template.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) => {
    if (name === 'options') return shown.map((text, i) => `${optionLetter(i)}) ${text}`).join('\n');
    if (name === 'options_bracketed') return shown.map((text, i) => `[${optionLetter(i)}] ${text}`).join('\n');
    if (name === 'letters') return letterList(shown.length);
    return Object.hasOwn(item.vars, name) ? item.vars[name] : whole;
  });
}

/** The chat messages for one attempt at an item. */
export function renderPrompt(prompt: BenchmarkDefinition['prompt'], item: BenchItem, order?: readonly number[]): ChatTurn[] {
  const messages: ChatTurn[] = [];
  if (prompt.system) messages.push({ role: 'system', content: renderTemplate(prompt.system, item, order) });
  if (prompt.user) {
    messages.push({ role: 'user', content: renderTemplate(prompt.user, item, order) });
  } else if (item.messages?.length) {
    messages.push(...item.messages.filter((m) => !(prompt.system && m.role === 'system')));
  }
  return messages;
}
