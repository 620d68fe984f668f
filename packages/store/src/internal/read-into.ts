import { lowerBound } from './merge.js';
import { NONE } from './sealed-chunks.js';
import type { SeriesData } from './series-data.js';

/** At least as many samples as `readInto` writes for [from, to): the overlapping chunks, the head, out of order. */
export function sampleBound(s: SeriesData, from: number, to: number): number {
  const ch = s.sealed;
  let n = s.headN + s.ooo.n;
  for (let c = ch.from(s.id, from); c !== NONE && ch.minT[c]! < to; c = ch.next[c]!) n += ch.n[c]!;
  return n;
}

/** Columns a caller owns and reuses; `readInto` writes samples at an index it is given. */
export interface SampleColumns {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly s: Uint8Array;
}

/**
 * Writes the samples of `s` with from ≤ t < to into `out` from index `at` (room for `sampleBound` samples needed)
 * and returns how many: the chunks decoded and the head copied straight into the caller's columns, no arrays
 * of their own. A series with out-of-order samples pending merges them first (`read`, then a copy).
 */
export function readInto(s: SeriesData, from: number, to: number, out: SampleColumns, at: number): number {
  if (s.ooo.n > 0) {
    const r = s.read(from, to);
    out.t.set(r.t, at);
    out.v.set(r.v, at);
    out.s.set(r.s, at);
    return r.n;
  }
  const ch = s.sealed;
  const first = ch.from(s.id, from);
  let k = at;
  for (let c = first; c !== NONE && ch.minT[c]! < to; c = ch.next[c]!) k += ch.n[c]!;
  // decodeInto and headInto only set the stale flags that are 1
  out.s.fill(0, at, k + s.headN);
  k = at;
  for (let c = first; c !== NONE && ch.minT[c]! < to; c = ch.next[c]!) {
    ch.decodeInto(c, out.t, out.v, out.s, k);
    k += ch.n[c]!;
  }
  k += s.headInto(out.t, out.v, out.s, k);
  const a = lowerBound(out.t, k, from, at);
  const b = lowerBound(out.t, k, to, a);
  if (a > at) {
    out.t.copyWithin(at, a, b);
    out.v.copyWithin(at, a, b);
    out.s.copyWithin(at, a, b);
  }
  return b - a;
}
