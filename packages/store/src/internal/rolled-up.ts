// Where a query range reaches history whose raw samples are gone: retention (age or `maxBytes`) evicts the oldest
// raw chunks into rollups, so a reader that wants raw samples (PromQL) can say what it could not read.
import type { RolledUpSpan, Selector } from '../types.js';
import { matching, toMatchers } from './query.js';
import type { RollupSeries } from './rollup.js';
import type { StoreState } from './state.js';

/** The part of [from, to) one level's buckets cover, or undefined; buckets are in time order. */
function overlap(l: RollupSeries, from: number, to: number): [number, number] | undefined {
  const b = l.buckets;
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b[mid]!.start + l.stepMs <= from) lo = mid + 1;
    else hi = mid;
  }
  if (lo === b.length || b[lo]!.start >= to) return undefined;
  const last = b[b.length - 1]!;
  return [Math.max(from, b[lo]!.start), Math.min(to, last.start + l.stepMs)];
}

/** How many matching series hold only rollups somewhere in [from, to), and the span those rollups cover. */
export function rolledUp(st: StoreState, sel: Selector, from: number, to: number): RolledUpSpan | undefined {
  // nothing evicted yet (the usual case): no need to match the selector a second time for every PromQL select
  // (a malformed selector is still refused)
  if (st.rollups.size === 0) {
    toMatchers(sel);
    return undefined;
  }
  let series = 0;
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  for (const s of matching(st, sel)) {
    const levels = st.rollups.get(s.id);
    if (!levels) continue;
    let hit = false;
    for (const l of levels) {
      const o = overlap(l, from, to);
      if (!o) continue;
      hit = true;
      fromMs = Math.min(fromMs, o[0]);
      toMs = Math.max(toMs, o[1]);
    }
    if (hit) series++;
  }
  return series === 0 ? undefined : { series, fromMs, toMs };
}
