import { describe, expect, it } from 'vitest';
import { checkWinnable, compileGame, GameError, GameFile } from '../../src/scene/rules/game.ts';

// Issue 16 (rpg): a game's world compiled from its rules, stepped only by the engine, and checked for a reachable
// win by a bounded search (RPGBench's game-creation check).

const vault = GameFile.parse({
  variables: {
    room: { type: 'string', initial: 'hall', values: ['hall', 'cellar', 'vault'] },
    has_key: { type: 'boolean', initial: false },
    torches: { type: 'number', initial: 2, min: 0, max: 3 },
    guard_awake: { type: 'boolean', initial: false, hidden: true },
    noise: { type: 'number', initial: 0, min: 0, max: 10, hidden: true },
  },
  actions: [
    { name: 'go cellar', when: 'room == "hall"', effects: 'room = "cellar"; torches -= 1' },
    { name: 'go hall', when: 'room == "cellar"', effects: 'room = "hall"; noise += 1' },
    { name: 'take key', when: 'room == "cellar" and not has_key', effects: 'has_key = true; noise += 2' },
    { name: 'open vault', when: 'room == "hall" and has_key and not guard_awake', effects: 'room = "vault"' },
  ],
  events: [{ name: 'the guard wakes', when: 'noise >= 4 and not guard_awake', effects: 'guard_awake = true' }],
  win: 'room == "vault"',
  lose: 'torches == 0 and room == "cellar"',
});

describe('a compiled game', () => {
  it('steps only by its rules: an action whose condition fails or that breaks a bound is refused; events fire on their own', () => {
    const game = compileGame(vault);
    expect([...game.hidden]).toEqual(['guard_awake', 'noise']);
    expect(game.step(game.initial, 'open vault')).toEqual({ refused: `'open vault' is not allowed now (room == "hall" and has_key and not guard_awake)` });
    expect(game.step(game.initial, 'fly')).toEqual({ refused: "no action named 'fly'" });
    let state = game.initial;
    for (const action of ['go cellar', 'take key', 'go hall']) {
      const result = game.step(state, action);
      if ('refused' in result) throw new Error(result.refused);
      state = result.state;
    }
    expect(state).toEqual({ room: 'hall', has_key: true, torches: 1, guard_awake: false, noise: 3 });
    const back = game.step(state, 'go cellar');
    expect(back).toMatchObject({ state: { torches: 0, room: 'cellar' } });
    if ('refused' in back) throw new Error(back.refused);
    expect(game.outcome(back.state)).toBe('lose');
    const noisy = game.step({ ...state, room: 'cellar' }, 'go hall');
    expect(noisy).toEqual({ state: { room: 'hall', has_key: true, torches: 1, guard_awake: true, noise: 4 }, fired: ['the guard wakes'] });
    expect(game.step({ ...state, torches: 0 }, 'go cellar')).toEqual({ refused: "'go cellar' would leave an invalid state: torches = -1 is below its minimum 0" });
  });

  it('finds a shortest winning path by a bounded search, and says when there is none or the bound was hit', () => {
    expect(checkWinnable(compileGame(vault))).toMatchObject({ winnable: 'yes', path: ['go cellar', 'take key', 'go hall', 'open vault'] });
    const locked = GameFile.parse({ ...vault, actions: vault.actions.filter((a) => a.name !== 'take key') });
    expect(checkWinnable(compileGame(locked))).toMatchObject({ winnable: 'no' });
    const counter = GameFile.parse({ variables: { n: { type: 'number', initial: 0 } }, actions: [{ name: 'up', effects: 'n += 1' }], win: 'n < 0' });
    expect(checkWinnable(compileGame(counter), { maxStates: 500 })).toEqual({ winnable: 'unknown', explored: 500 });
  });

  it('reports every broken rule at once, with its path and the line where it stands in the file', () => {
    const broken = GameFile.parse({
      variables: { hp: { type: 'number', initial: 20, max: 10 }, name: { type: 'string', initial: 3 } },
      actions: [{ name: 'heal', when: 'hp < "10"', effects: 'mana += 1' }],
      win: 'hp',
    });
    const positions = new Map([['actions.0.when', { line: 7, column: 11 }], ['win', { line: 12, column: 6 }]]);
    let error: unknown;
    try {
      compileGame(broken, positions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GameError);
    expect((error as GameError).problems).toEqual([
      'variables.name.initial: a string variable starts as a number',
      "actions.0.when: line 7, column 14: '<' needs numbers, not a string",
      "actions.0.effects: line 1, column 1: unknown variable 'mana' (declared: hp, name)",
      'win: line 12, column 6: a condition must be true or false, this is a number',
      'variables: the initial state is invalid: hp = 20 is above its maximum 10',
    ]);
  });
});
