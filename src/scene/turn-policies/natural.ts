import { seededRandom } from '../seeded-random.ts';
import type { Speaker, TurnPolicy } from '../turn-policy.ts';
import { needsTwoCharacters } from './cast-checks.ts';
import { nextRoundRobin } from './round-robin.ts';

export interface NaturalInput {
  /** Present characters, in cast order. */
  speakers: readonly Speaker[];
  /** Who spoke last (a character name), if anyone. */
  last?: string;
  /** The text of the last message (speech or narration) everyone heard. */
  lastText?: string;
  allowRepeat: boolean;
  /** A number in [0, 1) that decides a weighted draw. */
  random: number;
}

/**
 * Natural order, as group chats do it: a character named in the last message speaks next (the earliest named);
 * otherwise a draw weighted by talkativeness. Nobody speaks twice in a row unless allowed or alone.
 */
export function nextNatural(input: NaturalInput): { speaker: string; reason: 'mentioned' | 'talkativeness' } | undefined {
  const eligible = input.speakers.filter((s) => input.allowRepeat || s.name !== input.last || input.speakers.length === 1);
  if (eligible.length === 0) return undefined;
  if (input.lastText) {
    const named = eligible
      .map((s) => ({ name: s.name, at: mentionIndex(input.lastText!, s.name) }))
      .filter((m) => m.at >= 0 && m.name !== input.last)
      .sort((a, b) => a.at - b.at);
    if (named.length > 0) return { speaker: named[0].name, reason: 'mentioned' };
  }
  // A talkativeness of 0 still gets a small chance, so nobody is silenced forever.
  const weights = eligible.map((s) => Math.max(s.talkativeness, 0.01));
  const total = weights.reduce((a, b) => a + b, 0);
  let pick = input.random * total;
  for (let i = 0; i < eligible.length; i++) {
    pick -= weights[i];
    if (pick < 0) return { speaker: eligible[i].name, reason: 'talkativeness' };
  }
  return { speaker: eligible.at(-1)!.name, reason: 'talkativeness' };
}

/**
 * Where a character is first mentioned in a text (-1 if not): its full name or first name as a whole word,
 * case-insensitive. Names in scripts written without spaces (Chinese, Japanese) match anywhere.
 */
export function mentionIndex(text: string, name: string): number {
  const candidates = [name, name.split(/\s+/)[0]].filter((n, i, all) => n.length >= 2 && all.indexOf(n) === i);
  let best = -1;
  for (const candidate of candidates) {
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(candidate)) {
      const at = text.indexOf(candidate);
      if (at >= 0 && (best === -1 || at < best)) best = at;
      continue;
    }
    const escaped = candidate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').exec(text);
    if (match && (best === -1 || match.index < best)) best = match.index;
  }
  return best;
}

/** Whoever the last public line named, else a draw weighted by talkativeness (seeded by the episode's seed and step). */
export const naturalPolicy: TurnPolicy = {
  name: 'natural',
  description: 'the character named in the last public line speaks next, else a seeded draw weighted by talkativeness',
  narratorDirects: false,
  check: needsTwoCharacters('natural'),
  next(context) {
    const pick = nextNatural({
      speakers: context.present, last: context.last, lastText: context.lastHeard, allowRepeat: context.allowRepeat,
      random: seededRandom(context.seed, 'natural', context.step),
    });
    const present = context.present.map((speaker) => speaker.name);
    return { kind: 'characters', names: [pick?.speaker ?? nextRoundRobin(context.order, new Set(present), context.last) ?? present[0]] };
  },
};
