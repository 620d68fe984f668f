// `offset` and `@` modifiers: where they may stand, and where they bind.
import type { AtModifier, Expr, VectorSelector } from './ast.js';
import type { Failer } from './parse.js';

/**
 * The grammar of lezer-promql 0.42 binds `offset` and `@` looser than unary and binary operators
 * (`-a @ 1` as `(-a) @ 1`, `a or b offset 1m` as `(a or b) offset 1m`); Prometheus's own parser binds them
 * to the nearest operand. Moves the modifier down to where 2.42 puts it (the builder then re-associates).
 */
export function pushDown(inner: Expr, apply: (e: Expr) => Expr): Expr {
  if (inner.type === 'binary') return { ...inner, rhs: pushDown(inner.rhs, apply) };
  if (inner.type === 'unary') return { ...inner, expr: pushDown(inner.expr, apply) };
  return apply(inner);
}

/** Sets the offset of a selector or subquery; fails where 2.42 does. */
export function withOffset(inner: Expr, ms: number, pos: number, f: Failer): Expr {
  const target = inner.type === 'matrix' ? inner.vector : inner;
  if (target.type !== 'vector' && target.type !== 'subquery')
    f.fail(
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
      pos,
    );
  if (target.offsetMs !== 0) f.fail('offset may not be set multiple times', pos);
  const updated = { ...target, offsetMs: ms };
  return inner.type === 'matrix' ? { ...inner, vector: updated as VectorSelector } : updated;
}

/** Sets the `@` time of a selector or subquery; fails where 2.42 does. */
export function withAt(inner: Expr, at: AtModifier, pos: number, f: Failer): Expr {
  const target = inner.type === 'matrix' ? inner.vector : inner;
  if (target.type !== 'vector' && target.type !== 'subquery')
    f.fail(
      '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
      pos,
    );
  if (target.at) f.fail('@ <timestamp> may not be set multiple times', pos);
  const updated = { ...target, at };
  return inner.type === 'matrix' ? { ...inner, vector: updated as VectorSelector } : updated;
}
