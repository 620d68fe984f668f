import { expectNumbers, fmt, type Model } from '../model.js';
import { growF64 } from '../util/arrays.js';
import { type PointOut, scaleFloor, scoreFromZ } from '../util/score.js';

/** Options of {@link ewmaModel}. */
export interface EwmaModelOptions {
  /** Weight of each new sample in the mean and variance (0 < alpha < 1). */
  readonly alpha: number;
  /** Samples before scores are emitted; the baseline is a plain running mean until then. */
  readonly warmupSamples: number;
  /** Residuals are clipped to ±`clipSigma` standard deviations before updating, so outliers do not drag the baseline. */
  readonly clipSigma: number;
  /** Surprise (in standard deviations) that scores 0.5. */
  readonly zHalf: number;
  /** Width of the expected band, in standard deviations. */
  readonly bandSigma: number;
}

const FIELDS = 3; // mean, variance, count

/**
 * Robust z-score over an exponentially weighted mean and variance (EWMA/EWMV, Huber-clipped updates).
 * Cost: O(1) per point; memory: 3 doubles per series.
 */
export function ewmaModel(o: EwmaModelOptions): Model {
  let s = new Float64Array(0) as Float64Array;
  const ensure = (id: number): number => {
    s = growF64(s, (id + 1) * FIELDS);
    return id * FIELDS;
  };
  return {
    update(id: number, _t: number, v: number, out: PointOut): number {
      out.score = 0;
      out.z = 0;
      if (!Number.isFinite(v)) return 0;
      const b = ensure(id);
      const n = (s[b + 2] as number) + 1;
      const m = s[b] as number;
      const varr = s[b + 1] as number;
      const sd = Math.sqrt(varr) + scaleFloor(m);
      const r = v - m;
      s[b + 2] = n;
      if (n === 1) {
        s[b] = v;
        return fillBand(out, v, 0, o.bandSigma);
      }
      const warm = n <= o.warmupSamples;
      const a = warm ? Math.max(o.alpha, 1 / n) : o.alpha;
      const rc = warm ? r : Math.max(-o.clipSigma * sd, Math.min(o.clipSigma * sd, r));
      s[b] = m + a * rc;
      s[b + 1] = (1 - a) * (varr + a * rc * rc);
      fillBand(out, m, sd, o.bandSigma);
      out.kind = r >= 0 ? 'spike' : 'dip';
      if (warm) return 0;
      out.z = Math.abs(r) / sd;
      out.score = scoreFromZ(out.z, o.zHalf);
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      return `value ${fmt(v)} is ${fmt(out.z)} standard deviations from its moving average ${fmt(out.expected)} (expected ${fmt(out.lower)}..${fmt(out.upper)})`;
    },
    save(id: number): unknown {
      if ((id + 1) * FIELDS > s.length) return undefined;
      return Array.from(s.subarray(id * FIELDS, (id + 1) * FIELDS));
    },
    load(id: number, state: unknown): void {
      const vals = expectNumbers('ewma', 'state', state, FIELDS);
      const b = ensure(id);
      for (let i = 0; i < FIELDS; i++) s[b + i] = vals[i] ?? 0;
    },
  };
}

function fillBand(out: PointOut, m: number, sd: number, k: number): number {
  out.expected = m;
  out.lower = m - k * sd;
  out.upper = m + k * sd;
  return 0;
}
