import { z } from 'zod';
import { ExpressionError, parseCondition, parseEffects, type Condition, type Declarations, type Effects, type SourcePosition, type Value, type ValueType } from './expression.ts';

// A text RPG's world as the engine keeps it: typed state variables (some hidden from the players), actions the
// players may take, events that fire on their own, and win and lose conditions — every rule in the expression
// language of `expression.ts`, so the engine, never a model, decides what the state is (RPGBench's verifiable state).

const Name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'a variable name: letters, digits, _ and dots, not starting with a digit');

const Variable = z.object({
  type: z.enum(['number', 'boolean', 'string']),
  initial: z.union([z.number(), z.boolean(), z.string()]),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Strings only: the values it may take. */
  values: z.array(z.string()).min(1).optional(),
  /** Known to the game master only; players never see it. */
  hidden: z.boolean().default(false),
  description: z.string().optional(),
}).strict();

const Rule = z.object({
  name: z.string().trim().min(1),
  /** When it may be taken (an action) or fires (an event); default: always. */
  when: z.string().default('true'),
  effects: z.string().default(''),
  description: z.string().optional(),
}).strict();

export const GameFile = z.object({
  variables: z.record(Name, Variable).refine((v) => Object.keys(v).length > 0, 'declare at least one variable'),
  actions: z.array(Rule).default([]),
  events: z.array(Rule).default([]),
  win: z.string().min(1),
  lose: z.string().optional(),
}).strict();
export type GameFile = z.infer<typeof GameFile>;

export type GameState = Record<string, Value>;

interface CompiledRule {
  name: string;
  when: Condition;
  effects: Effects;
}

/** A world whose rules are parsed and type-checked. */
export interface Game {
  readonly declared: Declarations;
  readonly initial: GameState;
  readonly hidden: ReadonlySet<string>;
  readonly actions: readonly CompiledRule[];
  readonly events: readonly CompiledRule[];
  readonly win: Condition;
  readonly lose?: Condition;
  /** Why a state breaks a variable's bounds or allowed values, or undefined when it is valid. */
  invalid(state: GameState): string | undefined;
  /** The state after an action (if its condition holds) and then every event whose condition holds, in order. */
  step(state: GameState, action?: string): { state: GameState; fired: string[] } | { refused: string };
  outcome(state: GameState): 'win' | 'lose' | undefined;
}

/** Where each rule text starts in the file, keyed by its path (`actions.0.when`, `win`), for error positions. */
export type RulePositions = ReadonlyMap<string, SourcePosition>;

/**
 * Compiles a game: checks the variables' initial values and bounds, parses every rule against the declarations.
 * Every problem is reported at once (`path: line L, column C: …` where positions are known).
 */
export function compileGame(file: GameFile, positions: RulePositions = new Map()): Game {
  const problems: string[] = [];
  const declared = new Map<string, ValueType>(Object.entries(file.variables).map(([name, v]) => [name, v.type]));
  const initial: GameState = {};
  for (const [name, variable] of Object.entries(file.variables)) {
    if (typeof variable.initial !== variable.type) problems.push(`variables.${name}.initial: a ${variable.type} variable starts as a ${typeof variable.initial}`);
    if (variable.type !== 'number' && (variable.min !== undefined || variable.max !== undefined)) problems.push(`variables.${name}: min and max are for numbers`);
    if (variable.type !== 'string' && variable.values) problems.push(`variables.${name}.values: values are for strings`);
    initial[name] = variable.initial;
  }
  const compile = <T>(path: string, parse: (text: string, at: SourcePosition | undefined) => T, text: string): T | undefined => {
    try {
      return parse(text, positions.get(path));
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.push(`${path}: ${error.message}`);
      return undefined;
    }
  };
  const rules = (kind: 'actions' | 'events') => file[kind].flatMap((rule, i) => {
    const when = compile(`${kind}.${i}.when`, (t, at) => parseCondition(t, declared, at), rule.when);
    const effects = compile(`${kind}.${i}.effects`, (t, at) => parseEffects(t, declared, at), rule.effects);
    return when && effects ? [{ name: rule.name, when, effects }] : [];
  });
  const actions = rules('actions');
  const events = rules('events');
  const win = compile('win', (t, at) => parseCondition(t, declared, at), file.win);
  const lose = file.lose === undefined ? undefined : compile('lose', (t, at) => parseCondition(t, declared, at), file.lose);
  const names = new Set<string>();
  for (const action of file.actions) {
    if (names.has(action.name)) problems.push(`actions: two actions are named '${action.name}'`);
    names.add(action.name);
  }
  const invalid = (state: GameState): string | undefined => {
    for (const [name, variable] of Object.entries(file.variables)) {
      const value = state[name];
      if (typeof value !== variable.type) return `${name} must be a ${variable.type}`;
      if (typeof value === 'number' && variable.min !== undefined && value < variable.min) return `${name} = ${value} is below its minimum ${variable.min}`;
      if (typeof value === 'number' && variable.max !== undefined && value > variable.max) return `${name} = ${value} is above its maximum ${variable.max}`;
      if (typeof value === 'string' && variable.values && !variable.values.includes(value)) return `${name} = "${value}" is not one of ${variable.values.join(', ')}`;
    }
    return undefined;
  };
  const start = invalid(initial);
  if (start) problems.push(`variables: the initial state is invalid: ${start}`);
  if (problems.length || !win) throw new GameError(problems);
  return {
    declared, initial, actions, events, win, lose,
    hidden: new Set(Object.entries(file.variables).filter(([, v]) => v.hidden).map(([name]) => name)),
    invalid,
    step(state, actionName) {
      let next = state;
      if (actionName !== undefined) {
        const action = actions.find((a) => a.name === actionName);
        if (!action) return { refused: `no action named '${actionName}'` };
        if (!action.when.evaluate(state)) return { refused: `'${actionName}' is not allowed now (${action.when.source})` };
        next = action.effects.apply(state);
        const broken = invalid(next);
        if (broken) return { refused: `'${actionName}' would leave an invalid state: ${broken}` };
      }
      const fired: string[] = [];
      for (const event of events) {
        if (!event.when.evaluate(next)) continue;
        const after = event.effects.apply(next);
        if (invalid(after)) continue;
        next = after;
        fired.push(event.name);
      }
      return { state: next, fired };
    },
    outcome(state) {
      if (lose?.evaluate(state)) return 'lose';
      return win.evaluate(state) ? 'win' : undefined;
    },
  };
}

/** A game file whose rules cannot be compiled; each problem names its rule and, where known, line and column. */
export class GameError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'GameError';
  }
}

export interface Reachability {
  /** `yes`: a winning state was found (with the actions that reach it); `no`: every reachable state was explored; `unknown`: the bound was hit first. */
  winnable: 'yes' | 'no' | 'unknown';
  /** The shortest action sequence to a win, when one was found. */
  path?: string[];
  /** Distinct states explored. */
  explored: number;
}

/**
 * Whether a winning state is reachable from the initial state by the players' actions (breadth first, so the path
 * found is a shortest one), exploring at most `maxStates` distinct states: RPGBench's check that a created game can
 * be won. Lost states are not expanded.
 */
export function checkWinnable(game: Game, options: { maxStates?: number } = {}): Reachability {
  const maxStates = options.maxStates ?? 20_000;
  const key = (state: GameState) => JSON.stringify(Object.keys(state).sort().map((name) => state[name]));
  const first = game.step(game.initial);
  if ('refused' in first) return { winnable: 'no', explored: 0 };
  const seen = new Set([key(first.state)]);
  let frontier: { state: GameState; path: string[] }[] = [{ state: first.state, path: [] }];
  while (frontier.length) {
    const next: typeof frontier = [];
    for (const { state, path } of frontier) {
      const outcome = game.outcome(state);
      if (outcome === 'win') return { winnable: 'yes', path, explored: seen.size };
      if (outcome === 'lose') continue;
      for (const action of game.actions) {
        const result = game.step(state, action.name);
        if ('refused' in result) continue;
        const k = key(result.state);
        if (seen.has(k)) continue;
        if (seen.size >= maxStates) return { winnable: 'unknown', explored: seen.size };
        seen.add(k);
        next.push({ state: result.state, path: [...path, action.name] });
      }
    }
    frontier = next;
  }
  return { winnable: 'no', explored: seen.size };
}
