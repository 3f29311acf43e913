import { describe, expect, it } from 'vitest';
import { mentionIndex, nextNatural, nextRoundRobin, seededRandom } from '../../src/scene/index.ts';

describe('turn policies', () => {
  it('round-robin skips those who left and wraps around', () => {
    const order = ['Ana', 'Bo', 'Cy'];
    expect(nextRoundRobin(order, new Set(order), undefined)).toBe('Ana');
    expect(nextRoundRobin(order, new Set(order), 'Cy')).toBe('Ana');
    expect(nextRoundRobin(order, new Set(['Ana', 'Cy']), 'Ana')).toBe('Cy');
    expect(nextRoundRobin(order, new Set(), 'Ana')).toBeUndefined();
  });

  it('finds mentions as whole words, by full or first name, and in scripts without spaces', () => {
    expect(mentionIndex('Well, Baron, what now?', 'Baron Orlik')).toBe(6);
    expect(mentionIndex('The barony is lost.', 'Baron Orlik')).toBe(-1);
    expect(mentionIndex('ask ana about it', 'Ana')).toBe(4);
    expect(mentionIndex('师父，孙悟空来了', '孙悟空')).toBe(3);
  });

  it('natural: the earliest named character speaks next, never the last speaker unless allowed', () => {
    const speakers = [{ name: 'Ana', talkativeness: 0.5 }, { name: 'Bo', talkativeness: 0.5 }, { name: 'Cy', talkativeness: 0.5 }];
    expect(nextNatural({ speakers, last: 'Ana', lastText: 'Cy, and you, Bo?', allowRepeat: false, random: 0 })).toEqual({ speaker: 'Cy', reason: 'mentioned' });
    expect(nextNatural({ speakers, last: 'Ana', lastText: 'I, Ana, say so.', allowRepeat: false, random: 0 })?.speaker).not.toBe('Ana');
    expect(nextNatural({ speakers, last: 'Ana', lastText: 'Nobody.', allowRepeat: true, random: 0 })?.speaker).toBe('Ana');
  });

  it('natural: draws by talkativeness', () => {
    const speakers = [{ name: 'Ana', talkativeness: 0.9 }, { name: 'Bo', talkativeness: 0.1 }];
    const picks = Array.from({ length: 400 }, (_, i) => nextNatural({ speakers, allowRepeat: true, random: seededRandom('t', i) })!.speaker);
    const ana = picks.filter((p) => p === 'Ana').length;
    expect(ana).toBeGreaterThan(320);
    expect(ana).toBeLessThan(400);
  });

  it('seeded draws are deterministic and spread over [0, 1)', () => {
    expect(seededRandom(7, 'natural', 3)).toBe(seededRandom(7, 'natural', 3));
    expect(seededRandom(7, 'natural', 3)).not.toBe(seededRandom(8, 'natural', 3));
    const draws = Array.from({ length: 1000 }, (_, i) => seededRandom(i));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.filter((d) => d < 0.5).length).toBeGreaterThan(400);
  });
});
