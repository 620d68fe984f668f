import { expectNumbers, fmt, type Model } from '../model.js';
import type { PointOut } from '../util/score.js';
import { Windows } from './early-windows.js';

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
  /**
   * Confidence is `n / (n + confidenceSamples)` after `n` normal samples (counted up to twice `windowSamples`): it
   * grows as history builds.
   */
  readonly confidenceSamples: number;
}

/**
 * Defaults: a 100× value scores ≥ 0.5 from the 5th sample, a 20× one from the 12th; under 10× never (an order of
 * magnitude is what "gross" means here: bursty series such as GC pauses swing several-fold in normal operation).
 * 16 samples: the median of the last 16 judges a ≥ 10× departure as well as that of the last 32, at half the memory
 * per warming series and less work per sample once full (issue 13); confidence still counts up to 32 samples.
 */
export const EARLY_DEFAULTS: EarlyModelOptions = {
  windowSamples: 16,
  minSamples: 5,
  minRatio: 10,
  minZ: 6,
  confidenceSamples: 4,
};

/**
 * A detector for the first minutes of a series, while the ensemble still learns: compares each value with the
 * median of the few normal samples seen so far, and flags only gross departures (≥ `minRatio` × or ÷ the
 * median and ≥ `minZ` robust deviations from it). The score is a confidence, `n/(n+confidenceSamples)` × how far
 * past the threshold the value lies, so one sample more of history makes the same value score higher. Flagged
 * values are kept out of the baseline, so an incident keeps scoring until it ends. A series whose baseline is all
 * zeros has no scale to judge by and scores 0. Memory: `windowSamples` doubles and bytes and 8 bytes more per series
 * (in one shared block) until {@link EarlyModel.release} drops it.
 */
export interface EarlyModel extends Model {
  /** Forgets series `id` (e.g. once the ensemble scores it), freeing its window. */
  release(id: number): void;
}

/** Creates an {@link EarlyModel}; options default to {@link EARLY_DEFAULTS}. */
export function earlyModel(options: Partial<EarlyModelOptions> = {}): EarlyModel {
  const o = { ...EARLY_DEFAULTS, ...options };
  const W = o.windowSamples;
  const win = new Windows(W, Math.min(2 * W, 0xffff));
  const scratch = new Float64Array(W);
  // normal samples seen before judging: minSamples, or never where the window cannot hold that many
  const judgeFrom = W >= o.minSamples ? o.minSamples : Number.POSITIVE_INFINITY;
  return {
    update(id, _t, v, out) {
      out.score = 0;
      out.z = 0;
      if (!Number.isFinite(v)) return 0;
      const k = win.take(id);
      if (win.seen[k]! >= judgeFrom) judge(win, k, v, out, o, scratch);
      // a flagged value stays out of the baseline: an incident must not become the normal it is judged by
      if (out.score === 0) win.push(k, v);
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      const med = out.expected;
      const times = med !== 0 && v / med > 0 ? Math.max(v / med, med / v) : Number.POSITIVE_INFINITY;
      const how = Number.isFinite(times) ? `${fmt(times)}× ${v > med ? 'above' : 'below'}` : 'far from';
      return `value ${fmt(v)} is ${how} the median ${fmt(med)} of the samples seen so far (early check while the ensemble learns)`;
    },
    save(id) {
      const k = win.find(id);
      const kept = k < 0 ? 0 : win.kept(k);
      if (kept === 0) return undefined;
      const base = win.at(k);
      const values: number[] = [];
      for (let i = 0; i < kept; i++) values.push(win.ring[base + ((win.next[k]! - kept + i + W) % W)]!);
      // the confidence's count, where it is past the window's
      const seen = win.seen[k]!;
      return seen > kept ? { values, seen } : { values };
    },
    load(id, state) {
      const st = state as { values?: unknown; seen?: unknown } | null;
      const values = expectNumbers('early', 'values', st?.values);
      win.release(id);
      const k = win.take(id);
      for (const v of values.slice(-W)) win.push(k, v ?? Number.NaN);
      // a save from before `seen` (or of a longer window) counts every value it holds; a window not full has seen
      // no more than it holds
      const seen = typeof st?.seen === 'number' && st.seen >= 0 ? Math.floor(st.seen) : values.length;
      if (win.kept(k) === W) win.seen[k] = Math.max(win.seen[k]!, Math.min(seen, win.seenCap));
    },
    release(id) {
      win.release(id);
    },
  };
}

/**
 * Judges `v` against slot `k`'s kept samples. The median and MAD come from the window's sorted order: the
 * deviations from the median grow outwards from it on both sides, so their median is found by merging the two
 * sides up to the middle, with the same arithmetic (and so the same bits) as sorting the deviations. A window
 * holding a non-finite value (only a snapshot can bring one) takes the sorting path.
 */
function judge(
  win: Windows,
  k: number,
  v: number,
  out: PointOut,
  o: EarlyModelOptions,
  scratch: Float64Array,
): void {
  const base = win.at(k);
  const seen = win.seen[k]!;
  const n = Math.min(seen, win.w);
  const ring = win.ring;
  const order = win.order;
  const last = base + n - 1;
  const h = n >> 1;
  // (an empty window, with minSamples 0, has no median: NaN, as the median of an empty sorted copy was)
  const mid = n === 0 ? Number.NaN : ring[base + order[base + h]!]!;
  const med = n % 2 === 1 || n === 0 ? mid : (ring[base + order[base + h - 1]!]! + mid) / 2;
  let mad: number;
  if (
    Number.isFinite(med) &&
    Number.isFinite(ring[base + order[base]!]!) &&
    Number.isFinite(ring[base + order[last]!]!)
  ) {
    // left side: positions below the middle, deviations growing downwards; right side: the middle and up, growing
    // upwards. Take the h + 1 smallest deviations in order: the last one (or the mean of the last two) is the MAD.
    let i = base + h - 1;
    let j = base + h;
    let prev = 0;
    let cur = 0;
    for (let c = 0; c <= h; c++) {
      prev = cur;
      if (i < base) cur = Math.abs(ring[base + order[j++]!]! - med);
      else if (j > last) cur = Math.abs(ring[base + order[i--]!]! - med);
      else {
        const dl = Math.abs(ring[base + order[i]!]! - med);
        const dr = Math.abs(ring[base + order[j]!]! - med);
        if (dl <= dr) {
          cur = dl;
          i--;
        } else {
          cur = dr;
          j++;
        }
      }
    }
    mad = n % 2 === 1 ? cur : (prev + cur) / 2;
  } else {
    const w = scratch.subarray(0, n);
    for (let i = 0; i < n; i++) w[i] = Math.abs(ring[base + i]! - med);
    w.sort();
    mad = median(w);
  }
  const scale = 1.4826 * mad;
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
  const past = !above && med > 0 ? dipPast(v, med, dev, scale, o) : dev / allowed; // 1 at the threshold
  out.score =
    (seen / (seen + o.confidenceSamples)) * (past === Number.POSITIVE_INFINITY ? 1 : past / (past + 1));
}

/**
 * How far past its threshold a dip below a positive median lies, in the ratio's own terms: `median / v` against
 * `minRatio`, as a spike's `v / median` is. Measured as a difference, a dip is never more than the median away, so
 * it could never pass 1/(1 − 1/minRatio) of the band and never score 0.5: a fall to a hundredth of the normal (a
 * request rate collapsing) would never be flagged, although the check promises ÷ as well as ×.
 */
function dipPast(v: number, med: number, dev: number, scale: number, o: EarlyModelOptions): number {
  const byZ = scale > 0 ? dev / (o.minZ * scale) : Number.POSITIVE_INFINITY;
  const byRatio = v > 0 ? (med / v - 1) / (o.minRatio - 1) : Number.POSITIVE_INFINITY;
  return Math.min(byZ, byRatio);
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}
