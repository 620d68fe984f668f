import { matchesAll } from './matchers.js';
import type { Matcher } from './parser/ast.js';
import type { Labels, Queryable, StoredSeries } from './queryable.js';

/** A series held by {@link memoryQueryable}: labels and samples in time order. */
export interface MemorySeries {
  readonly labels: Labels;
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
  /** 1 (or true) where the sample is a staleness marker; StaleNaN values count as markers too. */
  readonly stale?: readonly (number | boolean)[];
}

/**
 * A Queryable over series held in memory (tests, small imports). Samples must be in time order per series;
 * staleness markers are StaleNaN values.
 * @example
 * const q = memoryQueryable([{ labels: { __name__: 'up' }, timestamps: [0, 15_000], values: [1, 1] }]);
 */
export function memoryQueryable(series: readonly MemorySeries[]): Queryable {
  const matching = (ms: readonly Matcher[] | undefined): MemorySeries[] =>
    series.filter((s) => !ms || matchesAll(ms, s.labels));
  return {
    select(matchers, mint, maxt) {
      const out: StoredSeries[] = [];
      for (const s of matching(matchers)) {
        const lo = lowerBound(s.timestamps, mint);
        let hi = lo;
        while (hi < s.timestamps.length && s.timestamps[hi]! <= maxt) hi++;
        const stale = s.stale?.slice(lo, hi).map(Number);
        out.push({
          labels: s.labels,
          timestamps: s.timestamps.slice(lo, hi),
          values: s.values.slice(lo, hi),
          ...(stale ? { stale } : {}),
        });
      }
      return out;
    },
    labelNames(matchers) {
      const names = new Set<string>();
      for (const s of matching(matchers)) for (const n of Object.keys(s.labels)) names.add(n);
      return [...names].sort();
    },
    labelValues(name, matchers) {
      const values = new Set<string>();
      for (const s of matching(matchers)) if (s.labels[name] !== undefined) values.add(s.labels[name]);
      return [...values].sort();
    },
  };
}

/** First index in [from, to) whose timestamp is ≥ t (`to` when none is). */
export function lowerBound(ts: ArrayLike<number>, t: number, from = 0, to: number = ts.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
