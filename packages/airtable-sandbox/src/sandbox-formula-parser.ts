/** Tokenizer and parser for the sandbox's formula subset (see sandbox-formula.ts); syntax only, no names resolved. */

export class FormulaError extends Error {
  override readonly name = 'FormulaError';
}

const MAX_FORMULA_LENGTH = 100_000;
const MAX_FORMULA_DEPTH = 100;

export type BinaryOperator = '=' | '!=' | '<' | '>' | '<=' | '>=' | '&' | '+' | '-' | '*' | '/';

/** A run of same-precedence operators is one node, so `1+1+…+1` stays shallow and evaluates in a loop. */
export type FormulaNode =
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'field'; name: string }
  | { kind: 'negate'; operand: FormulaNode }
  | { kind: 'chain'; first: FormulaNode; rest: Array<{ operator: BinaryOperator; operand: FormulaNode }> }
  | { kind: 'call'; name: string; args: FormulaNode[] };

type Token =
  | { type: 'number'; value: number; position: number }
  | { type: 'string'; value: string; position: number }
  | { type: 'field'; name: string; position: number }
  | { type: 'name'; name: string; position: number }
  | { type: 'symbol'; text: string; position: number }
  | { type: 'end'; position: number };

// Lowest precedence first; unary minus binds tighter than all of them.
const PRECEDENCE_LEVELS: ReadonlyArray<ReadonlyArray<BinaryOperator>> = [
  ['=', '!=', '<', '>', '<=', '>='],
  ['&'],
  ['+', '-'],
  ['*', '/'],
];

const SYMBOLS = ['!=', '<=', '>=', '=', '<', '>', '&', '+', '-', '*', '/', '(', ')', ','];
const NUMBER_PATTERN = /\d+(?:\.\d+)?|\.\d+/y;
const NAME_PATTERN = /[A-Za-z_][A-Za-z0-9_]*/y;
const WHITESPACE = /\s/;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\' };

function fail(message: string, position: number): never {
  throw new FormulaError(`${message} at character ${position + 1}`);
}

function readString(source: string, start: number): { value: string; end: number } {
  const quote = source[start];
  let value = '';
  for (let i = start + 1; i < source.length; i++) {
    const char = source[i];
    if (char === quote) return { value, end: i + 1 };
    if (char === '\\') {
      const escaped = ESCAPES[source[i + 1]];
      if (escaped === undefined) fail('Unsupported escape sequence in string', i);
      value += escaped;
      i++;
    } else {
      value += char;
    }
  }
  return fail('Unterminated string', start);
}

function readToken(source: string, position: number): { token: Token; end: number } {
  const char = source[position];
  if (char === '"' || char === "'") {
    const { value, end } = readString(source, position);
    return { token: { type: 'string', value, position }, end };
  }
  if (char === '{') {
    const close = source.indexOf('}', position + 1);
    if (close === -1) fail('Unterminated field reference', position);
    return { token: { type: 'field', name: source.slice(position + 1, close), position }, end: close + 1 };
  }
  NUMBER_PATTERN.lastIndex = position;
  const number = NUMBER_PATTERN.exec(source);
  if (number) return { token: { type: 'number', value: Number(number[0]), position }, end: NUMBER_PATTERN.lastIndex };
  NAME_PATTERN.lastIndex = position;
  const name = NAME_PATTERN.exec(source);
  if (name) return { token: { type: 'name', name: name[0], position }, end: NAME_PATTERN.lastIndex };
  const symbol = SYMBOLS.find((s) => source.startsWith(s, position));
  if (symbol) return { token: { type: 'symbol', text: symbol, position }, end: position + symbol.length };
  return fail(`Unexpected character ${JSON.stringify(char)}`, position);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < source.length) {
    if (WHITESPACE.test(source[position])) {
      position++;
      continue;
    }
    const { token, end } = readToken(source, position);
    tokens.push(token);
    position = end;
  }
  tokens.push({ type: 'end', position });
  return tokens;
}

function describeToken(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of formula';
    case 'symbol':
      return `"${token.text}"`;
    case 'name':
      return `"${token.name}"`;
    case 'field':
      return `{${token.name}}`;
    default:
      return JSON.stringify(token.value);
  }
}

/** Recursive descent whose recursion is bounded by MAX_FORMULA_DEPTH (groups, calls and unary minus). */
class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseFormula(): FormulaNode {
    if (this.peek().type === 'end') fail('Empty formula', 0);
    const node = this.parseLevel(0);
    const next = this.peek();
    if (next.type !== 'end') fail(`Unexpected ${describeToken(next)}`, next.position);
    return node;
  }

  private parseLevel(level: number): FormulaNode {
    if (level === PRECEDENCE_LEVELS.length) return this.parseUnary();
    const first = this.parseLevel(level + 1);
    const rest: Array<{ operator: BinaryOperator; operand: FormulaNode }> = [];
    for (let operator = this.operatorAt(level); operator; operator = this.operatorAt(level)) {
      this.index++;
      rest.push({ operator, operand: this.parseLevel(level + 1) });
    }
    return rest.length === 0 ? first : { kind: 'chain', first, rest };
  }

  private operatorAt(level: number): BinaryOperator | undefined {
    const token = this.peek();
    return token.type === 'symbol' ? PRECEDENCE_LEVELS[level].find((op) => op === token.text) : undefined;
  }

  private parseUnary(): FormulaNode {
    if (!this.isSymbol('-')) return this.parsePrimary();
    this.index++;
    return this.nested(() => ({ kind: 'negate', operand: this.parseUnary() }));
  }

  private parsePrimary(): FormulaNode {
    const token = this.tokens[this.index++];
    switch (token.type) {
      case 'number':
      case 'string':
        return { kind: 'literal', value: token.value };
      case 'field':
        return { kind: 'field', name: token.name };
      case 'name':
        return this.parseName(token.name, token.position);
      case 'symbol':
        if (token.text === '(') return this.nested(() => this.parseGroup());
    }
    return fail(`Unexpected ${describeToken(token)}`, token.position);
  }

  private parseGroup(): FormulaNode {
    const inner = this.parseLevel(0);
    this.expect(')');
    return inner;
  }

  private parseName(name: string, position: number): FormulaNode {
    const upper = name.toUpperCase();
    if (this.isSymbol('(')) {
      this.index++;
      return this.nested(() => ({ kind: 'call', name: upper, args: this.parseArguments() }));
    }
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', value: upper === 'TRUE' };
    return fail(`Unknown name "${name}" (write field references as {Field name})`, position);
  }

  private parseArguments(): FormulaNode[] {
    const args: FormulaNode[] = [];
    if (this.isSymbol(')')) {
      this.index++;
      return args;
    }
    args.push(this.parseLevel(0));
    while (this.isSymbol(',')) {
      this.index++;
      args.push(this.parseLevel(0));
    }
    this.expect(')');
    return args;
  }

  private nested(parse: () => FormulaNode): FormulaNode {
    if (++this.depth > MAX_FORMULA_DEPTH) {
      throw new FormulaError(`Formula is nested more than ${MAX_FORMULA_DEPTH} levels deep`);
    }
    const node = parse();
    this.depth--;
    return node;
  }

  private expect(symbol: string): void {
    const token = this.peek();
    if (!this.isSymbol(symbol)) fail(`Expected "${symbol}" but found ${describeToken(token)}`, token.position);
    this.index++;
  }

  private isSymbol(text: string): boolean {
    const token = this.peek();
    return token.type === 'symbol' && token.text === text;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }
}

/** Parses `source` into a tree; throws FormulaError on malformed, too long or too deeply nested input. */
export function parseFormula(source: string): FormulaNode {
  if (source.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError(`Formula is longer than ${MAX_FORMULA_LENGTH} characters`);
  }
  return new Parser(tokenize(source)).parseFormula();
}
