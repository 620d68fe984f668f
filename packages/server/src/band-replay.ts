// The continuous expected band: a fresh model of a configured detector replayed over stored history, reading the
// band it expects at every sample (detectors attach their band to findings only, so a normal stretch has none).
// The replay is bounded (a sample cap, applied to the warm-up first) and yields to the event loop every chunk, so a
// request that is cancelled or runs out of time stops within one chunk.
import type { Labels } from '@argus/core';
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
    const cols: BandColumns = { labels: s.labels, timestamps: [], expected: [], lower: [], upper: [] };
    result.series.push(cols);
    const start = Math.max(0, s.timestamps.length - perSeries);
    if (start > 0) result.clipped = true;
    for (let i = start; i < s.timestamps.length; i++) {
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
  }
  o.signal.throwIfAborted();
  return result;
}
