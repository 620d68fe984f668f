import { expectNumbers, fmt, type Model } from '../model.js';
import { growF64, median } from '../util/arrays.js';
import { type PointOut, scaleFloor, scoreFromZ } from '../util/score.js';

/** Options of {@link trendModel}. */
export interface TrendModelOptions {
  /** Samples the Theil–Sen slope is fitted over. */
  readonly windowSamples: number;
  /** Refit every this many samples (the fit is O(window²)). */
  readonly refitSamples: number;
  /** How far ahead to forecast, ms. */
  readonly horizonMs: number;
  /** Alert when the forecast's band is predicted to cross above this value within the horizon. */
  readonly crossAbove?: number | undefined;
  /** Alert when the forecast's band is predicted to cross below this value within the horizon. */
  readonly crossBelow?: number | undefined;
  readonly zHalf: number;
  readonly bandSigma: number;
}

const H = 7; // slope, intercept (at t0), t0, residual var, count, write index, last forecast

/**
 * Robust linear trend (a Theil–Sen variant: median of the slopes between samples half a window apart) over a sliding window, with a forecast and prediction
 * band at `horizonMs`. With `crossAbove`/`crossBelow` it scores "will cross X within H"; otherwise it scores how far
 * the window's trend moved the level relative to the noise. Cost O(window/refit) per point; memory 2·window + 7 doubles.
 */
export function trendModel(o: TrendModelOptions): Model {
  const w = o.windowSamples;
  let head = new Float64Array(0) as Float64Array;
  let ring = new Float64Array(0) as Float64Array; // t then v, w each
  const slopes = new Float64Array(w);
  const ensure = (id: number): void => {
    head = growF64(head, (id + 1) * H);
    ring = growF64(ring, (id + 1) * 2 * w);
  };
  return {
    update(id: number, t: number, v: number, out: PointOut): number {
      out.score = 0;
      out.z = 0;
      if (!Number.isFinite(v) || !Number.isFinite(t)) return 0;
      ensure(id);
      const h = id * H;
      const n = (head[h + 4] as number) + 1;
      const at = head[h + 5] as number;
      ring[id * 2 * w + at] = t;
      ring[id * 2 * w + w + at] = v;
      head[h + 4] = n;
      head[h + 5] = (at + 1) % w;
      if (n < w) return 0;
      if (n === w || n % o.refitSamples === 0) fit(head, ring, slopes, id, w);
      return forecast(head, id, t, v, o, out);
    },
    explain(out: PointOut, v: number): string {
      if (out.kind === 'forecastBreach') {
        return `forecast ${fmt(out.expected)} (band ${fmt(out.lower)}..${fmt(out.upper)}) crosses the limit within ${fmt(o.horizonMs / 1000)} s; now ${fmt(v)}`;
      }
      return `robust trend moved the level by ${fmt(out.z)} noise deviations over the last ${w} samples; forecast ${fmt(out.expected)}`;
    },
    save(id: number): unknown {
      if ((id + 1) * H > head.length || head[id * H + 4] === 0) return undefined;
      return {
        head: Array.from(head.subarray(id * H, (id + 1) * H)),
        ring: Array.from(ring.subarray(id * 2 * w, (id + 1) * 2 * w)),
      };
    },
    load(id: number, state: unknown): void {
      const st = state as { head?: unknown; ring?: unknown };
      const hv = expectNumbers('trend', 'head', st?.head, H);
      const rv = expectNumbers('trend', 'ring', st?.ring, 2 * w);
      ensure(id);
      for (let i = 0; i < H; i++) head[id * H + i] = hv[i] ?? 0;
      for (let i = 0; i < 2 * w; i++) ring[id * 2 * w + i] = rv[i] ?? 0;
    },
  };
}

function fit(head: Float64Array, ring: Float64Array, slopes: Float64Array, id: number, w: number): void {
  const base = id * 2 * w;
  const oldest = head[id * H + 5] as number;
  const t0 = ring[base + oldest] as number; // oldest sample's time
  // Median of the slopes between each sample and the one half a window later: O(window), unlike Theil–Sen's
  // all pairs, with the same 29% breakdown point as Theil–Sen.
  const half = w >> 1;
  let k = 0;
  for (let j = 0; j + half < w; j++) {
    const a = base + ((oldest + j) % w);
    const b = base + ((oldest + j + half) % w);
    const dt = (ring[b] as number) - (ring[a] as number);
    if (dt !== 0) slopes[k++] = ((ring[b + w] as number) - (ring[a + w] as number)) / dt;
  }
  const slope = k > 0 ? median(slopes, k) : 0;
  const resid = slopes.subarray(0, w);
  for (let i = 0; i < w; i++)
    resid[i] = (ring[base + w + i] as number) - slope * ((ring[base + i] as number) - t0);
  const intercept = median(resid, w);
  for (let i = 0; i < w; i++)
    resid[i] = Math.abs(
      (ring[base + w + i] as number) - intercept - slope * ((ring[base + i] as number) - t0),
    );
  const mad = 1.4826 * median(resid, w);
  const h = id * H;
  head[h] = slope;
  head[h + 1] = intercept;
  head[h + 2] = t0;
  head[h + 3] = mad * mad;
}

function forecast(
  head: Float64Array,
  id: number,
  t: number,
  v: number,
  o: TrendModelOptions,
  out: PointOut,
): number {
  const h = id * H;
  const slope = head[h] as number;
  const intercept = head[h + 1] as number;
  const t0 = head[h + 2] as number;
  const sd = Math.sqrt(head[h + 3] as number) + scaleFloor(intercept);
  const yhat = intercept + slope * (t + o.horizonMs - t0);
  out.expected = yhat;
  out.lower = yhat - o.bandSigma * sd;
  out.upper = yhat + o.bandSigma * sd;
  if (o.crossAbove !== undefined || o.crossBelow !== undefined) {
    out.kind = 'forecastBreach';
    const over = o.crossAbove !== undefined ? (out.lower - o.crossAbove) / sd : Number.NEGATIVE_INFINITY;
    const under = o.crossBelow !== undefined ? (o.crossBelow - out.upper) / sd : Number.NEGATIVE_INFINITY;
    const margin = Math.max(over, under); // > 0: even the band's near edge is past the limit
    out.z = margin;
    out.score = margin >= 0 ? 0.5 + 0.5 * scoreFromZ(margin, o.zHalf) : 0;
    return out.score;
  }
  out.kind = 'trend';
  const span = t - t0 || 1;
  out.z = Math.abs(slope * span) / sd;
  out.score = scoreFromZ(out.z, o.zHalf);
  void v;
  return out.score;
}
