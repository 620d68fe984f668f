// Sorting ten thousand label sets takes tens of milliseconds in one Array.prototype.sort call. Here the array is
// sorted in runs, then merged run by run (a bottom-up merge sort), with a checkpoint between chunks so the host's
// event loop gets its turns. Stable, as Array.prototype.sort is: equal elements keep their order.
import type { Labels } from '../queryable.js';
import type { TimeSlice } from '../time-slice.js';
import { compareLabels, sortKey } from './values.js';

/** Elements sorted or merged between two checkpoints. */
const CHUNK = 512;
/**
 * Elements per sorted run, and label sets keyed between two checkpoints. Sorting a run costs about log2(RUN)
 * comparisons per element against one per element merged, so runs of CHUNK elements were the longest stretches of
 * the sort; in the first query after a store opens, with the comparison still interpreted, several milliseconds.
 * Shorter runs add merge passes but about as many comparisons in all (n·log2 n either way).
 */
const RUN = 128;

/** Sorts `xs` in place by `cmp` (stably), with checkpoints of `slice` between chunks; returns `xs`. */
export async function sortInSlices<T>(xs: T[], cmp: (a: T, b: T) => number, slice: TimeSlice): Promise<T[]> {
  const n = xs.length;
  if (n <= CHUNK) return xs.sort(cmp);
  for (let lo = 0; lo < n; lo += RUN) {
    if (slice.due()) await slice.checkpoint();
    const run = xs.slice(lo, lo + RUN).sort(cmp);
    for (let i = 0; i < run.length; i++) xs[lo + i] = run[i]!;
  }
  let src = xs;
  let dst: T[] = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    let done = 0;
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (k < hi) {
        // take from the left run on ties: that is what keeps the sort stable
        if (j >= hi || (i < mid && cmp(src[i]!, src[j]!) <= 0)) dst[k++] = src[i++]!;
        else dst[k++] = src[j++]!;
        if (++done % CHUNK === 0 && slice.due()) await slice.checkpoint();
      }
    }
    [src, dst] = [dst, src];
  }
  if (src !== xs) for (let i = 0; i < n; i++) xs[i] = src[i]!;
  return xs;
}

/**
 * Sorts `xs` in place by their label sets in Prometheus's order (compareLabels), in slices. Each label set's
 * sort key is taken once, so the comparisons compare strings. The positions are sorted, with the keys in an array
 * beside them, rather than an object per element holding its key: ten thousand such objects were alive through the
 * whole sort, and a collection landing in it (the first query after a store opens has several) copied them all.
 */
export async function sortByLabels<T>(xs: T[], labelsOf: (x: T) => Labels, slice: TimeSlice): Promise<T[]> {
  const n = xs.length;
  const keys: (string | null)[] = new Array(n);
  const positions: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (i % RUN === 0 && slice.due()) await slice.checkpoint();
    keys[i] = sortKey(labelsOf(xs[i]!));
    positions[i] = i;
  }
  const byKey = (a: number, b: number): number => {
    const ka = keys[a] ?? null;
    const kb = keys[b] ?? null;
    if (ka === null || kb === null) return compareLabels(labelsOf(xs[a]!), labelsOf(xs[b]!));
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  await sortInSlices(positions, byKey, slice);
  const unsorted = xs.slice();
  for (let i = 0; i < n; i++) {
    if (i % CHUNK === CHUNK - 1 && slice.due()) await slice.checkpoint();
    xs[i] = unsorted[positions[i]!]!;
  }
  return xs;
}
