// The columns and series objects storeQueryable decodes selects into, and the pool that reuses them across
// selects once the engine hands them back.
import type { FetchedSeries } from './engine/fetch.js';
import type { Labels } from './queryable.js';
import type { TimeSlice } from './time-slice.js';

/** Columns a select decodes series into; each series gets views of its part. */
export interface Slab {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly s: Uint8Array;
}

/** Samples per slab at least: a slab per select of small series, a few for long ranges. */
export const SLAB_SAMPLES = 16_384;

export const slab = (n: number): Slab => ({
  t: new Float64Array(n),
  v: new Float64Array(n),
  s: new Uint8Array(n),
});

/**
 * Full slabs the engine handed back (releaseFetched), reused by later selects of this Queryable: a range query
 * over a day decodes a thousand series block by block into about a hundred slabs (26 MB), whose allocation, and
 * the garbage collections it caused, cost about a fifth of its reads. At most {@link POOLED} are kept (4.5 MB).
 */
export class SlabPool {
  private readonly free: Slab[] = [];
  /**
   * Series objects handed back, for later selects to fill in: an instant aggregation over ten thousand series
   * kept ten thousand new objects alive for the whole query, and a scavenge landing in it (about one query in
   * five) had to copy them all. Reused objects have been promoted to the old generation: a scavenge skips them.
   */
  private readonly parts: Part[] = [];

  /** A series object for a part of a slab: a handed-back one refilled, or a new one (of the same shape). */
  part(metric: Labels, b: Slab, lo: number, hi: number, hasStale: boolean): FetchedSeries {
    const p = this.parts.pop();
    if (!p) return { metric, ts: b.t, vs: b.v, stale: b.s, lo, hi, hasStale };
    p.metric = metric;
    p.ts = b.t;
    p.vs = b.v;
    p.stale = b.s;
    p.lo = lo;
    p.hi = hi;
    p.hasStale = hasStale;
    return p;
  }

  /** A slab of `n` samples: a pooled one when `n` is a full slab's size. */
  take(n: number): Slab {
    return (n === SLAB_SAMPLES && this.free.pop()) || slab(n);
  }

  /** Resolves once every series handed back so far is in the pool: selects wait for it, to reuse them all. */
  settled: Promise<void> = Promise.resolve();

  /**
   * Takes back a query's series, with a turn of the event loop between chunks once `slice` is spent: over ten
   * thousand series, in the first queries after a store opens (this loop still interpreted), one piece took up to
   * 10 ms of CPU. A select that made new objects instead of waiting for the rest cost warm queries 12 % more CPU.
   */
  give(series: Iterable<readonly FetchedSeries[]>, slice: TimeSlice): void {
    // a scheduler whose yield rejects must not fail later selects: what was not taken back is just not reused
    this.settled = this.settled.then(() => this.takeBack(series, slice)).catch(() => undefined);
  }

  private async takeBack(series: Iterable<readonly FetchedSeries[]>, slice: TimeSlice): Promise<void> {
    for (const ss of series)
      for (let i = 0; i < ss.length; i += GIVE_CHUNK) {
        if (i > 0 && slice.due()) await slice.yieldIfSpent();
        this.takeRange(ss, i, Math.min(ss.length, i + GIVE_CHUNK));
      }
  }

  // the loop is a function of its own and walks by index: written as for-of inside the async function it made an
  // iterator result and more per series (0.8 MB per query over ten thousand series, 35 % more scavenges)
  private takeRange(ss: readonly FetchedSeries[], from: number, to: number): void {
    let last: Float64Array | undefined;
    for (let i = from; i < to; i++) {
      const s = ss[i]!;
      // series keep their select's order within a slab only until sorted: look at each slab's columns once
      if (s.ts !== last && s.ts.length === SLAB_SAMPLES && this.free.length < POOLED) {
        last = s.ts;
        if (!this.free.some((f) => f.t === s.ts)) this.free.push({ t: s.ts, v: s.vs, s: s.stale });
      }
      // only this pool's selects made these objects, and the engine reads none of them after handing them back
      if (this.parts.length < POOLED_PARTS) this.parts.push(emptied(s as Part));
    }
  }
}

const POOLED = 16;
/** Series taken back between two asks of the clock. */
const GIVE_CHUNK = 1024;
/** Series objects kept for reuse at most (about 80 bytes each). */
const POOLED_PARTS = 65_536;

type Part = { -readonly [K in keyof FetchedSeries]: FetchedSeries[K] };

const NO_SLAB = slab(0);
const NO_LABELS: Labels = {};

/** A pooled series object should not keep its slab (or a deleted series' labels) from being collected. */
function emptied(p: Part): Part {
  p.metric = NO_LABELS;
  p.ts = NO_SLAB.t;
  p.vs = NO_SLAB.v;
  p.stale = NO_SLAB.s;
  return p;
}
