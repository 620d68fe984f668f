// `offset` and `@` modifiers: where they may stand, and where they bind.
import type { AtModifier, Expr, Subquery, VectorSelector } from './ast.js';
import type { Failer } from './errors.js';

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
  return modified(
    inner,
    pos,
    f,
    'offset',
    (t) => t.offsetMs !== 0,
    'offset may not be set multiple times',
    (t) => ({
      ...t,
      offsetMs: ms,
    }),
  );
}

/** Sets the `@` time of a selector or subquery; fails where 2.42 does. */
export function withAt(inner: Expr, at: AtModifier, pos: number, f: Failer): Expr {
  return modified(
    inner,
    pos,
    f,
    '@',
    (t) => t.at !== undefined,
    '@ <timestamp> may not be set multiple times',
    (t) => ({
      ...t,
      at,
    }),
  );
}

type Target = VectorSelector | Subquery;

function modified(
  inner: Expr,
  pos: number,
  f: Failer,
  name: string,
  isSet: (t: Target) => boolean,
  twice: string,
  set: (t: Target) => Target,
): Expr {
  const target = inner.type === 'matrix' ? inner.vector : inner;
  if (target.type !== 'vector' && target.type !== 'subquery')
    return f.fail(
      `${name} modifier must be preceded by an instant vector selector or range vector selector or a subquery`,
      pos,
    );
  if (isSet(target)) f.fail(twice, pos);
  const updated = set(target);
  return inner.type === 'matrix' ? { ...inner, vector: updated as VectorSelector } : updated;
}
