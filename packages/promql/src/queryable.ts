import type { Matcher } from './parser/ast.js';

/** A label set: name → value. `__name__` holds the metric name. */
export type Labels = Readonly<Record<string, string>>;

/**
 * One series as a storage returns it: its labels and samples in time order. A staleness marker is a sample
 * whose value is Prometheus's StaleNaN (see {@link STALE_NAN}) or whose `stale` flag is set.
 */
export interface StoredSeries {
  readonly labels: Labels;
  /**
   * Milliseconds since the epoch, ascending. Float64Arrays (here and in `values`) are read in place for the rest
   * of the query, not copied: hand out arrays that nothing writes to meanwhile (as `@argus/store` does).
   */
  readonly timestamps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  /**
   * 1 where the sample is a staleness marker; omitted when StaleNaN values mark them. A Uint8Array is read in
   * place too (when every StaleNaN value is flagged in it).
   */
  readonly stale?: ArrayLike<number>;
}

/** Per-select options of {@link Queryable.select}. */
export interface SelectOptions {
  readonly signal?: AbortSignal;
}

/** What the engine reads through: series by matchers over a time range, and label names and values. */
export interface Queryable {
  /**
   * Series matching every matcher, with their samples in `[mint, maxt]` (both inclusive, ms). `options.signal`
   * is the query's: a Queryable that reads in chunks can stop when it fires.
   */
  select(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    options?: SelectOptions,
  ): Iterable<StoredSeries> | Promise<Iterable<StoredSeries>>;
  /** Label names of the series matching the matchers (all series when none), sorted. */
  labelNames(matchers?: readonly Matcher[]): Promise<readonly string[]> | readonly string[];
  /** Values of one label over the matching series, sorted. */
  labelValues(name: string, matchers?: readonly Matcher[]): Promise<readonly string[]> | readonly string[];
  /**
   * Warnings about what `select` over the same range could not return, e.g. history that only survives as
   * rollups; they reach the API's `warnings` field. Optional.
   */
  warnings?(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
  ): readonly string[] | Promise<readonly string[]>;
}

const staleBits = new DataView(new ArrayBuffer(8));
staleBits.setUint32(0, 0x7ff00000);
staleBits.setUint32(4, 0x00000002);
/** Prometheus's staleness marker value (a NaN with the bit pattern 0x7ff0000000000002). */
export const STALE_NAN: number = staleBits.getFloat64(0);

/** Whether a value is Prometheus's staleness marker rather than an ordinary NaN. */
export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  staleBits.setFloat64(0, v);
  return staleBits.getUint32(0) === 0x7ff00000 && staleBits.getUint32(4) === 0x00000002;
}
