// A small JQL: enough for the app and its tests, strict enough to reject what Jira rejects.
// Supported: AND / OR / NOT / parentheses; operators = != > >= < <= IN, NOT IN, ~, !~, IS [NOT] EMPTY;
// values as words, quoted strings, numbers, lists, EMPTY / NULL and currentUser();
// ORDER BY with ASC / DESC. Which fields exist is decided by the evaluator (see JqlFieldResolver).

export class JqlError extends Error {}

export type JqlValue =
  | { kind: 'text'; value: string }
  | { kind: 'list'; values: JqlValue[] }
  | { kind: 'empty' }
  | { kind: 'function'; name: string };

export type JqlOperator =
  '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not in' | '~' | '!~' | 'is' | 'is not';

export type JqlNode =
  | { kind: 'and'; parts: JqlNode[] }
  | { kind: 'or'; parts: JqlNode[] }
  | { kind: 'not'; part: JqlNode }
  | { kind: 'clause'; field: string; op: JqlOperator; value: JqlValue };

export interface JqlQuery {
  where: JqlNode | null;
  orderBy: Array<{ field: string; direction: 'asc' | 'desc' }>;
}

type Token = { type: 'word' | 'string' | 'op' | 'paren' | 'comma'; text: string; pos: number };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const ch = jql[i] ?? '';
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push({ type: 'paren', text: ch, pos: i });
      i += 1;
      continue;
    }
    if (ch === ',') {
      tokens.push({ type: 'comma', text: ch, pos: i });
      i += 1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let text = '';
      while (j < jql.length && jql[j] !== ch) {
        if (jql[j] === '\\' && j + 1 < jql.length) j += 1;
        text += jql[j];
        j += 1;
      }
      if (j >= jql.length)
        throw new JqlError(
          `Error in the JQL Query: The quoted string '${text}' has not been completed. (line 1, character ${i + 1})`,
        );
      tokens.push({ type: 'string', text, pos: i });
      i = j + 1;
      continue;
    }
    const two = jql.slice(i, i + 2);
    if (two === '!=' || two === '>=' || two === '<=' || two === '!~') {
      tokens.push({ type: 'op', text: two, pos: i });
      i += 2;
      continue;
    }
    if (ch === '=' || ch === '>' || ch === '<' || ch === '~') {
      tokens.push({ type: 'op', text: ch, pos: i });
      i += 1;
      continue;
    }
    let j = i;
    let bracket = 0;
    while (j < jql.length) {
      const c = jql[j] ?? '';
      if (c === '[') bracket += 1;
      if (c === ']') bracket -= 1;
      if (bracket === 0 && (/\s/.test(c) || '(),=!<>~"\''.includes(c))) break;
      j += 1;
    }
    // currentUser() and friends: keep the parentheses with the name.
    if (jql.slice(j, j + 2) === '()') {
      tokens.push({ type: 'word', text: `${jql.slice(i, j)}()`, pos: i });
      i = j + 2;
      continue;
    }
    tokens.push({ type: 'word', text: jql.slice(i, j), pos: i });
    i = j;
  }
  return tokens;
}

class Parser {
  private i = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isWord(token: Token | undefined, word: string): boolean {
    return token?.type === 'word' && token.text.toLowerCase() === word;
  }

  private fail(expected: string): never {
    const token = this.peek();
    const got = token ? `'${token.text}'` : 'the end of the query';
    throw new JqlError(
      `Error in the JQL Query: Expecting ${expected} but got ${got}. The query was: ${this.source}`,
    );
  }

  parse(): JqlQuery {
    let where: JqlNode | null = null;
    if (this.peek() && !(this.isWord(this.peek(), 'order') && this.isWord(this.tokens[this.i + 1], 'by')))
      where = this.parseOr();
    const orderBy: JqlQuery['orderBy'] = [];
    if (this.isWord(this.peek(), 'order')) {
      this.i += 1;
      if (!this.isWord(this.peek(), 'by')) this.fail("'by'");
      this.i += 1;
      for (;;) {
        const field = this.peek();
        if (!field || (field.type !== 'word' && field.type !== 'string')) this.fail('a field name');
        this.i += 1;
        let direction: 'asc' | 'desc' = 'asc';
        if (this.isWord(this.peek(), 'asc') || this.isWord(this.peek(), 'desc')) {
          direction = (this.peek()?.text.toLowerCase() ?? 'asc') as 'asc' | 'desc';
          this.i += 1;
        }
        orderBy.push({ field: field.text, direction });
        if (this.peek()?.type !== 'comma') break;
        this.i += 1;
      }
    }
    if (this.peek()) this.fail("'AND', 'OR' or 'ORDER BY'");
    return { where, orderBy };
  }

  private parseOr(): JqlNode {
    const parts = [this.parseAnd()];
    while (this.isWord(this.peek(), 'or')) {
      this.i += 1;
      parts.push(this.parseAnd());
    }
    return parts.length === 1 ? (parts[0] as JqlNode) : { kind: 'or', parts };
  }

  private parseAnd(): JqlNode {
    const parts = [this.parseNot()];
    while (this.isWord(this.peek(), 'and')) {
      this.i += 1;
      parts.push(this.parseNot());
    }
    return parts.length === 1 ? (parts[0] as JqlNode) : { kind: 'and', parts };
  }

  private parseNot(): JqlNode {
    if (this.isWord(this.peek(), 'not')) {
      this.i += 1;
      return { kind: 'not', part: this.parseNot() };
    }
    if (this.peek()?.text === '(' && this.peek()?.type === 'paren') {
      this.i += 1;
      const inner = this.parseOr();
      if (this.peek()?.text !== ')') this.fail("')'");
      this.i += 1;
      return inner;
    }
    return this.parseClause();
  }

  private parseClause(): JqlNode {
    const fieldToken = this.peek();
    if (!fieldToken || (fieldToken.type !== 'word' && fieldToken.type !== 'string'))
      this.fail('a field name');
    this.i += 1;
    const opToken = this.peek();
    let op: JqlOperator;
    if (opToken?.type === 'op') {
      op = opToken.text as JqlOperator;
      this.i += 1;
    } else if (this.isWord(opToken, 'in')) {
      op = 'in';
      this.i += 1;
    } else if (this.isWord(opToken, 'not') && this.isWord(this.tokens[this.i + 1], 'in')) {
      op = 'not in';
      this.i += 2;
    } else if (this.isWord(opToken, 'is')) {
      this.i += 1;
      if (this.isWord(this.peek(), 'not')) {
        op = 'is not';
        this.i += 1;
      } else op = 'is';
    } else this.fail('operator');
    const value = op === 'in' || op === 'not in' ? this.parseList() : this.parseValue();
    if ((op === 'is' || op === 'is not') && value.kind !== 'empty') this.fail("'EMPTY' or 'NULL'");
    return { kind: 'clause', field: fieldToken.text, op, value };
  }

  private parseList(): JqlValue {
    if (this.peek()?.text !== '(') this.fail("'('");
    this.i += 1;
    const values: JqlValue[] = [];
    for (;;) {
      values.push(this.parseValue());
      if (this.peek()?.type === 'comma') {
        this.i += 1;
        continue;
      }
      if (this.peek()?.text === ')') {
        this.i += 1;
        break;
      }
      this.fail("',' or ')'");
    }
    return { kind: 'list', values };
  }

  private parseValue(): JqlValue {
    const token = this.peek();
    if (!token || (token.type !== 'word' && token.type !== 'string'))
      this.fail('either a value, a list or a function');
    this.i += 1;
    if (token.type === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'empty' || lower === 'null') return { kind: 'empty' };
      if (token.text.endsWith('()')) return { kind: 'function', name: lower.slice(0, -2) };
    }
    return { kind: 'text', value: token.text };
  }
}

export function parseJql(jql: string): JqlQuery {
  return new Parser(tokenize(jql), jql).parse();
}

/** How a field's value(s) of an issue compare; the evaluator supplies one per field name. */
export interface JqlField<I> {
  kind: 'text' | 'number' | 'date' | 'user' | 'id';
  /** The issue's values for this field (several for lists such as labels); [] when empty. */
  values(issue: I): Array<string | number>;
  /** Turns a query literal into a comparable value, throwing JqlError when it cannot be one. */
  literal?(text: string): string | number;
  /** Extra names a literal may match (e.g. a status id or a category name). */
  matches?(issue: I, literal: string): boolean;
}

export interface JqlContext<I> {
  field(name: string): JqlField<I> | undefined;
  currentUser: string | null;
  now: number;
}

export function compileJql<I>(node: JqlNode, ctx: JqlContext<I>): (issue: I) => boolean {
  switch (node.kind) {
    case 'and': {
      const parts = node.parts.map((p) => compileJql(p, ctx));
      return (issue) => parts.every((p) => p(issue));
    }
    case 'or': {
      const parts = node.parts.map((p) => compileJql(p, ctx));
      return (issue) => parts.some((p) => p(issue));
    }
    case 'not': {
      const part = compileJql(node.part, ctx);
      return (issue) => !part(issue);
    }
    case 'clause':
      return compileClause(node, ctx);
  }
}

function compileClause<I>(
  clause: Extract<JqlNode, { kind: 'clause' }>,
  ctx: JqlContext<I>,
): (issue: I) => boolean {
  const field = ctx.field(clause.field);
  if (!field)
    throw new JqlError(`Field '${clause.field}' does not exist or you do not have permission to view it.`);
  const { op, value } = clause;
  if (op === 'is' || op === 'is not') {
    return (issue) => (field.values(issue).length === 0) === (op === 'is');
  }
  const literal = (v: JqlValue): string | number | null => {
    if (v.kind === 'empty') return null;
    if (v.kind === 'function') {
      if (v.name === 'currentuser') {
        if (!ctx.currentUser) throw new JqlError('The function currentUser() needs a signed-in user.');
        return ctx.currentUser;
      }
      if (v.name === 'now') return ctx.now;
      throw new JqlError(`Unable to find JQL function '${v.name}()'.`);
    }
    if (v.kind === 'list') throw new JqlError(`The operator '${op}' does not support a list of values.`);
    return field.literal ? field.literal(v.value) : v.value;
  };
  const equals = (issue: I, target: string | number | null): boolean => {
    const values = field.values(issue);
    if (target === null) return values.length === 0;
    if (typeof target === 'string' && field.matches?.(issue, target)) return true;
    return values.some((v) =>
      typeof v === 'string' && typeof target === 'string'
        ? v.toLowerCase() === target.toLowerCase()
        : v === target,
    );
  };
  switch (op) {
    case '=':
    case '!=': {
      if (value.kind === 'list')
        throw new JqlError(`The operator '${op}' does not support a list of values.`);
      const target = literal(value);
      return op === '='
        ? (issue) => equals(issue, target)
        : (issue) => !equals(issue, target) && (target === null || field.values(issue).length > 0);
    }
    case 'in':
    case 'not in': {
      if (value.kind !== 'list') throw new JqlError(`The operator '${op}' needs a list of values.`);
      const targets = value.values.map(literal);
      const inList = (issue: I): boolean => targets.some((t) => equals(issue, t));
      return op === 'in' ? inList : (issue) => !inList(issue) && field.values(issue).length > 0;
    }
    case '~':
    case '!~': {
      if (field.kind !== 'text')
        throw new JqlError(`The operator '${op}' is not supported by the '${clause.field}' field.`);
      const target = String(literal(value) ?? '').toLowerCase();
      const words = target.split(/\s+/).filter(Boolean);
      const contains = (issue: I): boolean =>
        field.values(issue).some((v) => {
          const text = String(v).toLowerCase();
          return words.every((w) => text.includes(w.replace(/\*$/, '')));
        });
      return op === '~' ? contains : (issue) => !contains(issue);
    }
    default: {
      if (field.kind !== 'number' && field.kind !== 'date' && field.kind !== 'id') {
        throw new JqlError(`The operator '${op}' is not supported by the '${clause.field}' field.`);
      }
      const target = literal(value);
      if (target === null) throw new JqlError(`The operator '${op}' does not support the EMPTY value.`);
      const compare = (a: number): boolean => {
        const b = Number(target);
        if (op === '>') return a > b;
        if (op === '>=') return a >= b;
        if (op === '<') return a < b;
        return a <= b;
      };
      return (issue) => field.values(issue).some((v) => typeof v === 'number' && compare(v));
    }
  }
}

const RELATIVE = /^([+-]?)(\d+)([wdhm])$/;
const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };

/** A JQL date literal: 2024-05-01, 2024/05/01 10:30, an ISO date-time, or relative -7d / -12h / 1w. */
export function parseJqlDate(text: string, now: number): number {
  const relative = RELATIVE.exec(text);
  if (relative) {
    const amount = Number(relative[2]) * (UNIT_MS[relative[3] ?? 'd'] ?? 0);
    return relative[1] === '-' ? now - amount : now + amount;
  }
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}):(\d{2}))?/.exec(text);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0));
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new JqlError(
      `Date value '${text}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    );
  }
  return t;
}
