// Lorebook regex keys from untrusted cards: the key /(a+)+$/ against messages that make a backtracking engine
// explode, on JavaScript's RegExp (what lorebook activation used before, run in a child process that is killed
// after a while) and on RE2 through activateLorebook (now). Also a 10,000-entry book of such keys, where the
// same key is compiled and tried once per book, and a book of 10,000 different keys.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { activateLorebook } from '../src/character/lorebook-activation.ts';
import type { Lorebook } from '../src/character/schema.ts';

const KILL_AFTER_MS = Number(process.env.KILL_AFTER_MS ?? 20_000);
const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;

/** Milliseconds of `new RegExp('(a+)+$').test(text)` in a fresh process, or undefined when it was killed. */
function backtracking(text: string): number | undefined {
  const script = `const r = new RegExp('(a+)+$'); const t = process.argv[1]; const s = performance.now(); r.test(t); console.log(performance.now() - s);`;
  const child = spawnSync(process.execPath, ['-e', script, text], { timeout: KILL_AFTER_MS, encoding: 'utf8' });
  return child.status === 0 ? Number(child.stdout) : undefined;
}

const book = (keys: readonly string[]): Lorebook => ({
  extensions: {},
  entries: keys.map((key, index) => ({ keys: [key], content: `entry ${index}`, extensions: {}, enabled: true, insertion_order: index, use_regex: false })),
});

/** First call (compiles the keys) and the median of five later calls (keys already compiled). */
function linear(lorebook: Lorebook, message: string): { first: number; again: number; activated: number } {
  const run = () => {
    const start = performance.now();
    const result = activateLorebook(lorebook, { messages: [message], tokenBudget: Infinity, countTokens: (text) => text.length });
    return { elapsed: performance.now() - start, activated: result.activated.length };
  };
  const first = run();
  const later = Array.from({ length: 5 }, run).map((r) => r.elapsed).sort((a, b) => a - b);
  return { first: first.elapsed, again: later[2], activated: first.activated };
}

console.log('Key /(a+)+$/ on JavaScript RegExp (before), in a child process killed after', ms(KILL_AFTER_MS));
for (const length of [20, 22, 24, 26]) {
  const elapsed = backtracking(`${'a'.repeat(length)}!`);
  console.log(`  ${String(length + 1).padStart(6)} characters (a…a!): ${elapsed === undefined ? 'killed' : ms(elapsed)}`);
}
const longRun = backtracking(`${'a'.repeat(10_000)}!`);
console.log(`  10,001 characters (a…a!): ${longRun === undefined ? `did not finish, killed after ${ms(KILL_AFTER_MS)}` : ms(longRun)}`);

console.log('\nThe same key through activateLorebook on RE2 (now): first call with compiling, then a later call');
const one = book(['/(a+)+$/']);
for (const [label, message] of [['27 characters (a…a!)', `${'a'.repeat(26)}!`], ['10,001 characters (a…a!)', `${'a'.repeat(10_000)}!`], ['10,000 characters (a…a)', 'a'.repeat(10_000)]] as const) {
  const { first, again, activated } = linear(one, message);
  console.log(`  ${label.padEnd(26)} ${ms(first).padStart(9)}, then ${ms(again).padStart(8)}  (${activated} activated)`);
}

console.log('\n10,000-entry books against one 10,001-character message (a…a!) and a 10,000-character one (a…a)');
const same = book(Array.from({ length: 10_000 }, () => '/(a+)+$/'));
const distinct = book(Array.from({ length: 10_000 }, (_, index) => `/(a+)+(x${index})?$/`));
for (const [label, lorebook] of [['the same key 10,000 times', same], ['10,000 different keys', distinct]] as const) {
  for (const message of [`${'a'.repeat(10_000)}!`, 'a'.repeat(10_000)]) {
    const { first, again, activated } = linear(lorebook, message);
    console.log(`  ${label.padEnd(26)} ${ms(first).padStart(9)}, then ${ms(again).padStart(8)}  (${activated} activated)`);
  }
}
