import type { Labels } from '../queryable.js';

/**
 * A selector's series as the evaluator reads them: its samples are `ts[lo .. hi - 1]` (and the same indices of
 * `vs` and `stale`, which is 1 at staleness markers). The arrays may be columns shared by every series of the
 * select (storeQueryable's): one object per series instead of three typed-array views, a StoredSeries and this.
 */
export interface FetchedSeries {
  readonly metric: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly stale: Uint8Array;
  readonly lo: number;
  readonly hi: number;
  /** Whether any sample in [lo, hi) is a staleness marker. */
  readonly hasStale: boolean;
}
