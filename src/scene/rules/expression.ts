// A small, safe expression language for game rules (conditions, effects, win and lose conditions): parsed and
// evaluated here, never by `eval` or `Function`. Evaluation is bounded by construction: no loops, no recursion in
// the language, a cap on the text's length and on the tree's size and depth, so one evaluation costs at most a few
// thousand steps whatever the input.
//
//   condition:  gold >= 10 and not door_open or (hp < 3 && room == "cellar")
//   effects:    gold -= 5; door_open = true; hp = clamp(hp + 2, 0, 10)

/** The types a state variable can have. */
export type ValueType = 'number' | 'boolean' | 'string';
export type Value = number | boolean | string;

/** What a rule may refer to: the declared variables and their types. */
export type Declarations = ReadonlyMap<string, ValueType>;

/** Where an expression sits in its file (for messages): the line of its first character, and its column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** An expression or effect list that cannot be parsed, or refers to what is not declared; the position is in the file. */
export class ExpressionError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'ExpressionError';
  }
}

export const LIMITS = {
  /** Characters of one expression or effect list. */
  length: 2_000,
  /** Nodes of one parsed tree. */
  nodes: 500,
  /** Nesting depth (parentheses, operators, calls). */
  depth: 32,
};

type Node =
  | { kind: 'literal'; value: Value; at: number }
  | { kind: 'variable'; name: string; at: number }
  | { kind: 'unary'; op: 'not' | '-'; operand: Node; at: number }
  | { kind: 'binary'; op: BinaryOp; left: Node; right: Node; at: number }
  | { kind: 'call'; name: FunctionName; args: Node[]; at: number };

type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

const FUNCTIONS = {
  min: { arity: 2, type: 'number' },
  max: { arity: 2, type: 'number' },
  abs: { arity: 1, type: 'number' },
  clamp: { arity: 3, type: 'number' },
} as const;
type FunctionName = keyof typeof FUNCTIONS;

/** A parsed, type-checked boolean condition. */
export interface Condition {
  readonly source: string;
  evaluate(state: Readonly<Record<string, Value>>): boolean;
}

/** One assignment of an effect list: `name = expr`, `name += expr`, `name -= expr`. */
export interface Assignment {
  readonly target: string;
  readonly op: '=' | '+=' | '-=';
  readonly source: string;
}

/** A parsed, type-checked list of assignments, applied in order to a copy of the state. */
export interface Effects {
  readonly assignments: readonly Assignment[];
  apply(state: Readonly<Record<string, Value>>): Record<string, Value>;
}

interface Token {
  type: 'number' | 'string' | 'name' | 'op' | 'end';
  text: string;
  value?: Value;
  at: number;
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '+=', '-=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', ',', ';', '='];

function tokenize(text: string, where: Locator): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) { i++; continue; }
    if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(text.slice(i))!;
      tokens.push({ type: 'number', text: match[0], value: Number(match[0]), at: i });
      i += match[0].length;
      continue;
    }
    if (char === '"' || char === "'") {
      const end = text.indexOf(char, i + 1);
      if (end === -1) throw where.error('a string is not closed', i);
      const body = text.slice(i + 1, end);
      if (body.includes('\\')) throw where.error('strings have no escapes: use the other quote', i);
      tokens.push({ type: 'string', text: text.slice(i, end + 1), value: body, at: i });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(i))!;
      tokens.push({ type: 'name', text: match[0], at: i });
      i += match[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (!op) throw where.error(`unexpected character '${char}'`, i);
    tokens.push({ type: 'op', text: op, at: i });
    i += op.length;
  }
  tokens.push({ type: 'end', text: 'the end', at: text.length });
  return tokens;
}

/** Turns offsets within an expression into file lines and columns. */
class Locator {
  constructor(private readonly text: string, private readonly position: SourcePosition) {}

  error(message: string, offset: number): ExpressionError {
    const before = this.text.slice(0, offset);
    const newlines = before.split('\n').length - 1;
    const column = newlines === 0 ? this.position.column + offset : offset - before.lastIndexOf('\n');
    return new ExpressionError(message, this.position.line + newlines, column);
  }
}

const PRECEDENCE: [string[], BinaryOp[]][] = [
  [['or', '||'], ['or']],
  [['and', '&&'], ['and']],
  [['==', '!='], ['==', '!=']],
  [['<', '<=', '>', '>='], ['<', '<=', '>', '>=']],
  [['+', '-'], ['+', '-']],
  [['*', '/', '%'], ['*', '/', '%']],
];

const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false']);

/** A recursive-descent parser over the tokens, counting nodes and depth as it goes. */
class Parser {
  private index = 0;
  private nodes = 0;

  constructor(private readonly tokens: Token[], private readonly where: Locator) {}

  get peek(): Token { return this.tokens[this.index]!; }

  atEnd(): boolean { return this.tokens[this.index]!.type === 'end'; }

  next(): Token { return this.tokens[this.index++]!; }

  accept(...texts: string[]): Token | undefined {
    const token = this.peek;
    if ((token.type === 'op' || token.type === 'name') && texts.includes(token.text)) return this.next();
    return undefined;
  }

  expect(text: string): Token {
    const token = this.accept(text);
    if (!token) throw this.where.error(`expected '${text}', found ${describe(this.peek)}`, this.peek.at);
    return token;
  }

  expression(depth = 0): Node { return this.binary(0, depth); }

  private count(at: number, depth: number): void {
    if (++this.nodes > LIMITS.nodes) throw this.where.error(`the expression has more than ${LIMITS.nodes} parts`, at);
    if (depth > LIMITS.depth) throw this.where.error(`the expression nests more than ${LIMITS.depth} levels deep`, at);
  }

  private binary(level: number, depth: number): Node {
    if (level === PRECEDENCE.length) return this.unary(depth);
    const [spellings, ops] = PRECEDENCE[level]!;
    // Depth counts nesting (parentheses, negations, calls), not precedence levels; a long chain is capped by `nodes`.
    let left = this.binary(level + 1, depth);
    for (let token = this.accept(...spellings); token; token = this.accept(...spellings)) {
      this.count(token.at, depth);
      const op = ops[spellings.indexOf(token.text) % ops.length]!;
      left = { kind: 'binary', op, left, right: this.binary(level + 1, depth), at: token.at };
    }
    return left;
  }

  private unary(depth: number): Node {
    const token = this.accept('not', '!', '-');
    if (token) {
      this.count(token.at, depth);
      return { kind: 'unary', op: token.text === '-' ? '-' : 'not', operand: this.unary(depth + 1), at: token.at };
    }
    return this.primary(depth);
  }

  private primary(depth: number): Node {
    const token = this.next();
    this.count(token.at, depth);
    if (token.type === 'number' || token.type === 'string') return { kind: 'literal', value: token.value!, at: token.at };
    if (token.type === 'op' && token.text === '(') {
      const inner = this.expression(depth + 1);
      this.expect(')');
      return inner;
    }
    if (token.type === 'name') {
      if (token.text === 'true' || token.text === 'false') return { kind: 'literal', value: token.text === 'true', at: token.at };
      if (KEYWORDS.has(token.text)) throw this.where.error(`'${token.text}' cannot start a value`, token.at);
      if (this.accept('(')) {
        if (!(token.text in FUNCTIONS)) throw this.where.error(`unknown function '${token.text}' (known: ${Object.keys(FUNCTIONS).join(', ')})`, token.at);
        const args: Node[] = [];
        if (!this.accept(')')) {
          do args.push(this.expression(depth + 1)); while (this.accept(','));
          this.expect(')');
        }
        return { kind: 'call', name: token.text as FunctionName, args, at: token.at };
      }
      return { kind: 'variable', name: token.text, at: token.at };
    }
    throw this.where.error(`expected a value, found ${describe(token)}`, token.at);
  }
}

function describe(token: Token): string {
  return token.type === 'end' ? 'the end' : `'${token.text}'`;
}

/** The type of a node, checked against the declarations; throws at the first misuse. */
function typeOf(node: Node, declared: Declarations, where: Locator): ValueType {
  switch (node.kind) {
    case 'literal':
      return typeof node.value as ValueType;
    case 'variable': {
      const type = declared.get(node.name);
      if (!type) throw where.error(`unknown variable '${node.name}' (declared: ${[...declared.keys()].join(', ') || 'none'})`, node.at);
      return type;
    }
    case 'unary': {
      const type = typeOf(node.operand, declared, where);
      const wanted = node.op === 'not' ? 'boolean' : 'number';
      if (type !== wanted) throw where.error(`'${node.op}' needs a ${wanted}, not a ${type}`, node.at);
      return wanted;
    }
    case 'call': {
      const spec = FUNCTIONS[node.name];
      if (node.args.length !== spec.arity) throw where.error(`${node.name}() takes ${spec.arity} argument(s), not ${node.args.length}`, node.at);
      for (const arg of node.args) {
        const type = typeOf(arg, declared, where);
        if (type !== 'number') throw where.error(`${node.name}() takes numbers, not a ${type}`, arg.at);
      }
      return spec.type;
    }
    case 'binary': {
      const left = typeOf(node.left, declared, where);
      const right = typeOf(node.right, declared, where);
      if (node.op === 'and' || node.op === 'or') {
        if (left !== 'boolean' || right !== 'boolean') throw where.error(`'${node.op}' joins true/false values, not a ${left === 'boolean' ? right : left}`, node.at);
        return 'boolean';
      }
      if (node.op === '==' || node.op === '!=') {
        if (left !== right) throw where.error(`'${node.op}' compares a ${left} with a ${right}`, node.at);
        return 'boolean';
      }
      if (left !== 'number' || right !== 'number') throw where.error(`'${node.op}' needs numbers, not a ${left === 'number' ? right : left}`, node.at);
      return ['<', '<=', '>', '>='].includes(node.op) ? 'boolean' : 'number';
    }
  }
}

/** Evaluates a checked tree: every path is typed already, so no value is coerced. */
function evaluate(node: Node, state: Readonly<Record<string, Value>>): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'variable': {
      const value = state[node.name];
      if (value === undefined) throw new Error(`the state has no value for '${node.name}'`);
      return value;
    }
    case 'unary': {
      const value = evaluate(node.operand, state);
      return node.op === 'not' ? !value : -(value as number);
    }
    case 'call': {
      const args = node.args.map((arg) => evaluate(arg, state) as number);
      if (node.name === 'min') return Math.min(args[0]!, args[1]!);
      if (node.name === 'max') return Math.max(args[0]!, args[1]!);
      if (node.name === 'abs') return Math.abs(args[0]!);
      return Math.min(Math.max(args[0]!, args[1]!), args[2]!);
    }
    case 'binary': {
      if (node.op === 'and') return (evaluate(node.left, state) as boolean) && (evaluate(node.right, state) as boolean);
      if (node.op === 'or') return (evaluate(node.left, state) as boolean) || (evaluate(node.right, state) as boolean);
      const left = evaluate(node.left, state);
      const right = evaluate(node.right, state);
      switch (node.op) {
        case '==': return left === right;
        case '!=': return left !== right;
        case '<': return (left as number) < (right as number);
        case '<=': return (left as number) <= (right as number);
        case '>': return (left as number) > (right as number);
        case '>=': return (left as number) >= (right as number);
        case '+': return (left as number) + (right as number);
        case '-': return (left as number) - (right as number);
        case '*': return (left as number) * (right as number);
        // Division by zero gives 0, not Infinity or NaN: a game state stays a plain number.
        case '/': return right === 0 ? 0 : (left as number) / (right as number);
        case '%': return right === 0 ? 0 : (left as number) % (right as number);
      }
    }
  }
}

function checkLength(text: string, where: Locator): void {
  if (text.length > LIMITS.length) throw where.error(`the rule is ${text.length} characters long, more than ${LIMITS.length}`, 0);
}

/**
 * Parses a condition (a true/false expression over the declared variables).
 * @example parseCondition('gold >= 10 and not door_open', new Map([['gold', 'number'], ['door_open', 'boolean']]))
 */
export function parseCondition(text: string, declared: Declarations, position: SourcePosition = { line: 1, column: 1 }): Condition {
  const where = new Locator(text, position);
  checkLength(text, where);
  const parser = new Parser(tokenize(text, where), where);
  const tree = parser.expression();
  if (!parser.atEnd()) throw where.error(`unexpected ${describe(parser.peek)} after the condition`, parser.peek.at);
  const type = typeOf(tree, declared, where);
  if (type !== 'boolean') throw where.error(`a condition must be true or false, this is a ${type}`, 0);
  return { source: text, evaluate: (state) => evaluate(tree, state) as boolean };
}

/**
 * Parses an effect list: assignments separated by `;` (`gold -= 5; door_open = true`), each to a declared variable
 * with a value of its type; `+=` and `-=` for numbers.
 */
export function parseEffects(text: string, declared: Declarations, position: SourcePosition = { line: 1, column: 1 }): Effects {
  const where = new Locator(text, position);
  checkLength(text, where);
  const parser = new Parser(tokenize(text, where), where);
  const parsed: { assignment: Assignment; tree: Node }[] = [];
  while (!parser.atEnd()) {
    const target = parser.next();
    if (target.type !== 'name' || KEYWORDS.has(target.text)) throw where.error(`expected a variable to assign, found ${describe(target)}`, target.at);
    const type = declared.get(target.text);
    if (!type) throw where.error(`unknown variable '${target.text}' (declared: ${[...declared.keys()].join(', ') || 'none'})`, target.at);
    const op = parser.accept('=', '+=', '-=');
    if (!op) throw where.error(`expected '=', '+=' or '-=' after '${target.text}', found ${describe(parser.peek)}`, parser.peek.at);
    const start = parser.peek.at;
    const tree = parser.expression();
    const valueType = typeOf(tree, declared, where);
    if (op.text !== '=' && type !== 'number') throw where.error(`'${op.text}' works on numbers; '${target.text}' is a ${type}`, op.at);
    if (valueType !== type) throw where.error(`'${target.text}' is a ${type}, and this value is a ${valueType}`, start);
    const end = parser.peek.at;
    parsed.push({ assignment: { target: target.text, op: op.text as Assignment['op'], source: text.slice(start, end).trim() }, tree });
    if (!parser.accept(';') && !parser.atEnd()) throw where.error(`expected ';' between effects, found ${describe(parser.peek)}`, parser.peek.at);
  }
  return {
    assignments: parsed.map((p) => p.assignment),
    apply(state) {
      const next: Record<string, Value> = { ...state };
      for (const { assignment, tree } of parsed) {
        const value = evaluate(tree, next);
        next[assignment.target] = assignment.op === '=' ? value
          : assignment.op === '+=' ? (next[assignment.target] as number) + (value as number)
          : (next[assignment.target] as number) - (value as number);
      }
      return next;
    },
  };
}
