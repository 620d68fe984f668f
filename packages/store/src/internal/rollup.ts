import { lowerBound } from './merge.js';

/** One rollup bucket's partial aggregate. Stale markers are never rolled up. */
export interface Partial {
  start: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastT: number;
}

/** Bytes one bucket takes (seven float64 columns). */
export const BUCKET_BYTES = 56;

/** Folds `b` into `a` (exact for min/max/sum/count/last). NaN propagates through min, max and sum. */
export function combine(a: Partial, b: Partial): void {
  a.min = Math.min(a.min, b.min);
  a.max = Math.max(a.max, b.max);
  a.sum += b.sum;
  a.count += b.count;
  if (b.lastT >= a.lastT) {
    a.last = b.last;
    a.lastT = b.lastT;
  }
}

/** A partial holding one sample. */
export function single(start: number, t: number, v: number): Partial {
  return { start, min: v, max: v, sum: v, count: 1, last: v, lastT: t };
}

/** The buckets of one series at one rollup level, in time order. */
export class RollupSeries {
  readonly buckets: Partial[] = [];

  constructor(readonly stepMs: number) {}

  /** Adds a partial (a raw sample or a finer bucket) to the bucket containing `p.start`. */
  add(p: Partial): void {
    const start = Math.floor(p.start / this.stepMs) * this.stepMs;
    const b = this.buckets;
    const last = b[b.length - 1];
    if (last && last.start === start) {
      combine(last, p);
      return;
    }
    if (!last || last.start < start) {
      b.push({ ...p, start });
      return;
    }
    const starts = b.map((x) => x.start);
    const i = lowerBound(starts, starts.length, start);
    if (b[i]?.start === start) combine(b[i]!, p);
    else b.splice(i, 0, { ...p, start });
  }

  /** Removes and returns the buckets that end at or before `cutoff`. */
  evictBefore(cutoff: number): Partial[] {
    let i = 0;
    while (i < this.buckets.length && this.buckets[i]!.start + this.stepMs <= cutoff) i++;
    return i === 0 ? [] : this.buckets.splice(0, i);
  }

  /** Removes the `n` oldest buckets. */
  dropOldest(n: number): Partial[] {
    return this.buckets.splice(0, n);
  }
}
