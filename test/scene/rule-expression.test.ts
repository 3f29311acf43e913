import { describe, expect, it } from 'vitest';
import { ExpressionError, LIMITS, parseCondition, parseEffects, type ValueType } from '../../src/scene/rules/expression.ts';

// Issue 16 (rpg): the game rules' expression language, parsed and evaluated by the engine — no eval, no Function,
// bounded — with the file's line and column in every error.

const declared = new Map<string, ValueType>([['gold', 'number'], ['hp', 'number'], ['door_open', 'boolean'], ['room', 'string'], ['player.keys', 'number']]);
const state = { gold: 12, hp: 2, door_open: false, room: 'cellar', 'player.keys': 1 };

function errorOf(work: () => unknown): ExpressionError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('conditions', () => {
  it.each([
    ['gold >= 10', true],
    ['gold >= 10 and not door_open', true],
    ['gold > 20 or (hp < 3 && room == "cellar")', true],
    ["room != 'attic' and player.keys == 1", true],
    ['-hp + 4 == 2', true],
    ['gold % 5 == 2 and gold / 4 == 3', true],
    ['min(gold, hp) == 2 and max(gold, hp) == 12 and abs(-3) == 3 and clamp(gold, 0, 10) == 10', true],
    ['gold / 0 == 0', true],
    ['!door_open && false', false],
    ['1 + 2 * 3 == 7 and (1 + 2) * 3 == 9', true],
    ['true or false and false', true],
  ])('%s → %s', (text, expected) => {
    expect(parseCondition(text, declared).evaluate(state)).toBe(expected);
  });

  it('refuses what is not the language, naming the line and column in the file', () => {
    const at = { line: 14, column: 12 };
    expect(errorOf(() => parseCondition('gold >= 10 and gold', declared, at)).message).toBe("line 14, column 23: 'and' joins true/false values, not a number");
    expect(errorOf(() => parseCondition('process.exit(1)', declared, at)).message).toBe("line 14, column 12: unknown function 'process.exit' (known: min, max, abs, clamp)");
    expect(errorOf(() => parseCondition('constructor', declared, at)).message).toMatch(/^line 14, column 12: unknown variable 'constructor'/);
    expect(errorOf(() => parseCondition('gold >= 10; hp = 0', declared, at)).message).toBe("line 14, column 22: unexpected ';' after the condition");
    expect(errorOf(() => parseCondition('room == 3', declared, at)).message).toBe("line 14, column 17: '==' compares a string with a number");
    expect(errorOf(() => parseCondition('gold + 1', declared, at)).message).toBe('line 14, column 12: a condition must be true or false, this is a number');
    expect(errorOf(() => parseCondition('`ls`', declared, at)).message).toBe("line 14, column 12: unexpected character '`'");
    expect(errorOf(() => parseCondition('"open', declared, at)).message).toBe('line 14, column 12: a string is not closed');
    expect(errorOf(() => parseCondition('gold >=\n  (hp', declared, at)).message).toBe("line 15, column 6: expected ')', found the end");
    expect(errorOf(() => parseCondition('hp(2) > 1', declared, at)).message).toMatch(/unknown function 'hp'/);
    expect(errorOf(() => parseCondition('min(gold) > 1', declared, at)).message).toMatch(/min\(\) takes 2 argument\(s\), not 1/);
  });

  it('is bounded: a huge, deep or long rule is refused before it is evaluated', () => {
    const deep = `${'('.repeat(LIMITS.depth + 5)}gold${')'.repeat(LIMITS.depth + 5)} > 1`;
    expect(errorOf(() => parseCondition(deep, declared)).message).toMatch(/nests more than 32 levels deep/);
    const wide = Array.from({ length: 300 }, () => 'gold > 1').join(' and ');
    expect(errorOf(() => parseCondition(wide, declared)).message).toMatch(/more than 500 parts|characters long/);
    expect(errorOf(() => parseCondition(`gold > ${'9'.repeat(LIMITS.length)}`, declared)).message).toMatch(/more than 2000$/);
    const chain = Array.from({ length: 200 }, () => 'hp').join(' + ');
    expect(parseCondition(`${chain} == 400`, declared).evaluate(state)).toBe(true);
  });
});

describe('effects', () => {
  it('applies assignments in order to a copy of the state, each typed', () => {
    const effects = parseEffects('gold -= 5; door_open = true; hp = clamp(hp + 10, 0, 10); room = "hall"; gold += gold', declared);
    expect(effects.assignments.map((a) => [a.target, a.op, a.source])).toEqual([
      ['gold', '-=', '5'], ['door_open', '=', 'true'], ['hp', '=', 'clamp(hp + 10, 0, 10)'], ['room', '=', '"hall"'], ['gold', '+=', 'gold'],
    ]);
    expect(effects.apply(state)).toEqual({ gold: 14, hp: 10, door_open: true, room: 'hall', 'player.keys': 1 });
    expect(state.gold).toBe(12);
    expect(parseEffects('', declared).apply(state)).toEqual(state);
  });

  it('refuses assignments to what is not declared, of the wrong type, or chained', () => {
    const at = { line: 3, column: 14 };
    expect(errorOf(() => parseEffects('mana = 3', declared, at)).message).toMatch(/^line 3, column 14: unknown variable 'mana'/);
    expect(errorOf(() => parseEffects('door_open += 1', declared, at)).message).toBe("line 3, column 24: '+=' works on numbers; 'door_open' is a boolean");
    expect(errorOf(() => parseEffects('hp = door_open', declared, at)).message).toBe("line 3, column 19: 'hp' is a number, and this value is a boolean");
    expect(errorOf(() => parseEffects('hp = gold = 1', declared, at)).message).toBe("line 3, column 24: expected ';' between effects, found '='");
    expect(errorOf(() => parseEffects('true = 1', declared, at)).message).toBe("line 3, column 14: expected a variable to assign, found 'true'");
    expect(errorOf(() => parseEffects('hp 3', declared, at)).message).toBe("line 3, column 17: expected '=', '+=' or '-=' after 'hp', found '3'");
  });
});
