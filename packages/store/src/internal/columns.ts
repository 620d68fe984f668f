/** `next` with `old`'s values copied to its start: a typed column grown to a larger capacity. */
export function widen<A extends { set(a: ArrayLike<number>): void }>(old: ArrayLike<number>, next: A): A {
  next.set(old);
  return next;
}
