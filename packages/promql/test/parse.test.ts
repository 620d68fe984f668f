import { describe, expect, it } from 'vitest';
import { parseExpr } from '../src/index.js';

describe('parseExpr', () => {
  it('builds selectors with modifiers', () => {
    const e = parseExpr('rate(foo{a="b",c=~"d.*"}[5m] offset 1m @ 100)');
    expect(e.type).toBe('call');
    if (e.type !== 'call') return;
    const m = e.args[0]!;
    expect(m.type).toBe('matrix');
    if (m.type !== 'matrix') return;
    expect(m.rangeMs).toBe(300_000);
    expect(m.vector.offsetMs).toBe(60_000);
    expect(m.vector.at).toEqual({ kind: 'time', ms: 100_000 });
    expect(m.vector.matchers.map((x) => `${x.name}${x.op}${x.value}`)).toEqual([
      '__name__=foo',
      'a=b',
      'c=~d.*',
    ]);
  });

  it('reads aggregations, matching and bool', () => {
    const e = parseExpr('sum without (a) (x) > bool on(b) group_left(c) y');
    expect(e).toMatchObject({
      type: 'binary',
      op: '>',
      bool: true,
      lhs: { type: 'aggregate', op: 'sum', without: true, grouping: ['a'] },
      matching: { card: 'many-to-one', on: true, labels: ['b'], include: ['c'] },
    });
  });

  it.each([
    ['rate(foo)', 'expected type range vector in call to function "rate", got instant vector'],
    ['abs(foo[5m])', 'expected type instant vector in call to function "abs", got range vector'],
    ['1 > 1', 'comparisons between scalars must use BOOL modifier'],
    ['(foo)[5m]', 'ranges only allowed for vector selectors'],
    ['{a=""}', 'vector selector must contain at least one non-empty matcher'],
    ['foo(bar)', 'unknown function with name "foo"'],
    ['a and 1', 'set operator "and" not allowed in binary scalar expression'],
    ['sum(x, y)', 'wrong number of arguments for aggregate expression provided, expected 1, got 2'],
    ['topk(x, y)', 'expected type scalar in aggregation parameter, got instant vector'],
    ['foo offset 5m [1m]', 'no offset modifiers allowed before range'],
    ['1 + bool 2', 'bool modifier can only be used on comparison operators'],
    ['foo[5m] + 1', 'binary expression must contain only scalar and instant vector types'],
    ['-"a"', 'unary expression only allowed on expressions of type scalar or instant vector, got "string"'],
    ['foo[5m][1m:]', 'subquery is only allowed on instant vector, got range vector instead'],
    ['label_join(x, "a")', 'expected at least 3 argument(s) in call to "label_join", got 2'],
    ['round(x, 1, 2)', 'expected at most 2 argument(s) in call to "round", got 3'],
    ['1 +', 'unexpected end of input'],
    ['sum(rate(x[5m])', 'unclosed left parenthesis'],
    ['x[5m', 'unclosed left bracket'],
    ['x{a="(b"', 'unexpected end of input inside braces'],
    ['foo{__name__="bar"}', 'metric name must not be set twice: "foo" or "bar"'],
    ['1 offset 5m', 'offset modifier must be preceded by an instant vector selector'],
    ['x + on(a) group_left(a) y', 'label "a" must not occur in ON and GROUP clause at once'],
  ])('refuses %s as 2.42 does', (q, msg) => {
    expect(() => parseExpr(q)).toThrow(msg);
  });

  it('binds a sign looser than ^ and drops an empty on () beside a scalar, as 2.42 does', () => {
    expect(parseExpr('-1 ^ 2')).toMatchObject({ type: 'unary', op: '-', expr: { type: 'binary', op: '^' } });
    expect(parseExpr('1 * on () group_left x')).not.toHaveProperty('matching');
    expect(() => parseExpr('1 * on (a) x')).toThrow('vector matching only allowed between instant vectors');
  });

  it('binds offset and @ to the nearest operand, whatever the grammar groups', () => {
    const e = parseExpr('a + b offset 5m * -1');
    expect(e).toMatchObject({
      op: '+',
      lhs: { name: 'a' },
      rhs: { op: '*', lhs: { name: 'b', offsetMs: 300_000 } },
    });
    const u = parseExpr('-a @ 100 ^ 2');
    expect(u).toMatchObject({ type: 'unary', expr: { op: '^', lhs: { name: 'a', at: { ms: 100_000 } } } });
    expect(parseExpr('a unless b @ 1 offset 1m atan2 -1')).toMatchObject({
      op: 'unless',
      rhs: { op: 'atan2' },
    });
  });

  it('skips # comments wherever they stand (mixins start expressions with them), keeping positions', () => {
    expect(parseExpr('# why\nsum(\n  # which\n  up{a="#b"} # tail\n)')).toMatchObject({ type: 'aggregate' });
    expect(parseExpr('x{a=`#\n`}')).toMatchObject({ type: 'vector' });
    expect(() => parseExpr('# only a comment')).toThrow('1:1: parse error: no expression found in input');
    expect(() => parseExpr('# c\nsum(up')).toThrow(/^2:/);
  });

  it('says where the error is', () => {
    expect(() => parseExpr('sum(rate(foo[5m]))\n  + abs(x[1m])')).toThrow(/^2:9: parse error:/);
  });
});
