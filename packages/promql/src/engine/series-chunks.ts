// The loops over every series of a select (fetch.ts), a chunk at a time with a checkpoint between chunks.
import type { Labels } from '../queryable.js';
import type { TimeSlice } from '../time-slice.js';
import type { FetchedSeries } from './fetched-series.js';

/**
 * Series between two asks of the clock in the loops over all of a select's series: microseconds warm, but the first
 * queries after a store opens run them interpreted, and over ten thousand series one loop took milliseconds. The
 * loops are plain functions (with an `await` inside the loop of an async function they ran slower warm).
 */
const SERIES_CHUNK = 1024;

/** `chunk` over [0, n) in chunks with checkpoints between, until it returns false; whether it never did. */
export async function inChunks(
  n: number,
  slice: TimeSlice,
  chunk: (from: number, to: number) => unknown,
): Promise<boolean> {
  for (let i = 0; i < n; i += SERIES_CHUNK) {
    if (i > 0 && slice.due()) await slice.checkpoint();
    if (chunk(i, Math.min(n, i + SERIES_CHUNK)) === false) return false;
  }
  return true;
}

export function sameLabels(
  fetched: readonly Labels[],
  series: readonly FetchedSeries[],
  slice: TimeSlice,
): Promise<boolean> {
  if (fetched.length !== series.length) return Promise.resolve(false);
  return inChunks(series.length, slice, (from, to) => sameRange(fetched, series, from, to));
}

export async function inOrder(
  series: readonly FetchedSeries[],
  order: Int32Array,
  slice: TimeSlice,
): Promise<FetchedSeries[]> {
  const out: FetchedSeries[] = new Array(series.length);
  await inChunks(series.length, slice, (from, to) => orderRange(series, order, out, from, to));
  return out;
}

// The chunks' loops, top-level functions of their arguments: as closures over the caller's variables they cost
// a quarter more warm (a context read, or write, per series).

/** Adds the non-empty series of got[from, to) to `series`; returns how many samples they hold. */
export function handOver(
  got: readonly FetchedSeries[],
  from: number,
  to: number,
  series: FetchedSeries[],
): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const s = got[k]!;
    n += s.hi - s.lo;
    if (s.hi > s.lo) series.push(s);
  }
  return n;
}

export function labelsAndPositions(
  series: readonly FetchedSeries[],
  fetched: Labels[],
  positions: number[],
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) {
    fetched[i] = series[i]!.metric;
    positions[i] = i;
  }
}

function sameRange(
  fetched: readonly Labels[],
  series: readonly FetchedSeries[],
  from: number,
  to: number,
): boolean {
  for (let i = from; i < to; i++) if (fetched[i] !== series[i]!.metric) return false;
  return true;
}

function orderRange(
  series: readonly FetchedSeries[],
  order: Int32Array,
  out: FetchedSeries[],
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) out[i] = series[order[i]!]!;
}
