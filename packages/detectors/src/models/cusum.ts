import { expectNumbers, fmt, type Model } from '../model.js';
import { type PointOut, scaleFloor } from '../util/score.js';
import { seriesSlots } from '../util/slots.js';

/** Options of {@link cusumModel}. */
export interface CusumModelOptions {
  /** Weight of each sample in the reference mean/variance while no shift is building. */
  readonly alpha: number;
  readonly warmupSamples: number;
  /** Allowance k, in standard deviations: drift smaller than this per sample is ignored. */
  readonly driftSigma: number;
  /** Decision interval h, in standard deviations: a cumulative sum reaching it scores 0.5 and re-anchors the baseline. */
  readonly thresholdSigma: number;
}

const F = 5; // mean, var, count, up-sum, down-sum

/**
 * Two-sided CUSUM (Page) on standardised residuals against an EWMA reference. Catches level shifts that are small
 * per sample but persistent. After an alarm the reference jumps to the new level. Cost O(1); memory 5 doubles/series.
 */
export function cusumModel(o: CusumModelOptions): Model {
  const slots = seriesSlots(F);
  return {
    update(id: number, _t: number, v: number, out: PointOut): number {
      const b = slots.begin(id, v, out);
      if (b < 0) return 0;
      const s = slots.data;
      const n = (s[b + 2] as number) + 1;
      s[b + 2] = n;
      const m = s[b] as number;
      const varr = s[b + 1] as number;
      if (n === 1) {
        s[b] = v;
        return 0;
      }
      const sd = Math.sqrt(varr) + scaleFloor(m);
      const z = Math.max(-8, Math.min(8, (v - m) / sd));
      const up = Math.max(0, (s[b + 3] as number) + z - o.driftSigma);
      const down = Math.max(0, (s[b + 4] as number) - z - o.driftSigma);
      const warm = n <= o.warmupSamples;
      const a = warm ? Math.max(o.alpha, 1 / n) : o.alpha;
      out.expected = m;
      out.lower = m - o.driftSigma * sd;
      out.upper = m + o.driftSigma * sd;
      out.kind = 'levelShift';
      if (warm) {
        s[b] = m + a * (v - m);
        s[b + 1] = (1 - a) * (varr + a * (v - m) ** 2);
        return 0;
      }
      const sum = Math.max(up, down);
      out.z = sum;
      out.score = sum / (sum + o.thresholdSigma);
      if (sum >= o.thresholdSigma) {
        s[b] = v; // re-anchor on the new level; keep the variance
        s[b + 3] = 0;
        s[b + 4] = 0;
      } else {
        const small = Math.abs(z) < 3 ? v - m : Math.sign(v - m) * 3 * sd;
        s[b] = m + a * small;
        s[b + 1] = (1 - a) * (varr + a * small * small);
        s[b + 3] = up;
        s[b + 4] = down;
      }
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      return `level shift: cumulative deviation reached ${fmt(out.z)} standard deviations; value ${fmt(v)} against reference level ${fmt(out.expected)}`;
    },
    save(id: number): unknown {
      return slots.save(id);
    },
    load(id: number, state: unknown): void {
      slots.load(id, expectNumbers('cusum', 'state', state, F));
    },
  };
}
