/**
 * A copy of `a` with room for at least `n` entries, grown by half (not doubled: the preset's columns by series id
 * only grow, so their slack is kept for good). Ids are small and dense, so a typed array by id costs 1–4 bytes per
 * series where a `Map` entry or a plain array's slot costs 8–80.
 */
export function grown<A extends Int32Array | Uint8Array>(a: A, n: number): A {
  const b = new (a.constructor as new (n: number) => A)(Math.max(n, Math.ceil(a.length * 1.5), 64));
  b.set(a);
  return b;
}
