import type { PersonaEvalSetSummary, SkipCounts, TomatoSetSummary } from '../eval/index.ts';
import type { BuiltSet } from '../run/index.ts';
import { percent } from './bench-format.ts';

/** What `bench build tomato` prints: items per mental state and order, false-belief flags, gold letters, skips, time. */
export function formatTomatoBuild(built: BuiltSet<TomatoSetSummary>, out: string): string {
  const { summary } = built;
  const lines = [`ToMATO set: ${summary.items} items from ${summary.episodes} episode(s), written to ${out} in ${seconds(built.durationMs)}`, '', 'by mental_state · order:'];
  const width = Math.max(...Object.keys(summary.byStateAndOrder).map((key) => key.length));
  for (const [key, count] of Object.entries(summary.byStateAndOrder)) lines.push(`  ${key.padEnd(width)}  ${String(count).padStart(5)}`);
  const second = Object.entries(summary.byStateAndOrder).filter(([key]) => key.endsWith(' 2')).reduce((sum, [, n]) => sum + n, 0);
  if (summary.falseBelief) {
    const fb = summary.falseBelief;
    lines.push('', `false belief (second order, judged): ${fb.true} of ${second} true (${percent(fb.true, second)} of second-order, ${percent(fb.true, summary.items)} of all items), ${fb.false} false, ${fb.unknown} undecided`);
  } else {
    lines.push('', 'false belief: left out (no --judge)');
  }
  lines.push(...goldLines(summary.goldLetters), ...skipLines(summary.skipped));
  return lines.join('\n');
}

/** What `bench build persona-eval` prints. */
export function formatPersonaEvalBuild(built: BuiltSet<PersonaEvalSetSummary>, out: string): string {
  const { summary } = built;
  const lines = [`PersonaEval set: ${summary.items} items from ${summary.episodes} episode(s), written to ${out} in ${seconds(built.durationMs)}`, '', 'by number of candidates:'];
  for (const [count, items] of Object.entries(summary.byCandidates)) lines.push(`  ${count}  ${String(items).padStart(5)}`);
  lines.push(...goldLines(summary.goldLetters), ...skipLines(summary.skipped));
  return lines.join('\n');
}

function goldLines(letters: Record<string, number>): string[] {
  const total = Object.values(letters).reduce((sum, n) => sum + n, 0);
  return ['', 'gold answer by option letter:', ...Object.entries(letters).map(([letter, n]) => `  ${letter}  ${String(n).padStart(5)}  ${percent(n, total)}`)];
}

const SKIP_REASONS: Record<string, string> = {
  'too-few-distractors': 'fewer than 3 distinct other thoughts of that kind in the episode',
  'no-context': "the episode's first line, or the speaker spoke just before: no line to show before it",
  'fewer-than-2-candidates': 'a cast of one',
  'speaker-not-in-cast': 'the speaker is not in the cast',
};

function skipLines(skipped: SkipCounts): string[] {
  const entries = Object.entries(skipped);
  if (entries.length === 0) return ['', 'skipped: none'];
  return ['', 'skipped:', ...entries.map(([reason, n]) => `  ${String(n).padStart(5)}  ${reason}${SKIP_REASONS[reason] ? `: ${SKIP_REASONS[reason]}` : ''}`)];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
