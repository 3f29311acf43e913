import { describe, expect, it, vi } from 'vitest';
import { activateLorebook, type ActivationInput, type ActivationResult } from '../../src/character/lorebook-activation.ts';
import { readSelectiveLogic } from '../../src/character/lorebook-entry.ts';
import { lorebookEntryPosition, renderActivatedEntries } from '../../src/character/lorebook-position.ts';
import type { Lorebook, LorebookEntry } from '../../src/character/schema.ts';

function entry(overrides: Partial<LorebookEntry> & { extensions?: Record<string, unknown> } = {}): LorebookEntry {
  return { keys: [], content: 'content', extensions: {}, enabled: true, insertion_order: 100, use_regex: false, ...overrides };
}

function book(entries: LorebookEntry[], overrides: Partial<Lorebook> = {}): Lorebook {
  return { extensions: {}, entries, ...overrides };
}

/** One token per character keeps budgets easy to reason about. */
const byChars = (text: string) => text.length;

function activate(lorebook: Lorebook, messages: string[], input: Partial<ActivationInput> = {}): ActivationResult {
  return activateLorebook(lorebook, { messages, countTokens: byChars, ...input });
}

const names = (result: ActivationResult) => result.activated.map((item) => item.entry.name);

describe('primary keys', () => {
  it('activates an entry whose key is in the newest messages', () => {
    const result = activate(book([entry({ name: 'dragon', keys: ['wyrm', 'dragon'], content: 'Dragons breathe fire.' })]), ['I saw a Dragon!']);
    expect(result.activated).toEqual([
      { entry: expect.objectContaining({ name: 'dragon' }), index: 0, reason: 'key', matchedKey: 'dragon', tokens: 21, round: 0 },
    ]);
    expect(result.tokens).toBe(21);
    expect(result.errors).toEqual([]);
  });

  it('does not activate without a matching key', () => {
    expect(activate(book([entry({ keys: ['dragon'] })]), ['a quiet day']).activated).toEqual([]);
  });

  it('ignores blank keys', () => {
    expect(activate(book([entry({ keys: ['', '   '] })]), ['anything at all']).activated).toEqual([]);
  });

  it('trims keys as SillyTavern does', () => {
    expect(names(activate(book([entry({ name: 'a', keys: ['  dragon '] })]), ['dragon']))).toEqual(['a']);
  });

  it('does not match a phrase across two messages', () => {
    expect(activate(book([entry({ keys: ['safe haven'] })]), ['a safe', 'haven']).activated).toEqual([]);
  });
});

describe('case sensitivity', () => {
  const messages = ['The ORB glows.'];

  it('is case-insensitive by default', () => {
    expect(names(activate(book([entry({ name: 'orb', keys: ['Orb'] })]), messages))).toEqual(['orb']);
  });

  it('honours the V3 case_sensitive field', () => {
    const lorebook = book([entry({ name: 'exact', keys: ['ORB'], case_sensitive: true }), entry({ name: 'wrong', keys: ['Orb'], case_sensitive: true })]);
    expect(names(activate(lorebook, messages))).toEqual(['exact']);
  });

  it("honours SillyTavern's extensions.case_sensitive when the V3 field is absent", () => {
    const lorebook = book([entry({ name: 'st', keys: ['orb'], extensions: { case_sensitive: true } })]);
    expect(activate(lorebook, messages).activated).toEqual([]);
    expect(names(activate(lorebook, ['the orb']))).toEqual(['st']);
  });

  it('lets the V3 field win over the extension', () => {
    const lorebook = book([entry({ name: 'v3', keys: ['orb'], case_sensitive: false, extensions: { case_sensitive: true } })]);
    expect(names(activate(lorebook, messages))).toEqual(['v3']);
  });
});

describe('whole words', () => {
  const wholeWords = { match_whole_words: true };

  it('matches substrings by default', () => {
    expect(names(activate(book([entry({ name: 'cat', keys: ['cat'] })]), ['concatenate']))).toEqual(['cat']);
  });

  it('"cat" does not match "concatenate" with whole words', () => {
    expect(activate(book([entry({ keys: ['cat'], extensions: wholeWords })]), ['concatenate the strings']).activated).toEqual([]);
  });

  it('matches the word at the edges, next to punctuation and among other occurrences', () => {
    const lorebook = book([entry({ name: 'cat', keys: ['cat'], extensions: wholeWords })]);
    for (const text of ['cat', 'a cat', 'cat!', '"Cat," she said', 'concatenate the cat', 'my_cat? no: (cat)']) {
      expect(names(activate(lorebook, [text])), text).toEqual(['cat']);
    }
    for (const text of ['cats', 'bobcat', 'cat_food', 'cat9']) expect(activate(lorebook, [text]).activated, text).toEqual([]);
  });

  it('treats accented letters as part of a word', () => {
    expect(activate(book([entry({ keys: ['caf'], extensions: wholeWords })]), ['un café']).activated).toEqual([]);
    expect(names(activate(book([entry({ name: 'café', keys: ['café'], extensions: wholeWords })]), ['un café noir']))).toEqual(['café']);
  });

  it('still finds keys in scripts written without spaces', () => {
    expect(names(activate(book([entry({ name: 'forest', keys: ['森林'], extensions: wholeWords })]), ['我们走进森林里']))).toEqual(['forest']);
  });

  it('matches keys of several words as substrings, as SillyTavern does', () => {
    expect(names(activate(book([entry({ name: 'p', keys: ['dark lord'], extensions: wholeWords })]), ['the dark lords rise']))).toEqual(['p']);
  });
});

describe('regex keys', () => {
  it('treats every key as a pattern when use_regex is true, case-insensitive by default', () => {
    const lorebook = book([entry({ name: 're', keys: ['dra(g|k)on'], use_regex: true })]);
    expect(names(activate(lorebook, ['a DRAKON appears']))).toEqual(['re']);
    expect(activate(lorebook, ['a dragoon appears']).activated).toEqual([]);
  });

  it('makes use_regex patterns case-sensitive with case_sensitive', () => {
    const lorebook = book([entry({ keys: ['^Hello'], use_regex: true, case_sensitive: true })]);
    expect(activate(lorebook, ['hello there']).activated).toHaveLength(0);
    expect(activate(lorebook, ['Hello there']).activated).toHaveLength(1);
  });

  it('reads keys written /pattern/flags as regexes even without use_regex', () => {
    const lorebook = book([entry({ name: 'slash', keys: ['/\\bsw(or|ea)d\\b/i'] }), entry({ name: 'cased', keys: ['/Sword/'] })]);
    expect(names(activate(lorebook, ['a SWORD and a sweat']))).toEqual(['slash']);
    expect(names(activate(lorebook, ['a Sword']))).toEqual(['slash', 'cased']);
  });

  it('reads a /…/ key with an unescaped slash inside as plain text', () => {
    const lorebook = book([entry({ name: 'path', keys: ['/usr/bin/'] })]);
    expect(names(activate(lorebook, ['look in /usr/bin/ first']))).toEqual(['path']);
  });

  it('ignores the g and y flags, which would make matching stateful', () => {
    const lorebook = book([entry({ name: 'g', keys: ['/orb/gy'] })]);
    for (let attempt = 0; attempt < 3; attempt++) expect(names(activate(lorebook, ['the orb', 'orb']))).toEqual(['g']);
  });

  it('reports an invalid regex instead of throwing, and that key never matches', () => {
    const lorebook = book([
      entry({ name: 'ok' , keys: ['fine'] }),
      entry({ name: 'broken', keys: ['(unclosed', 'backup'], use_regex: true }),
      entry({ name: 'slash', keys: ['/[a-/'] }),
    ]);
    const result = activate(lorebook, ['(unclosed fine [a-']);
    expect(names(result)).toEqual(['ok']);
    expect(result.errors).toEqual([
      { code: 'invalid_regex', entryIndex: 1, key: '(unclosed', message: expect.stringContaining('Invalid regular expression') },
      { code: 'invalid_regex', entryIndex: 2, key: '/[a-/', message: expect.any(String) },
    ]);
    expect(names(activate(lorebook, ['backup']))).toEqual(['broken']);
  });

  it("reads SillyTavern exports' use_regex: true as SillyTavern does: only /…/ keys are regexes", () => {
    const exported = { display_index: 0, match_whole_words: true };
    const lorebook = book([entry({ name: 'cpp', keys: ['C++'], use_regex: true, extensions: exported }), entry({ name: 'rx', keys: ['/d.g/'], use_regex: true, extensions: exported })]);
    const result = activate(lorebook, ['I write C++ about my dog']);
    expect(names(result)).toEqual(['cpp', 'rx']);
    expect(result.errors).toEqual([]);
  });
});

describe('secondary keys and selective logic', () => {
  const selective = (logic: unknown) =>
    book([entry({ name: 'e', keys: ['sword'], selective: true, secondary_keys: ['fire', 'ice'], extensions: { selectiveLogic: logic } })]);
  const outcome = (logic: unknown, text: string) => activate(selective(logic), [text]).activated.length === 1;

  it('AND_ANY (0, the default): any secondary key must match', () => {
    for (const logic of [0, 'AND_ANY', undefined, 'nonsense']) {
      expect(outcome(logic, 'sword of fire')).toBe(true);
      expect(outcome(logic, 'sword of fire and ice')).toBe(true);
      expect(outcome(logic, 'a plain sword')).toBe(false);
    }
  });

  it('NOT_ALL (1): not every secondary key may match', () => {
    for (const logic of [1, 'NOT_ALL', '1']) {
      expect(outcome(logic, 'a plain sword')).toBe(true);
      expect(outcome(logic, 'sword of fire')).toBe(true);
      expect(outcome(logic, 'sword of fire and ice')).toBe(false);
    }
  });

  it('NOT_ANY (2): no secondary key may match', () => {
    for (const logic of [2, 'not_any']) {
      expect(outcome(logic, 'a plain sword')).toBe(true);
      expect(outcome(logic, 'sword of ice')).toBe(false);
    }
  });

  it('AND_ALL (3): every secondary key must match', () => {
    for (const logic of [3, 'AND_ALL']) {
      expect(outcome(logic, 'sword of fire and ice')).toBe(true);
      expect(outcome(logic, 'sword of fire')).toBe(false);
    }
  });

  it('still needs a primary key', () => {
    expect(outcome(2, 'nothing relevant')).toBe(false);
    expect(outcome(0, 'fire and ice')).toBe(false);
  });

  it('ignores secondary keys unless selective, and selective without secondary keys', () => {
    const lorebook = book([
      entry({ name: 'not-selective', keys: ['sword'], selective: false, secondary_keys: ['fire'] }),
      entry({ name: 'no-secondaries', keys: ['sword'], selective: true, secondary_keys: ['', ' '] }),
    ]);
    expect(names(activate(lorebook, ['a sword']))).toEqual(['not-selective', 'no-secondaries']);
  });

  it('reports the primary key that matched', () => {
    expect(activate(selective(0), ['fire sword']).activated[0].matchedKey).toBe('sword');
  });

  it('readSelectiveLogic maps numbers and names', () => {
    expect([0, 1, 2, 3, 4, 'AND ALL', null].map(readSelectiveLogic)).toEqual(['AND_ANY', 'NOT_ALL', 'NOT_ANY', 'AND_ALL', 'AND_ANY', 'AND_ALL', 'AND_ANY']);
  });
});

describe('constant and disabled entries', () => {
  it('activates constant entries without any message', () => {
    const result = activate(book([entry({ name: 'always', constant: true, keys: [] })]), []);
    expect(result.activated).toEqual([expect.objectContaining({ reason: 'constant', round: 0, index: 0 })]);
    expect(result.activated[0].matchedKey).toBeUndefined();
  });

  it('never activates disabled entries, constant or matched', () => {
    const lorebook = book([entry({ constant: true, enabled: false }), entry({ keys: ['dragon'], enabled: false })]);
    expect(activate(lorebook, ['dragon']).activated).toEqual([]);
  });

  it('does not report errors for disabled entries', () => {
    expect(activate(book([entry({ keys: ['('], use_regex: true, enabled: false })]), ['x']).errors).toEqual([]);
  });
});

describe('scan depth', () => {
  const lorebook = (overrides: Partial<Lorebook> = {}) => book([entry({ name: 'dragon', keys: ['dragon'] })], overrides);
  const history = ['the dragon sleeps', 'hello', 'how are you', 'fine'];

  it('scans only the newest two messages by default', () => {
    expect(activate(lorebook(), history).activated).toEqual([]);
    expect(names(activate(lorebook(), [...history, 'tell me of the dragon']))).toEqual(['dragon']);
    expect(names(activate(lorebook(), ['dragon!', 'and then?']))).toEqual(['dragon']);
  });

  it("uses the book's scan_depth, and the input over the book", () => {
    expect(names(activate(lorebook({ scan_depth: 4 }), history))).toEqual(['dragon']);
    expect(activate(lorebook({ scan_depth: 4 }), history, { scanDepth: 3 }).activated).toEqual([]);
    expect(names(activate(lorebook(), history, { scanDepth: 10 }))).toEqual(['dragon']);
  });

  it("lets an entry's extensions.scan_depth override the depth", () => {
    const mixed = book([entry({ name: 'deep', keys: ['dragon'], extensions: { scan_depth: 4 } }), entry({ name: 'shallow', keys: ['dragon'] })]);
    expect(names(activate(mixed, history))).toEqual(['deep']);
    const shallow = book([entry({ name: 'one', keys: ['hello'], extensions: { scan_depth: 1 } })]);
    expect(activate(shallow, ['hello', 'bye'], { scanDepth: 5 }).activated).toEqual([]);
  });

  it('scans no message at depth 0, but still the extra text', () => {
    expect(activate(lorebook(), ['dragon'], { scanDepth: 0 }).activated).toEqual([]);
    const result = activate(lorebook(), ['dragon'], { scanDepth: 0, extraScanText: ['A tale of a dragon.'] });
    expect(result.activated).toEqual([expect.objectContaining({ reason: 'key', matchedKey: 'dragon' })]);
  });

  it('scans the extra text whatever the depth', () => {
    expect(names(activate(lorebook(), history, { extraScanText: ['', 'Description: guards a dragon'] }))).toEqual(['dragon']);
  });
});

describe('token budget', () => {
  // Contents are 10 characters = 10 tokens each.
  const item = (name: string, overrides: Partial<LorebookEntry> = {}) => entry({ name, keys: ['go'], content: name.padEnd(10, '.'), ...overrides });

  it('keeps higher priority entries and skips the rest once the budget is reached', () => {
    const lorebook = book([item('low', { priority: 1 }), item('high', { priority: 9 }), item('mid', { priority: 5 })]);
    const result = activate(lorebook, ['go'], { tokenBudget: 25 });
    expect(names(result)).toEqual(['high', 'mid']);
    expect(result.skippedForBudget.map((skipped) => skipped.entry.name)).toEqual(['low']);
    expect(result.tokens).toBe(20);
  });

  it('admits entries while the total stays within the budget (inclusive)', () => {
    expect(names(activate(book([item('a'), item('b')]), ['go'], { tokenBudget: 20 }))).toEqual(['a', 'b']);
  });

  it('puts constant entries first, whatever their priority', () => {
    const lorebook = book([item('keyed', { priority: 100 }), item('constant', { constant: true, priority: 0 })]);
    const result = activate(lorebook, ['go'], { tokenBudget: 10 });
    expect(names(result)).toEqual(['constant']);
    expect(result.skippedForBudget.map((skipped) => skipped.entry.name)).toEqual(['keyed']);
  });

  it('breaks priority ties by higher insertion_order, then book order', () => {
    const lorebook = book([item('first', { insertion_order: 1 }), item('second', { insertion_order: 1 }), item('later', { insertion_order: 5 })]);
    expect(names(activate(lorebook, ['go'], { tokenBudget: 20 }))).toEqual(['first', 'later']);
  });

  it('stops at the first entry that overflows, as SillyTavern does', () => {
    const lorebook = book([item('big', { priority: 2, content: 'x'.repeat(30) }), item('small', { priority: 1 })]);
    const result = activate(lorebook, ['go'], { tokenBudget: 25 });
    expect(result.activated).toEqual([]);
    expect(result.skippedForBudget.map((skipped) => skipped.entry.name)).toEqual(['big', 'small']);
  });

  it('lets extensions.ignore_budget entries through, without spending the budget', () => {
    const lorebook = book([item('vip', { extensions: { ignore_budget: true } }), item('a', { priority: 1 }), item('b')]);
    expect(names(activate(lorebook, ['go'], { tokenBudget: 10 }))).toEqual(['vip', 'a']);
  });

  it("falls back to the book's token_budget, then 2048; 0 means unset", () => {
    const big = (name: string) => item(name, { content: 'x'.repeat(1500) });
    expect(names(activate(book([big('a'), big('b')]), ['go']))).toEqual(['a']);
    expect(names(activate(book([big('a'), big('b')]), ['go'], { tokenBudget: 0 }))).toEqual(['a']);
    expect(names(activate(book([big('a'), big('b')], { token_budget: 4000 }), ['go']))).toEqual(['a', 'b']);
    expect(names(activate(book([big('a'), big('b')], { token_budget: 0 }), ['go']))).toEqual(['a']);
    expect(names(activate(book([big('a'), big('b')], { token_budget: 10 }), ['go'], { tokenBudget: Infinity }))).toEqual(['a', 'b']);
  });

  it('orders the result by insertion_order ascending, ties by book order', () => {
    const lorebook = book([
      item('c', { insertion_order: 30 }),
      item('a', { insertion_order: 10, priority: -5 }),
      item('b2', { insertion_order: 20 }),
      item('b1', { insertion_order: 20, constant: true }),
    ]);
    expect(names(activate(lorebook, ['go']))).toEqual(['a', 'b2', 'b1', 'c']);
  });

  it('counts tokens with the default tokenizer when none is given', () => {
    const result = activateLorebook(book([entry({ keys: ['go'], content: 'Hello there, traveller.' })]), { messages: ['go'] });
    expect(result.activated[0].tokens).toBeGreaterThan(2);
    expect(result.activated[0].tokens).toBeLessThan(10);
  });

  it('counts each content once across calls, and again when it changes', () => {
    const counter = vi.fn(byChars);
    const only = entry({ keys: ['go'], content: 'abc' });
    const lorebook = book([only]);
    activateLorebook(lorebook, { messages: ['go'], countTokens: counter });
    activateLorebook(lorebook, { messages: ['go'], countTokens: counter });
    expect(counter).toHaveBeenCalledTimes(1);
    only.content = 'abcdef';
    expect(activateLorebook(lorebook, { messages: ['go'], countTokens: counter }).tokens).toBe(6);
    expect(counter).toHaveBeenCalledTimes(2);
  });
});

describe('recursion', () => {
  const chain = (extensions: Record<string, Record<string, unknown>> = {}) =>
    book([
      entry({ name: 'A', keys: ['alpha'], content: 'mentions beta', insertion_order: 1, extensions: extensions.A ?? {} }),
      entry({ name: 'B', keys: ['beta'], content: 'mentions gamma', insertion_order: 2, extensions: extensions.B ?? {} }),
      entry({ name: 'C', keys: ['gamma'], content: 'mentions delta', insertion_order: 3, extensions: extensions.C ?? {} }),
      entry({ name: 'D', keys: ['delta'], content: 'the end', insertion_order: 4, extensions: extensions.D ?? {} }),
    ]);

  it('is off by default', () => {
    expect(names(activate(chain(), ['alpha']))).toEqual(['A']);
  });

  it('follows keys in activated contents, round by round, up to three rounds by default', () => {
    const result = activate(chain(), ['alpha'], { recursive: true });
    expect(result.activated.map(({ entry: { name }, reason, round }) => ({ name, reason, round }))).toEqual([
      { name: 'A', reason: 'key', round: 0 },
      { name: 'B', reason: 'recursion', round: 1 },
      { name: 'C', reason: 'recursion', round: 2 },
      { name: 'D', reason: 'recursion', round: 3 },
    ]);
    expect(result.activated[1].matchedKey).toBe('beta');
  });

  it('stops at maxRecursionDepth', () => {
    expect(names(activate(chain(), ['alpha'], { recursive: true, maxRecursionDepth: 1 }))).toEqual(['A', 'B']);
    expect(names(activate(chain(), ['alpha'], { recursive: true, maxRecursionDepth: 0 }))).toEqual(['A']);
  });

  it("follows the book's recursive_scanning", () => {
    expect(names(activate({ ...chain(), recursive_scanning: true }, ['alpha'], { maxRecursionDepth: 2 }))).toEqual(['A', 'B', 'C']);
    expect(names(activate({ ...chain(), recursive_scanning: true }, ['alpha'], { recursive: false }))).toEqual(['A']);
  });

  it('never activates exclude_recursion entries through recursion, but does through the chat', () => {
    const lorebook = chain({ B: { exclude_recursion: true } });
    expect(names(activate(lorebook, ['alpha'], { recursive: true }))).toEqual(['A']);
    expect(names(activate(lorebook, ['alpha and beta'], { recursive: true }))).toEqual(['A', 'B', 'C', 'D']);
  });

  it('does not scan the content of prevent_recursion entries', () => {
    expect(names(activate(chain({ B: { prevent_recursion: true } }), ['alpha'], { recursive: true }))).toEqual(['A', 'B']);
  });

  it('activates delay_until_recursion entries only in recursion rounds', () => {
    const lorebook = chain({ B: { delay_until_recursion: true } });
    expect(names(activate(lorebook, ['beta']))).toEqual([]);
    expect(names(activate(lorebook, ['alpha'], { recursive: true, maxRecursionDepth: 1 }))).toEqual(['A', 'B']);
  });

  it('scans constant contents too', () => {
    const lorebook = book([entry({ name: 'K', constant: true, content: 'about beta' }), entry({ name: 'B', keys: ['beta'] })]);
    expect(activate(lorebook, [], { recursive: true }).activated.map((item) => `${item.entry.name}:${item.reason}`)).toEqual(['K:constant', 'B:recursion']);
  });

  it('can satisfy secondary keys from recursed content', () => {
    const lorebook = book([
      entry({ name: 'A', keys: ['alpha'], content: 'winter is here' }),
      entry({ name: 'S', keys: ['sword'], selective: true, secondary_keys: ['winter'] }),
    ]);
    expect(names(activate(lorebook, ['alpha and a sword']))).toEqual(['A']);
    expect(names(activate(lorebook, ['alpha and a sword'], { recursive: true }))).toEqual(['A', 'S']);
  });

  it('stops recursing once the budget overflows', () => {
    const lorebook = book([entry({ name: 'A', keys: ['alpha'], content: 'beta', priority: 2 }), entry({ name: 'X', keys: ['alpha'], content: 'x'.repeat(50) }), entry({ name: 'B', keys: ['beta'], content: 'b' })]);
    const result = activate(lorebook, ['alpha'], { recursive: true, tokenBudget: 10 });
    expect(names(result)).toEqual(['A']);
    expect(result.skippedForBudget.map((skipped) => skipped.entry.name)).toEqual(['X']);
  });
});

describe('probability', () => {
  const chance = (probability: unknown, useProbability: unknown = true) =>
    book([entry({ name: 'maybe', keys: ['go'], extensions: { useProbability, probability } })]);

  it('activates when the draw falls under the probability', () => {
    expect(names(activate(chance(50), ['go'], { random: () => 0.3 }))).toEqual(['maybe']);
    expect(names(activate(chance(50), ['go'], { random: () => 0.7 }))).toEqual([]);
    expect(names(activate(chance('25'), ['go'], { random: () => 0.2499 }))).toEqual(['maybe']);
    expect(names(activate(chance(0), ['go'], { random: () => 0 }))).toEqual([]);
  });

  it('does not draw at 100%, without useProbability, or without a match', () => {
    const random = vi.fn(() => 0.99);
    expect(names(activate(chance(100), ['go'], { random }))).toEqual(['maybe']);
    expect(names(activate(chance(10, false), ['go'], { random }))).toEqual(['maybe']);
    expect(names(activate(chance(null), ['go'], { random }))).toEqual(['maybe']);
    activate(chance(10), ['nothing'], { random });
    expect(random).not.toHaveBeenCalled();
  });

  it('applies to constant entries too, and a failed entry is not retried by recursion', () => {
    const lorebook = book([
      entry({ name: 'K', constant: true, content: 'go again', extensions: { useProbability: true, probability: 50 } }),
      entry({ name: 'F', keys: ['go'], content: 'go', extensions: { useProbability: true, probability: 50 } }),
    ]);
    const draws = [0.1, 0.9, 0.1];
    const random = vi.fn(() => draws.shift() ?? 0);
    expect(names(activate(lorebook, ['go'], { random, recursive: true }))).toEqual(['K']);
    expect(random).toHaveBeenCalledTimes(2);
  });
});

describe('inclusion groups', () => {
  const grouped = (overrides: Record<string, unknown>[]) =>
    book(overrides.map((extensions, index) => entry({ name: `g${index}`, keys: ['go'], insertion_order: index, extensions: { group: 'weather', ...extensions } })));

  it('lets one entry of a group through, drawn by group_weight', () => {
    const lorebook = grouped([{ group_weight: 10 }, { group_weight: 30 }]);
    expect(names(activate(lorebook, ['go'], { random: () => 0.1 }))).toEqual(['g0']);
    expect(names(activate(lorebook, ['go'], { random: () => 0.5 }))).toEqual(['g1']);
  });

  it('prefers group_override entries, highest order first', () => {
    const lorebook = grouped([{ group_override: true }, { group_override: true }, {}]);
    expect(names(activate(lorebook, ['go'], { random: () => 0 }))).toEqual(['g1']);
  });

  it('leaves entries of other groups alone', () => {
    const lorebook = grouped([{ group: 'a' }, { group: 'b' }, {}]);
    expect(names(activate(lorebook, ['go']))).toEqual(['g0', 'g1', 'g2']);
  });
});

describe('macros in keys and recursion', () => {
  it('renders keys such as {{char}} when macros are given', () => {
    const lorebook = book([entry({ name: 'self', keys: ['{{char}}'] })]);
    expect(names(activate(lorebook, ['Seraphina smiles'], { macros: { char: 'Seraphina', user: 'Ann' } }))).toEqual(['self']);
    expect(activate(lorebook, ['Seraphina smiles'], { macros: { char: 'Seraphina', user: 'Ann' } }).activated[0].matchedKey).toBe('{{char}}');
    expect(names(activate(lorebook, ['Seraphina smiles']))).toEqual([]);
  });

  it('renders contents before scanning them for recursion', () => {
    const lorebook = book([entry({ name: 'A', keys: ['alpha'], content: '{{user}} arrives' }), entry({ name: 'U', keys: ['Ann'] })]);
    expect(names(activate(lorebook, ['alpha'], { recursive: true, macros: { char: 'C', user: 'Ann' } }))).toEqual(['A', 'U']);
  });
});

describe('the compiled-key cache', () => {
  it('notices keys and flags changed after a call', () => {
    const only = entry({ name: 'e', keys: ['dragon'] });
    const lorebook = book([only]);
    expect(names(activate(lorebook, ['a wyrm']))).toEqual([]);
    only.keys = ['wyrm'];
    expect(names(activate(lorebook, ['a wyrm']))).toEqual(['e']);
    only.keys.push('Orb');
    only.case_sensitive = true;
    expect(names(activate(lorebook, ['an orb']))).toEqual([]);
  });
});

describe('renderActivatedEntries', () => {
  const lorebook = book([
    entry({ name: 'after', keys: ['go'], content: 'After one.', position: 'after_char', insertion_order: 1 }),
    entry({ name: 'before', keys: ['go'], content: 'Before one.', position: 'before_char', insertion_order: 2 }),
    entry({ name: 'st', keys: ['go'], content: 'At depth.', extensions: { position: 4 }, insertion_order: 3 }),
    entry({ name: 'default', keys: ['go'], content: 'Default.', insertion_order: 4 }),
    entry({ name: 'empty', keys: ['go'], content: '  ', insertion_order: 5 }),
  ]);
  const result = activate(lorebook, ['go']);

  it('joins the contents of one position in prompt order', () => {
    expect(renderActivatedEntries(result, 'before_char')).toBe('Before one.\nDefault.');
    expect(renderActivatedEntries(result, 'after_char')).toBe('After one.\nAt depth.');
  });

  it('joins everything without a position, skipping empty contents', () => {
    expect(renderActivatedEntries(result)).toBe('After one.\nBefore one.\nAt depth.\nDefault.');
    expect(renderActivatedEntries({ activated: [] })).toBe('');
  });

  it('reads the V3 position, else SillyTavern extensions.position', () => {
    expect(lorebookEntryPosition(entry({ position: 'after_char', extensions: { position: 0 } }))).toBe('after_char');
    expect(lorebookEntryPosition(entry({ extensions: { position: 1 } }))).toBe('after_char');
    expect(lorebookEntryPosition(entry({ extensions: { position: '0' } }))).toBe('before_char');
    expect(lorebookEntryPosition(entry())).toBe('before_char');
  });
});

describe('long histories', () => {
  // Over 2 KB of scanned text switches on the trigram prefilter: it must never hide a real match.
  const vocabulary = ['amber', 'glade', 'shadow', 'fang', 'river', 'Stone', 'ÉLAN', 'night', 'watch', 'mist', 'crown', 'ash'];
  let seed = 42;
  const draw = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const word = () => vocabulary[Math.floor(draw() * vocabulary.length)];
  const messages = Array.from({ length: 200 }, () => Array.from({ length: 60 }, word).join(' '));
  const keys = ['glade', 'GLADE', 'shadow fang', 'fangs', 'rivers', 'stone', 'élan', 'mist crown', 'ash ash', 'dragon', 'wa', 'hmist'];

  it('matches exactly what a plain search of the scanned text finds', () => {
    for (const depth of [1, 5, 200]) {
      for (const caseSensitive of [false, true]) {
        const lorebook = book(keys.map((key) => entry({ name: key, keys: [key], case_sensitive: caseSensitive })));
        const text = messages.slice(-depth).join('\n');
        const expected = keys.filter((key) => (caseSensitive ? text.includes(key) : text.toLowerCase().includes(key.toLowerCase())));
        expect(names(activate(lorebook, messages, { scanDepth: depth, tokenBudget: Infinity })).sort(), `depth ${depth}`).toEqual(expected.sort());
      }
    }
  });

  it('scans only the newest messages of a long history', () => {
    const history = ['the dragon', ...messages];
    expect(activate(book([entry({ keys: ['dragon'] })]), history, { scanDepth: 200 }).activated).toEqual([]);
    expect(activate(book([entry({ keys: ['dragon'] })]), history, { scanDepth: 201 }).activated).toHaveLength(1);
  });
});
