import { sameBits } from '../chunk/float-bits.js';

/** Sample columns in time order; `s` holds stale flags (0/1). */
export interface Cols {
  t: Float64Array;
  v: Float64Array;
  s: Uint8Array;
  n: number;
}

/** Counters a merge updates. */
export interface MergeCounts {
  duplicatesRejected: number;
  duplicatesOverwritten: number;
}

/**
 * Empty columns with room for `cap` samples, the three in one buffer: every series holds a head, and a buffer each
 * cost about 200 bytes more per series than three views of one.
 */
export function cols(cap: number): Cols {
  const buf = new ArrayBuffer(cap * 17);
  return {
    t: new Float64Array(buf, 0, cap),
    v: new Float64Array(buf, cap * 8, cap),
    s: new Uint8Array(buf, cap * 16, cap),
    n: 0,
  };
}

/** Columns with no room, shared: whoever adds to them replaces them first (they are never written). */
export const NO_COLS: Cols = Object.freeze(cols(0)) as Cols;

/**
 * Merges out-of-order samples `b` into `a` (both sorted). On equal timestamps `overwrite` keeps `b`'s
 * sample, otherwise `a`'s; identical samples are never counted as duplicates.
 */
export function mergeCols(a: Cols, b: Cols, overwrite: boolean, counts?: MergeCounts): Cols {
  const out = cols(a.n + b.n);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.n || j < b.n) {
    const ta = i < a.n ? a.t[i]! : Number.POSITIVE_INFINITY;
    const tb = j < b.n ? b.t[j]! : Number.POSITIVE_INFINITY;
    if (ta === tb) {
      const same = sameBits(a.v[i]!, b.v[j]!) && a.s[i] === b.s[j];
      if (counts && !same) {
        if (overwrite) counts.duplicatesOverwritten++;
        else counts.duplicatesRejected++;
      }
      const fromB = overwrite;
      copy(out, k++, fromB ? b : a, fromB ? j : i);
      i++;
      j++;
    } else if (ta < tb) copy(out, k++, a, i++);
    else copy(out, k++, b, j++);
  }
  out.n = k;
  return out;
}

function copy(to: Cols, k: number, from: Cols, i: number): void {
  to.t[k] = from.t[i]!;
  to.v[k] = from.v[i]!;
  to.s[k] = from.s[i]!;
}

/** First index in `t[from..n)` with `t[i] >= x` (`from` defaults to 0). */
export function lowerBound(t: Float64Array | readonly number[], n: number, x: number, from = 0): number {
  let lo = from;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
