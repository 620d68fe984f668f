// The type checks of Prometheus 2.42's parser (checkAST in promql/parser/parse.go), with its messages.
import type { Aggregate, Binary, Call, Expr, Unary, ValueType } from './ast.js';
import type { Failer } from './errors.js';
import { AGGREGATIONS, FUNCTIONS, typeName } from './signatures.js';

/** The type an expression evaluates to. */
export function typeOf(e: Expr): ValueType {
  switch (e.type) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector':
      return 'vector';
    case 'matrix':
    case 'subquery':
      return 'matrix';
    case 'call':
      return FUNCTIONS.get(e.func)!.returns;
    case 'aggregate':
      return 'vector';
    case 'unary':
    case 'paren':
      return typeOf(e.expr);
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
  }
}

const COMPARISON = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET = new Set(['and', 'or', 'unless']);

/** Whether an operator is a comparison (`==`, `>`, …). */
export const isComparison = (op: string): boolean => COMPARISON.has(op);
/** Whether an operator is a set operator (`and`, `or`, `unless`). */
export const isSetOp = (op: string): boolean => SET.has(op);

function expectType(e: Expr, want: ValueType, context: string, f: Failer): void {
  const got = typeOf(e);
  if (got !== want) f.fail(`expected type ${typeName(want)} in ${context}, got ${typeName(got)}`, e.pos);
}

/** Checks a subquery's operand. */
export function checkSubquery(inner: Expr, f: Failer): void {
  const t = typeOf(inner);
  if (t !== 'vector')
    f.fail(`subquery is only allowed on instant vector, got ${typeName(t)} instead`, inner.pos);
}

/** Checks a unary expression's operand. */
export function checkUnary(e: Unary, f: Failer): void {
  const t = typeOf(e.expr);
  if (t !== 'scalar' && t !== 'vector')
    f.fail(
      `unary expression only allowed on expressions of type scalar or instant vector, got "${typeName(t)}"`,
      e.pos,
    );
}

/** Checks a binary expression; set operators between vectors always match many-to-many. */
export function checkBinary(e: Binary, f: Failer): Binary {
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  const m = e.matching;
  if (e.bool && !isComparison(e.op)) f.fail('bool modifier can only be used on comparison operators', e.pos);
  if (isComparison(e.op) && !e.bool && lt === 'scalar' && rt === 'scalar')
    f.fail('comparisons between scalars must use BOOL modifier', e.pos);
  for (const l of m?.on ? m.include : [])
    if (m!.labels.includes(l)) f.fail(`label "${l}" must not occur in ON and GROUP clause at once`, e.pos);
  if ((lt !== 'scalar' && lt !== 'vector') || (rt !== 'scalar' && rt !== 'vector'))
    f.fail('binary expression must contain only scalar and instant vector types', e.pos);
  if (lt !== 'vector' || rt !== 'vector') {
    // 2.42 refuses matching labels unless both sides are vectors, and silently drops an empty `on ()`.
    if (m && m.labels.length > 0) f.fail('vector matching only allowed between instant vectors', e.pos);
    if (isSetOp(e.op)) f.fail(`set operator "${e.op}" not allowed in binary scalar expression`, e.pos);
    const { matching: _, ...rest } = e;
    return rest;
  }
  if (!isSetOp(e.op)) return e;
  // many-to-many is this check's own output: checking a node again (after re-association) must pass.
  if (m && (m.card === 'many-to-one' || m.card === 'one-to-many'))
    f.fail(`no grouping allowed for "${e.op}" operation`, e.pos);
  return {
    ...e,
    matching: { card: 'many-to-many', on: m?.on ?? false, labels: m?.labels ?? [], include: [] },
  };
}

/** Checks a function call's name, number of arguments and their types. */
export function checkCall(e: Call, f: Failer): void {
  const sig = FUNCTIONS.get(e.func);
  if (!sig) f.fail(`unknown function with name "${e.func}"`, e.pos);
  const n = e.args.length;
  const want = sig.args.length;
  if (sig.variadic === 0 && n !== want)
    f.fail(`expected ${want} argument(s) in call to "${e.func}", got ${n}`, e.pos);
  if (sig.variadic > 0) {
    if (n < want - sig.variadic)
      f.fail(`expected at least ${want - sig.variadic} argument(s) in call to "${e.func}", got ${n}`, e.pos);
    if (n > want) f.fail(`expected at most ${want} argument(s) in call to "${e.func}", got ${n}`, e.pos);
  }
  if (sig.variadic < 0 && n < want - 1)
    f.fail(`expected at least ${want - 1} argument(s) in call to "${e.func}", got ${n}`, e.pos);
  e.args.forEach((a, i) => {
    const t = sig.args[Math.min(i, want - 1)]!;
    expectType(a, t, `call to function "${e.func}"`, f);
  });
}

/** Checks an aggregation and builds its node. */
export function checkAggregate(
  op: string,
  args: Expr[],
  grouping: string[],
  without: boolean,
  pos: number,
  f: Failer,
): Aggregate {
  if (!AGGREGATIONS.has(op)) return f.fail(`unknown aggregation operator "${op}"`, pos);
  const paramType = AGGREGATIONS.get(op);
  const want = paramType ? 2 : 1;
  if (args.length !== want)
    f.fail(
      `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
      pos,
    );
  const expr = args[args.length - 1]!;
  expectType(expr, 'vector', 'aggregation expression', f);
  if (paramType) expectType(args[0]!, paramType, 'aggregation parameter', f);
  return { type: 'aggregate', op, expr, grouping, without, pos, ...(paramType ? { param: args[0]! } : {}) };
}

/** Binding strength of binary operators in Prometheus, weakest first. */
export function precedence(op: string): number {
  if (op === 'or') return 1;
  if (op === 'and' || op === 'unless') return 2;
  if (['==', '!=', '>', '<', '>=', '<='].includes(op)) return 3;
  if (op === '+' || op === '-') return 4;
  return op === '^' ? 6 : 5;
}
