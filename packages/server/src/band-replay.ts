// The continuous expected band: a fresh model of a configured detector replayed over stored history, reading the
// band it expects at every sample (detectors attach their band to findings only, so a normal stretch has none).
// The replay is bounded (a sample cap, applied to the warm-up first) and yields to the event loop every chunk, so a
// request that is cancelled or runs out of time stops within one chunk. A {@link BandCache} keeps each series' model
// state after a replay, so the UI's next poll (every 10 s) replays only the samples newer than that state.
import { type Labels, labelsKey } from '@argus/core';
import { type Model, pointOut } from '@argus/detectors';

/** One stored series as the store reads it. */
export interface StoredSeries {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly stale: Uint8Array;
}

/** One series' band over the shown range: per sample the detector's expectation, null where it has none. */
export interface BandColumns {
  labels: Labels;
  timestamps: number[];
  expected: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
}

export interface ReplayOptions {
  /** Start of the shown range (ms): samples before it only warm the model up. */
  readonly from: number;
  /** At most this many samples are replayed over all series; each series keeps its latest share. */
  readonly maxSamples: number;
  /** Stops the replay (the client left, or its deadline passed): the promise rejects with the signal's reason. */
  readonly signal: AbortSignal;
  /** Samples between two yields to the event loop. @default 16384 */
  readonly chunk?: number;
  /**
   * Resume from and keep each series' replay state here, under `cacheKey` (the detector and its options: a changed
   * configuration never resumes another's state).
   */
  readonly cache?: BandCache;
  readonly cacheKey?: string;
  /**
   * With a cache: a cached state is resumed only while its replay began at most this long (ms) before this replay's
   * own first sample, so a resumed band's warm-up is at most this much longer than a fresh one's. @default 6 h
   */
  readonly maxExtraWarmupMs?: number;
}

export interface ReplayResult {
  series: BandColumns[];
  /** Samples fed to the model, warm-up included. */
  replayed: number;
  /** Whether the sample cap cut some series' history short (their warm-up, or even the range's start). */
  clipped: boolean;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const yieldToLoop = (): Promise<void> => new Promise((ok) => setImmediate(ok));

/**
 * Feeds each series' samples, oldest first, to `model` (series `i` is the model's series id `i`) and records, for
 * the non-stale samples at or after `from`, the band the model reports right after scoring that sample.
 */
export async function replayBand(
  series: readonly StoredSeries[],
  model: Model,
  o: ReplayOptions,
): Promise<ReplayResult> {
  const chunk = o.chunk ?? 16_384;
  const perSeries = Math.floor(o.maxSamples / Math.max(1, series.length));
  const out = pointOut();
  const result: ReplayResult = { series: [], replayed: 0, clipped: false };
  let sinceYield = 0;
  for (const [id, s] of series.entries()) {
    let cols: BandColumns = { labels: s.labels, timestamps: [], expected: [], lower: [], upper: [] };
    const n = s.timestamps.length;
    let start = Math.max(0, n - perSeries);
    if (start > 0) result.clipped = true;
    const key = o.cache && n > 0 ? `${o.cacheKey ?? ''}\n${labelsKey(s.labels)}` : undefined;
    let origin = n > 0 ? (s.timestamps[start] as number) : 0;
    const hit = key === undefined ? undefined : o.cache!.take(key);
    if (hit && resumable(hit, s.timestamps, start, o)) {
      // the cached state has seen every sample up to `hit.last`: load it and replay only the newer ones
      model.load(id, hit.state);
      origin = hit.origin;
      cols = since(hit.cols, o.from);
      start = firstAfter(s.timestamps, hit.last);
    }
    result.series.push(cols);
    for (let i = start; i < n; i++) {
      if (++sinceYield >= chunk) {
        sinceYield = 0;
        await yieldToLoop();
        o.signal.throwIfAborted();
      }
      if (s.stale[i] === 1) continue;
      const t = s.timestamps[i] as number;
      const v = s.values[i] as number;
      if (!Number.isFinite(v)) continue;
      // a model that has no band yet (warming up) may leave `out` as the last series left it
      out.expected = out.lower = out.upper = Number.NaN;
      model.update(id, t, v, out);
      result.replayed++;
      if (t < o.from) continue;
      cols.timestamps.push(t);
      cols.expected.push(finite(out.expected));
      cols.lower.push(finite(out.lower));
      cols.upper.push(finite(out.upper));
    }
    if (key !== undefined) {
      const state = model.save(id);
      // a model with nothing learned yet has no state to resume
      if (state !== undefined)
        o.cache!.put(key, { origin, from: o.from, last: s.timestamps[n - 1] as number, state, cols });
    }
  }
  o.signal.throwIfAborted();
  return result;
}

/** One series' replay kept for the next request: the model's state after `last` and the band since `from`. */
export interface CachedReplay {
  /** Time of the first sample the state has seen (where its replay began). */
  readonly origin: number;
  /** The band columns start here: a request from earlier cannot be answered from them. */
  readonly from: number;
  /** Time of the last sample the state has seen. */
  readonly last: number;
  readonly state: unknown;
  /** Never changed once cached: a resumed replay copies them ({@link since}) before adding to them. */
  readonly cols: BandColumns;
}

/**
 * Each series' replay state after a band request, least recently used first out, bounded by entries and by the
 * band samples held (the columns are what costs memory; a model's state is small next to 10k samples of band).
 */
export class BandCache {
  readonly #entries = new Map<string, CachedReplay>();
  #samples = 0;

  constructor(
    readonly maxEntries = 1_000,
    readonly maxSamples = 2_000_000,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** Removes and returns the entry: while a replay resumes it, a concurrent request for the series starts afresh. */
  take(key: string): CachedReplay | undefined {
    const e = this.#entries.get(key);
    if (e) {
      this.#entries.delete(key);
      this.#samples -= e.cols.timestamps.length;
    }
    return e;
  }

  put(key: string, e: CachedReplay): void {
    this.take(key);
    this.#entries.set(key, e);
    this.#samples += e.cols.timestamps.length;
    for (const [k] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#samples <= this.maxSamples) break;
      this.take(k);
    }
  }
}

/**
 * Whether `hit` can stand for replaying this read from `start`: it began no later than this replay would and not
 * too long before, it has seen a sample of this read (so every sample after it is in the read: none is skipped), it
 * has seen nothing past the read's end, and its columns reach back to the range's start.
 */
function resumable(hit: CachedReplay, ts: Float64Array, start: number, o: ReplayOptions): boolean {
  const first = ts[start] as number;
  const last = ts[ts.length - 1] as number;
  return (
    hit.origin <= first &&
    first - hit.origin <= (o.maxExtraWarmupMs ?? 6 * 3_600_000) &&
    hit.last >= first &&
    hit.last <= last &&
    hit.from <= o.from
  );
}

/** A copy of the columns from time `from` on. */
function since(c: BandColumns, from: number): BandColumns {
  const k = search(c.timestamps, from, false);
  return {
    labels: c.labels,
    timestamps: c.timestamps.slice(k),
    expected: c.expected.slice(k),
    lower: c.lower.slice(k),
    upper: c.upper.slice(k),
  };
}

/** The index of the first time after t in ascending times. */
const firstAfter = (ts: ArrayLike<number>, t: number): number => search(ts, t, true);

/** The index of the first time after t (`after`) or at or after it. */
function search(ts: ArrayLike<number>, t: number, after: boolean): number {
  let a = 0;
  let b = ts.length;
  while (a < b) {
    const m = (a + b) >> 1;
    const v = ts[m] as number;
    if (v < t || (after && v === t)) a = m + 1;
    else b = m;
  }
  return a;
}
