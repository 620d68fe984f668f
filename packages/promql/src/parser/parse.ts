// Parses PromQL with the official grammar (@prometheus-io/lezer-promql 0.42, the grammar of Prometheus 2.42)
// and turns the syntax tree into our AST, checking what 2.42's parser checks beyond the grammar (types,
// modifiers, matchers) so a query fails here exactly where Prometheus refuses it, with the position.
import { parser } from '@prometheus-io/lezer-promql';
import { makeMatcher } from '../matchers.js';
import type { AtModifier, Binary, Expr, Matcher, VectorMatching, VectorSelector } from './ast.js';
import { parseDuration } from './duration.js';
import { PromQLParseError } from './errors.js';
import { matchesEmpty, parseNumber, unescapeGo } from './literals.js';
import { pushDown, withAt, withOffset } from './modifiers.js';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

import {
  checkAggregate,
  checkBinary,
  checkCall,
  checkSubquery,
  checkUnary,
  precedence,
} from './typecheck.js';

/** Parses and type-checks a PromQL expression. Throws {@link PromQLParseError}. */
export function parseExpr(query: string): Expr {
  const text = blankComments(query);
  if (text.trim() === '') throw new PromQLParseError('no expression found in input', 0, query);
  const tree = parser.parse(text);
  const top = tree.topNode;
  reportSyntaxError(text, top);
  const body = top.firstChild;
  if (!body) throw new PromQLParseError('no expression found in input', 0, query);
  return new Builder(text).expr(body);
}

/**
 * `# …` comments (to the end of the line, outside strings) turned into spaces: the grammar keeps them as nodes
 * wherever they stand, and the builder must not see them; spaces keep every position for error messages.
 */
function blankComments(query: string): string {
  if (!query.includes('#')) return query;
  let out = '';
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      // quoted strings end at a newline (an error the grammar reports); raw strings may span lines
      while (j < query.length && query[j] !== c && (c === '`' || query[j] !== '\n'))
        j += query[j] === '\\' && c !== '`' ? 2 : 1;
      out += query.slice(i, j + 1);
      i = j;
    } else if (c === '#') {
      const end = query.indexOf('\n', i);
      const stop = end === -1 ? query.length : end;
      out += ' '.repeat(stop - i);
      i = stop - 1;
    } else out += c;
  }
  return out;
}

function reportSyntaxError(query: string, top: SyntaxNode): void {
  let err: SyntaxNode | undefined;
  top.toTree().iterate({
    enter: (n) => {
      if (err) return false;
      if (n.type.isError) err = n.node;
      return undefined;
    },
  });
  if (!err) return;
  const before = query.slice(0, err.from);
  const fn = /([a-zA-Z_][a-zA-Z0-9_]*)\s*$/.exec(before);
  if (fn && query[err.from] === '(')
    throw new PromQLParseError(`unknown function with name "${fn[1]}"`, fn.index, query);
  const tok = /^\s*(\S+)/.exec(query.slice(err.from));
  if (!tok) throw new PromQLParseError(endOfInput(query), query.length, query);
  const what = JSON.stringify(tok[1]!.slice(0, 20));
  throw new PromQLParseError(`unexpected ${what}`, err.from + tok[0].length - tok[1]!.length, query);
}

/** Prometheus's lexer's message for input that ends too early: what is still open decides. */
function endOfInput(query: string): string {
  const open: string[] = [];
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (c === '#') while (i < query.length && query[i] !== '\n') i++;
    else if (c === '"' || c === "'" || c === '`') {
      for (i++; i < query.length && query[i] !== c; i++) if (query[i] === '\\' && c !== '`') i++;
    } else if (c === '(' || c === '[' || c === '{') open.push(c);
    else if (c === ')' || c === ']' || c === '}') open.pop();
  }
  if (open.at(-1) === '{') return 'unexpected end of input inside braces';
  if (open.includes('(')) return 'unclosed left parenthesis';
  if (open.includes('[')) return 'unclosed left bracket';
  return 'unexpected end of input';
}

const children = (n: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};

class Builder {
  constructor(private readonly q: string) {}

  private text(n: SyntaxNode): string {
    return this.q.slice(n.from, n.to);
  }

  fail(message: string, pos: number): never {
    throw new PromQLParseError(message, pos, this.q);
  }

  expr(n: SyntaxNode): Expr {
    const pos = n.from;
    const c = children(n);
    switch (n.name) {
      case 'NumberLiteral':
        return { type: 'number', value: parseNumber(this.text(n)), pos };
      case 'StringLiteral':
        return { type: 'string', value: this.string(n), pos };
      case 'ParenExpr':
        return { type: 'paren', expr: this.expr(c[0]!), pos };
      case 'VectorSelector':
        return this.selector(n);
      case 'MatrixSelector':
        return this.matrix(n, c);
      case 'SubqueryExpr': {
        const inner = this.expr(c[0]!);
        checkSubquery(inner, this);
        const step = c[2] ? this.duration(c[2]) : 0;
        return {
          type: 'subquery',
          expr: inner,
          rangeMs: this.duration(c[1]!),
          stepMs: step,
          offsetMs: 0,
          pos,
        };
      }
      case 'OffsetExpr':
        return this.offset(n, c);
      case 'StepInvariantExpr':
        return this.at(n, c);
      case 'UnaryExpr': {
        const e: Expr = { type: 'unary', op: this.text(c[0]!) as '-' | '+', expr: this.expr(c[1]!), pos };
        checkUnary(e, this);
        return e;
      }
      case 'BinaryExpr':
        return this.binary(n, c);
      case 'FunctionCall':
        return this.call(n, c);
      case 'AggregateExpr':
        return this.aggregate(n, c);
      default:
        return this.fail(`unexpected ${JSON.stringify(this.text(n))}`, pos);
    }
  }

  private duration(n: SyntaxNode): number {
    try {
      return parseDuration(this.text(n));
    } catch (e) {
      return this.fail((e as Error).message, n.from);
    }
  }

  string(n: SyntaxNode): string {
    const raw = this.text(n);
    if (raw.startsWith('`')) return raw.slice(1, -1);
    try {
      return unescapeGo(raw.slice(1, -1));
    } catch (e) {
      return this.fail((e as Error).message, n.from);
    }
  }

  private selector(n: SyntaxNode): VectorSelector {
    const matchers: Matcher[] = [];
    let name: string | undefined;
    for (const c of children(n)) {
      if (c.name === 'Identifier' || c.name === 'MetricName') name = this.text(c);
      else if (c.name === 'LabelMatchers') for (const lm of children(c)) matchers.push(this.matcher(lm));
    }
    if (name !== undefined) {
      for (const m of matchers)
        if (m.name === '__name__')
          this.fail(`metric name must not be set twice: "${name}" or "${m.value}"`, n.from);
      matchers.unshift(makeMatcher('__name__', '=', name));
    }
    if (!matchers.some((m) => !matchesEmpty(m)))
      this.fail('vector selector must contain at least one non-empty matcher', n.from);
    return { type: 'vector', ...(name === undefined ? {} : { name }), matchers, offsetMs: 0, pos: n.from };
  }

  private matcher(n: SyntaxNode): Matcher {
    const [label, op, value] = children(n);
    try {
      return makeMatcher(this.text(label!), this.text(op!) as Matcher['op'], this.string(value!));
    } catch (e) {
      return this.fail(`invalid regular expression in matcher: ${(e as Error).message}`, n.from);
    }
  }

  private matrix(n: SyntaxNode, c: SyntaxNode[]): Expr {
    const inner = this.expr(c[0]!);
    if (inner.type !== 'vector') return this.fail('ranges only allowed for vector selectors', n.from);
    if (inner.offsetMs !== 0 || inner.at)
      return this.fail('no offset modifiers allowed before range', n.from);
    return { type: 'matrix', vector: inner, rangeMs: this.duration(c[1]!), pos: n.from };
  }

  private offset(n: SyntaxNode, c: SyntaxNode[]): Expr {
    const negative = c.some((x) => x.name === 'Sub');
    const ms = this.duration(c[c.length - 1]!) * (negative ? -1 : 1);
    return pushDown(this.expr(c[0]!), (inner) => withOffset(inner, ms, n.from, this));
  }

  private at(n: SyntaxNode, c: SyntaxNode[]): Expr {
    const arg = c[2]!;
    let at: AtModifier;
    if (arg.name === 'AtModifierPreprocessors') {
      at = { kind: arg.firstChild?.name === 'Start' ? 'start' : 'end' };
    } else {
      const secs = parseNumber(this.text(arg));
      if (!Number.isFinite(secs))
        return this.fail(`timestamp out of bounds for @ modifier: ${secs}`, arg.from);
      at = { kind: 'time', ms: Math.round(secs * 1000) };
    }
    return pushDown(this.expr(c[0]!), (inner) => withAt(inner, at, n.from, this));
  }

  private binary(n: SyntaxNode, c: SyntaxNode[]): Expr {
    const lhs = this.expr(c[0]!);
    const rhs = this.expr(c[c.length - 1]!);
    const op = this.text(c[1]!).toLowerCase();
    let bool = false;
    let matching: VectorMatching | undefined;
    for (const m of c.slice(2, -1)) {
      if (m.name === 'BoolModifier') bool = true;
      else if (m.name === 'MatchingModifierClause') matching = this.matching(m);
    }
    return this.attach({
      type: 'binary',
      op,
      lhs,
      rhs,
      bool,
      pos: n.from,
      ...(matching ? { matching } : {}),
    });
  }

  /**
   * Type-checks a binary expression after putting its left operand where Prometheus's precedence puts it.
   * The grammar reads a signed number as one literal (`-1 ^ 2` as (-1)^2, where Prometheus's sign is a unary
   * operator binding looser than `^`), and after a modifier moved down (see modify) a left operand can be an
   * unparenthesised expression of lower precedence: both are re-associated here.
   */
  private attach(e: Binary): Expr {
    const l = e.lhs;
    const sign = this.q[l.pos];
    if (e.op === '^' && l.type === 'number' && (sign === '-' || sign === '+')) {
      const abs = { ...l, value: Math.abs(l.value), pos: l.pos + 1 };
      return { type: 'unary', op: sign, expr: this.attach({ ...e, lhs: abs }), pos: e.pos };
    }
    if (e.op === '^' && l.type === 'unary') return { ...l, expr: this.attach({ ...e, lhs: l.expr }) };
    if (l.type === 'binary' && (precedence(l.op) < precedence(e.op) || (e.op === '^' && l.op === '^')))
      return checkBinary({ ...l, rhs: this.attach({ ...e, lhs: l.rhs }) }, this);
    return checkBinary(e, this);
  }

  private matching(n: SyntaxNode): VectorMatching {
    const c = children(n);
    const on = c[0]!.name === 'On';
    const labels = this.labels(c[1]);
    let card: VectorMatching['card'] = 'one-to-one';
    let include: string[] = [];
    const group = c[2];
    if (group) {
      card = group.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
      include = this.labels(c[3]);
    }
    return { card, on, labels, include };
  }

  labels(n: SyntaxNode | undefined): string[] {
    return n ? children(n).map((l) => this.text(l)) : [];
  }

  private call(n: SyntaxNode, c: SyntaxNode[]): Expr {
    const func = this.text(c[0]!);
    const args = c[1] ? children(c[1]).map((a) => this.expr(a)) : [];
    const e = { type: 'call' as const, func, args, pos: n.from };
    checkCall(e, this);
    return e;
  }

  private aggregate(n: SyntaxNode, c: SyntaxNode[]): Expr {
    const op = this.text(c[0]!).toLowerCase();
    const mod = c.find((x) => x.name === 'AggregateModifier');
    const body = c.find((x) => x.name === 'FunctionCallBody');
    const args = body ? children(body).map((a) => this.expr(a)) : [];
    const without = mod?.firstChild?.name === 'Without';
    const grouping = mod ? this.labels(mod.lastChild ?? undefined) : [];
    return checkAggregate(op, args, grouping, without, n.from, this);
  }
}
