/**
 * Returns `arr` when it holds at least `n` items, else a copy grown by half at a time until it holds `n` (new slots
 * `fill`). Per-series state is indexed by series id, so this is memory per series: growing by half leaves at most a
 * third of the array unused where doubling could leave half.
 */
export function growF64(arr: Float64Array, n: number, fill = 0): Float64Array {
  if (arr.length >= n) return arr;
  const out = new Float64Array(grownSize(arr.length, n)).fill(fill);
  out.set(arr);
  return out;
}

function grownSize(length: number, n: number): number {
  let size = Math.max(8, length);
  while (size < n) size = Math.ceil(size * 1.5);
  return size;
}

/** Like {@link growF64} for Int32Array. */
export function growI32(arr: Int32Array, n: number, fill = 0): Int32Array {
  if (arr.length >= n) return arr;
  const out = new Int32Array(grownSize(arr.length, n)).fill(fill);
  out.set(arr);
  return out;
}

/** Copies `count` numbers from `arr` at `start` into a plain array (for JSON snapshots); NaN becomes null in JSON. */
export function slice(arr: Float64Array | Int32Array, start: number, count: number): number[] {
  return Array.from(arr.subarray(start, start + count));
}

/** Writes `values` into `arr` at `start`, reading `null` (a JSON NaN) back as NaN. */
export function fill(
  arr: Float64Array | Int32Array,
  start: number,
  values: readonly (number | null)[],
): void {
  for (let i = 0; i < values.length; i++) arr[start + i] = values[i] ?? Number.NaN;
}

/**
 * k-th smallest of `a[0..n)` (0-based), by in-place quickselect: O(n) average. Reorders `a`.
 */
export function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const tmp = a[i] as number;
        a[i++] = a[j] as number;
        a[j--] = tmp;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** Median of `a[0..n)`; reorders `a`. */
export function median(a: Float64Array, n: number): number {
  const hi = select(a, n, n >> 1);
  if (n & 1) return hi;
  let lo = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n >> 1; i++) if ((a[i] as number) > lo) lo = a[i] as number;
  return (lo + hi) / 2;
}
