import { expectNumbers, fmt, type Model } from '../model.js';
import { type PointOut, scaleFloor, scoreFromZ } from '../util/score.js';
import { seriesSlots } from '../util/slots.js';

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
  const slots = seriesSlots(FIELDS);
  return {
    update(id: number, _t: number, v: number, out: PointOut): number {
      const b = slots.begin(id, v, out);
      if (b < 0) return 0;
      const s = slots.data;
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
      return slots.save(id);
    },
    load(id: number, state: unknown): void {
      slots.load(id, expectNumbers('ewma', 'state', state, FIELDS));
    },
  };
}

function fillBand(out: PointOut, m: number, sd: number, k: number): number {
  out.expected = m;
  out.lower = m - k * sd;
  out.upper = m + k * sd;
  return 0;
}
