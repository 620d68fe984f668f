import type { Alert, Finding, LabelMatcher, Labels } from '@argus/core';

/** A series selector: PromQL text (`up{job="api"}`, `{instance=~"web-.*"}`) or parsed matchers. */
export type Selector = string | readonly LabelMatcher[];

/** Aggregations a range query can apply within each step. */
export type RangeAgg = 'avg' | 'min' | 'max' | 'last';

/** A range query: every step `[from + i·stepMs, from + (i+1)·stepMs)` up to `to` gets one value. */
export interface RangeQuery {
  readonly matchers: Selector;
  /** Start, ms since epoch, inclusive. */
  readonly from: number;
  /** End, ms since epoch, exclusive. */
  readonly to: number;
  readonly stepMs: number;
  readonly agg: RangeAgg;
  /** Group series by these labels (as PromQL `by`); omitted: one result per series; `[]`: one result. */
  readonly by?: readonly string[];
}

/** One result of a range query: step start times and values; steps without data are left out. */
export interface RangeSeries {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** The newest sample of a series. `stale` is true when it is a staleness marker (the series ended). */
export interface LatestSample {
  readonly labels: Labels;
  readonly timestamp: number;
  readonly value: number;
  readonly stale: boolean;
}

/**
 * What the UI, backtests and trend analysis read history through. The store implements it; a Prometheus
 * source can implement it over PromQL range queries, so code written against it runs against either.
 */
export interface HistoryQuery {
  /**
   * Label sets of the series the selector matches. The store tests them in chunks with a yield to the event
   * loop between chunks, and stops with the signal's reason when `options.signal` fires.
   */
  series(matchers: Selector, options?: { readonly signal?: AbortSignal }): Promise<readonly Labels[]>;
  /** Aggregated values per step. */
  range(query: RangeQuery): Promise<readonly RangeSeries[]>;
  /** The newest sample of each matching series. */
  latest(matchers: Selector): Promise<readonly LatestSample[]>;
}

/** A time range and an optional selector over findings or alerts. */
export interface EventQuery {
  readonly from: number;
  readonly to: number;
  /** Matched against the finding's series labels or the alert's labels. */
  readonly matchers?: Selector;
}

/** A finding as recorded: the series id is replaced by its labels (ids are not stable across restarts). */
export interface StoredFinding extends Omit<Finding, 'series'> {
  readonly labels: Labels;
}

/** An alert state change as recorded, with the time it applies to. */
export interface StoredAlert {
  /** `endsAt` for a resolved alert, else `startsAt`. */
  readonly at: number;
  readonly alert: Alert;
}

/** Counters of what the store did with its input. */
export interface StoreStats {
  readonly series: number;
  /** Samples accepted, including those recovered from the data directory (evictions do not lower it). */
  readonly samples: number;
  readonly chunks: number;
  /** Estimated memory in bytes (chunks, head buffers, rollups, events, series overhead). */
  readonly bytes: number;
  /** Bytes of sealed chunks only, and the samples they hold (for bytes per sample). */
  readonly chunkBytes: number;
  readonly chunkSamples: number;
  readonly outOfOrderAccepted: number;
  /** Samples older than the out-of-order window: refused. */
  readonly outOfOrderRejected: number;
  /** Repeats of a stored sample (same time, same bits): ignored. */
  readonly duplicatesIgnored: number;
  /** Different value at a stored time, refused (`onDuplicate: 'reject'`). */
  readonly duplicatesRejected: number;
  readonly duplicatesOverwritten: number;
  /** Samples with a timestamp that is not an integer within ±2^51 ms: refused. */
  readonly invalidTimestamps: number;
  /** Raw chunks evicted (by age or bytes) into rollups. */
  readonly evictedChunks: number;
  readonly findings: number;
  readonly alerts: number;
}

/** Where only rollups remain in a queried range (see `Store.rolledUp`). */
export interface RolledUpSpan {
  /** Matching series whose raw samples in the range were evicted into rollups. */
  readonly series: number;
  /** The part of the range those rollups cover, in ms: [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
}
