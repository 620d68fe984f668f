import { expectNumbers, fmt, type Model } from '../model.js';
import type { PointOut } from '../util/score.js';

/** Options of {@link earlyModel}. */
export interface EarlyModelOptions {
  /** Most recent normal samples kept per series (the baseline's median and MAD are taken over them). */
  readonly windowSamples: number;
  /** Samples seen before anything scores: below this, a median says too little. */
  readonly minSamples: number;
  /** A value counts as gross only this many times the median away from it, up (×) or down (÷). */
  readonly minRatio: number;
  /** …and only this many robust deviations (1.4826·MAD) from it, so a noisy series is not judged by ratio alone. */
  readonly minZ: number;
  /** Confidence is `n / (n + confidenceSamples)` after `n` samples: it grows as history builds. */
  readonly confidenceSamples: number;
}

/**
 * Defaults: a 100× value scores ≥ 0.5 from the 5th sample, a 20× one from the 12th; under 10× never (an order of
 * magnitude is what "gross" means here: bursty series such as GC pauses swing several-fold in normal operation).
 */
export const EARLY_DEFAULTS: EarlyModelOptions = {
  windowSamples: 32,
  minSamples: 5,
  minRatio: 10,
  minZ: 6,
  confidenceSamples: 4,
};

interface SeriesState {
  ring: Float64Array;
  /** Samples kept (≤ windowSamples) and the next slot to write. */
  kept: number;
  next: number;
}

/**
 * A detector for the first minutes of a series, while the ensemble still learns: compares each value with the
 * median of the few normal samples seen so far, and flags only gross departures (≥ `minRatio` × or ÷ the
 * median and ≥ `minZ` robust deviations from it). The score is a confidence, `n/(n+confidenceSamples)` × how far
 * past the threshold the value lies, so one sample more of history makes the same value score higher. Flagged
 * values are kept out of the baseline, so an incident keeps scoring until it ends. A series whose baseline is all
 * zeros has no scale to judge by and scores 0. Memory: `windowSamples` doubles per series until {@link
 * EarlyModel.release} drops it.
 */
export interface EarlyModel extends Model {
  /** Forgets series `id` (e.g. once the ensemble scores it), freeing its window. */
  release(id: number): void;
}

/** Creates an {@link EarlyModel}; options default to {@link EARLY_DEFAULTS}. */
export function earlyModel(options: Partial<EarlyModelOptions> = {}): EarlyModel {
  const o = { ...EARLY_DEFAULTS, ...options };
  const series = new Map<number, SeriesState>();
  const scratch = new Float64Array(o.windowSamples);
  return {
    update(id, _t, v, out) {
      out.score = 0;
      out.z = 0;
      if (!Number.isFinite(v)) return 0;
      let s = series.get(id);
      if (!s) series.set(id, (s = { ring: new Float64Array(o.windowSamples), kept: 0, next: 0 }));
      if (s.kept >= o.minSamples) judge(s, v, out, o, scratch);
      // a flagged value stays out of the baseline: an incident must not become the normal it is judged by
      if (out.score === 0) {
        s.ring[s.next] = v;
        s.next = (s.next + 1) % o.windowSamples;
        s.kept = Math.min(s.kept + 1, o.windowSamples);
      }
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      const med = out.expected;
      const times = med !== 0 && v / med > 0 ? Math.max(v / med, med / v) : Number.POSITIVE_INFINITY;
      const how = Number.isFinite(times) ? `${fmt(times)}× ${v > med ? 'above' : 'below'}` : 'far from';
      return `value ${fmt(v)} is ${how} the median ${fmt(med)} of the samples seen so far (early check while the ensemble learns)`;
    },
    save(id) {
      const s = series.get(id);
      if (!s || s.kept === 0) return undefined;
      const values: number[] = [];
      for (let i = 0; i < s.kept; i++)
        values.push(s.ring[(s.next - s.kept + i + o.windowSamples) % o.windowSamples]!);
      return { values };
    },
    load(id, state) {
      const values = expectNumbers('early', 'values', (state as { values?: unknown } | null)?.values);
      const s: SeriesState = { ring: new Float64Array(o.windowSamples), kept: 0, next: 0 };
      for (const v of values.slice(-o.windowSamples)) {
        s.ring[s.next] = v ?? Number.NaN;
        s.next = (s.next + 1) % o.windowSamples;
        s.kept++;
      }
      series.set(id, s);
    },
    release(id) {
      series.delete(id);
    },
  };
}

function judge(s: SeriesState, v: number, out: PointOut, o: EarlyModelOptions, scratch: Float64Array): void {
  const n = s.kept;
  const w = scratch.subarray(0, n);
  w.set(s.ring.subarray(0, n));
  w.sort();
  const med = median(w);
  for (let i = 0; i < n; i++) w[i] = Math.abs(w[i]! - med);
  w.sort();
  const scale = 1.4826 * median(w);
  out.expected = med;
  const up = Math.max(o.minZ * scale, (o.minRatio - 1) * Math.abs(med));
  const down = Math.max(o.minZ * scale, (1 - 1 / o.minRatio) * Math.abs(med));
  out.upper = med + up;
  out.lower = med - down;
  // all-zero baseline: no scale, no ratio; any non-zero value would look infinitely far
  if (up === 0) return;
  const above = v > med;
  const dev = Math.abs(v - med);
  const allowed = above ? up : down;
  out.z = scale > 0 ? dev / scale : Number.POSITIVE_INFINITY;
  out.kind = above ? 'spike' : 'dip';
  if (dev < allowed) return;
  const past = dev / allowed; // 1 at the threshold
  out.score = (n / (n + o.confidenceSamples)) * (past / (past + 1));
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}
