import { createHash } from 'node:crypto';

/** A deterministic random number in [0, 1) for a key: the same seed and step always give the same draw. */
export function seededRandom(...key: (string | number)[]): number {
  const digest = createHash('sha256').update(key.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** A 31-bit integer derived from a key (per-episode sampling seeds). */
export function seededInt(...key: (string | number)[]): number {
  return Math.floor(seededRandom(...key) * 2 ** 31);
}

export interface Speaker {
  name: string;
  /** Weight for the natural policy (0–1). */
  talkativeness: number;
}

/** Round-robin: the next present character after the last one, in the scene's order. */
export function nextRoundRobin(order: readonly string[], present: ReadonlySet<string>, last: string | undefined): string | undefined {
  const start = last === undefined ? -1 : order.indexOf(last);
  for (let i = 1; i <= order.length; i++) {
    const name = order[(start + i + order.length) % order.length];
    if (present.has(name)) return name;
  }
  return undefined;
}

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
