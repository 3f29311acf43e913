import { describe, expect, it, vi } from 'vitest';
import { renderMacros, type MacroContext } from '../../src/character/macros.ts';

const context: MacroContext = { char: 'Seraphina', user: 'Ann' };
const fixed = (value: number) => () => value;

describe('renderMacros: names', () => {
  it('replaces {{char}} and {{user}}, case-insensitively', () => {
    expect(renderMacros('{{user}} meets {{char}}. {{CHAR}} / {{User}}', context)).toBe('Ann meets Seraphina. Seraphina / Ann');
  });

  it('tolerates spaces inside the braces', () => {
    expect(renderMacros('{{ char }}', context)).toBe('Seraphina');
  });

  it('replaces the legacy <BOT>, <CHAR> and <USER> tags, case-insensitively', () => {
    expect(renderMacros('<BOT> greets <USER>; <bot>, <char>, <user>', context)).toBe('Seraphina greets Ann; Seraphina, Seraphina, Ann');
  });

  it('inserts names literally, even with $ patterns or macro syntax in them', () => {
    expect(renderMacros('{{user}}', { char: 'x', user: "$&$1$'" })).toBe("$&$1$'");
    expect(renderMacros('{{user}} and {{char}}', { char: '{{user}}', user: '<BOT>' })).toBe('<BOT> and {{user}}');
  });

  it('returns text without macros as is', () => {
    const text = 'No macros here, just <b>html</b> and {single} braces.';
    expect(renderMacros(text, context)).toBe(text);
  });
});

describe('renderMacros: {{original}}', () => {
  it('inserts the original, rendering its macros', () => {
    expect(renderMacros('Before. {{original}} After.', { ...context, original: 'You are {{char}}.' })).toBe('Before. You are Seraphina. After.');
  });

  it('expands only the first occurrence, as SillyTavern does', () => {
    expect(renderMacros('{{original}}|{{original}}', { ...context, original: 'X' })).toBe('X|');
  });

  it('is empty without an original', () => {
    expect(renderMacros('[{{original}}]', context)).toBe('[]');
  });
});

describe('renderMacros: formatting', () => {
  it('{{newline}} inserts a newline', () => {
    expect(renderMacros('a{{newline}}b{{NEWLINE}}c', context)).toBe('a\nb\nc');
  });

  it('{{trim}} removes the newlines around it', () => {
    expect(renderMacros('a\n\n{{trim}}\r\n\nb', context)).toBe('ab');
    expect(renderMacros('a {{trim}} b', context)).toBe('a  b');
    expect(renderMacros('a{{newline}}{{trim}}b', context)).toBe('ab');
  });

  it('{{noop}} and {{// comments}} disappear', () => {
    expect(renderMacros('a{{noop}}b{{// a note for the author, even {{char}} }}c', context)).toBe('abc');
  });
});

describe('renderMacros: {{random}}', () => {
  it('picks by the injected draw from a comma list, trimming items', () => {
    expect(renderMacros('{{random: red, green ,blue}}', { ...context, random: fixed(0) })).toBe('red');
    expect(renderMacros('{{random: red, green ,blue}}', { ...context, random: fixed(0.5) })).toBe('green');
    expect(renderMacros('{{random: red, green ,blue}}', { ...context, random: fixed(0.99) })).toBe('blue');
  });

  it('splits on :: when the list has one, so items may hold commas (and keep their spaces)', () => {
    expect(renderMacros('{{random::Hello, friend:: Goodbye, foe}}', { ...context, random: fixed(0) })).toBe('Hello, friend');
    expect(renderMacros('{{random::Hello, friend:: Goodbye, foe}}', { ...context, random: fixed(0.9) })).toBe(' Goodbye, foe');
  });

  it('accepts an escaped comma in the comma form', () => {
    expect(renderMacros('{{random:a\\,b,c}}', { ...context, random: fixed(0) })).toBe('a,b');
  });

  it('resolves macros inside the items', () => {
    expect(renderMacros('{{random:{{char}},{{user}}}}', { ...context, random: fixed(0) })).toBe('Seraphina');
    expect(renderMacros('{{random:{{char}},{{user}}}}', { ...context, random: fixed(0.6) })).toBe('Ann');
  });

  it('splits on the written separators only, not on commas inside substituted names', () => {
    expect(renderMacros('{{random:{{user}},x}}', { char: 'c', user: 'Smith, John', random: fixed(0) })).toBe('Smith, John');
  });

  it('is case-insensitive and draws once per macro', () => {
    const random = vi.fn(fixed(0));
    expect(renderMacros('{{RANDOM:a,b}} {{Random:c,d}}', { ...context, random })).toBe('a c');
    expect(random).toHaveBeenCalledTimes(2);
  });
});

describe('renderMacros: {{pick}}', () => {
  const text = 'Mood: {{pick::calm::angry::sad::joyful::tired}}';

  it('is stable for the same seed and text', () => {
    const first = renderMacros(text, { ...context, pickSeed: 'session-1' });
    for (let attempt = 0; attempt < 5; attempt++) expect(renderMacros(text, { ...context, pickSeed: 'session-1' })).toBe(first);
    expect(['calm', 'angry', 'sad', 'joyful', 'tired']).toContain(first.slice('Mood: '.length));
  });

  it('does not use the random source', () => {
    const random = vi.fn(fixed(0));
    renderMacros('{{pick:a,b,c}}', { ...context, random, pickSeed: 's' });
    expect(random).not.toHaveBeenCalled();
  });

  it('varies with the seed and with the position of the macro', () => {
    const bySeed = new Set(Array.from({ length: 30 }, (_, seed) => renderMacros(text, { ...context, pickSeed: `s${seed}` })));
    expect(bySeed.size).toBeGreaterThan(1);
    const repeated = Array.from({ length: 30 }, () => '{{pick:a,b,c,d,e,f}}').join('|');
    expect(new Set(renderMacros(repeated, { ...context, pickSeed: 'x' }).split('|')).size).toBeGreaterThan(1);
  });

  it('supports the comma form and nested macros', () => {
    expect(['Seraphina', 'Ann']).toContain(renderMacros('{{pick:{{char}},{{user}}}}', { ...context, pickSeed: 'z' }));
  });
});

describe('renderMacros: {{roll}}', () => {
  it('rolls NdS+M as a sum of dice', () => {
    expect(renderMacros('{{roll:2d6+3}}', { ...context, random: fixed(0) })).toBe('5');
    expect(renderMacros('{{roll:2d6+3}}', { ...context, random: fixed(0.999) })).toBe('15');
    expect(renderMacros('{{roll:3d4-2}}', { ...context, random: fixed(0.5) })).toBe('7');
  });

  it('reads d6 as 1d6 and a bare number as one die with that many sides', () => {
    expect(renderMacros('{{roll:d6}}', { ...context, random: fixed(0.999) })).toBe('6');
    expect(renderMacros('{{roll:1d20}}', { ...context, random: fixed(0) })).toBe('1');
    expect(renderMacros('{{roll:20}}', { ...context, random: fixed(0.999) })).toBe('20');
    expect(renderMacros('{{roll 20}}', { ...context, random: fixed(0.5) })).toBe('11');
  });

  it('draws once per die', () => {
    const random = vi.fn(fixed(0.5));
    renderMacros('{{roll:4d8}}', { ...context, random });
    expect(random).toHaveBeenCalledTimes(4);
  });

  it('leaves invalid dice unchanged', () => {
    for (const text of ['{{roll:abc}}', '{{roll:0d6}}', '{{roll:2d0}}', '{{roll:d}}', '{{roll:5000d6}}', '{{roll:2d6*3}}']) {
      expect(renderMacros(text, context)).toBe(text);
    }
  });

  it('accepts a formula built by nested macros', () => {
    expect(renderMacros('{{roll:{{random:1,2}}d10}}', { ...context, random: fixed(0.999) })).toBe('20'); // 2d10, both 10
  });
});

describe('renderMacros: unknown and malformed macros', () => {
  it('leaves unknown macros unchanged, rendering macros inside them', () => {
    expect(renderMacros('{{time}} {{getvar::x}} {{foo:{{char}}}}', context)).toBe('{{time}} {{getvar::x}} {{foo:Seraphina}}');
  });

  it('handles stray and extra braces', () => {
    expect(renderMacros('{{{char}}}', context)).toBe('{Seraphina}');
    expect(renderMacros('{{char', context)).toBe('{{char');
    expect(renderMacros('}} {{char}} }}', context)).toBe('}} Seraphina }}');
    expect(renderMacros('{{ open {{user}} never closed', context)).toBe('{{ open Ann never closed');
  });

  it('survives deep nesting', () => {
    const deep = '{{'.repeat(500) + 'char' + '}}'.repeat(500);
    expect(() => renderMacros(deep, context)).not.toThrow();
  });
});
