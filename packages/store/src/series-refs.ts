import type { Labels } from '@argus/core';
import { matchingInSlices } from './internal/query.js';
import { readInto, type SampleColumns, sampleBound } from './internal/read-into.js';
import type { SeriesData } from './internal/series-data.js';
import type { StoreState } from './internal/state.js';
import type { Selector } from './types.js';

/** A series as {@link SeriesRefReads.selectRefs} hands it out: its labels, and a handle for `readInto`. */
export interface SeriesRef {
  readonly labels: Labels;
}

/** Columns a reader owns and reuses across series: `readInto` writes into them at an index it is given. */
export type { SampleColumns };

/**
 * Reads for query engines that read many series at once: select the series once, then decode each one's samples
 * straight into the caller's columns. `samples(labels, …)` finds the series by its label set and hands out arrays
 * of its own per call, which for ten thousand series of four samples costs more than the samples.
 */
export interface SeriesRefReads {
  /**
   * The series the selector matches, in the order the store created them. Tested in chunks with a yield to the
   * event loop between chunks; stops with the signal's reason when `options.signal` fires.
   */
  selectRefs(matchers: Selector, options?: { readonly signal?: AbortSignal }): Promise<readonly SeriesRef[]>;
  /** At least as many samples as `readInto` writes for the same series and range (size the columns by it). */
  sampleBound(ref: SeriesRef, from: number, to: number): number;
  /**
   * Writes the raw samples of a series in [from, to), in time order, into `out` from index `at` and returns how
   * many. `out` needs room for `sampleBound(ref, from, to)` samples from `at`; the store keeps no reference to it.
   * `ref` must come from this store's `selectRefs`.
   */
  readInto(ref: SeriesRef, from: number, to: number, out: SampleColumns, at: number): number;
}

/** The store's {@link SeriesRefReads}: a ref is the store's own series object, typed down to its labels. */
export function seriesRefReads(st: StoreState): SeriesRefReads {
  return {
    selectRefs: (sel, options) => matchingInSlices(st, sel, options?.signal),
    sampleBound: (ref, from, to) => sampleBound(ref as SeriesData, from, to),
    readInto: (ref, from, to, out, at) => readInto(ref as SeriesData, from, to, out, at),
  };
}
