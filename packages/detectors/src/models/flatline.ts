import { expectNumbers, fmt, type Model } from '../model.js';
import type { PointOut } from '../util/score.js';
import { seriesSlots } from '../util/slots.js';

/** Options of {@link flatlineModel}. */
export interface FlatlineModelOptions {
  /** Two values closer than this share of their magnitude count as the same value (0: exact). */
  readonly relTolerance: number;
  /** A run must be at least this many samples long to score. */
  readonly minRunSamples: number;
  /** A run scores once it is this many times longer than the longest run seen while warming up. */
  readonly runFactor: number;
  /** A gap scores once it is this many times the typical sampling interval. */
  readonly gapFactor: number;
  readonly warmupSamples: number;
}

const F = 7; // last value, run length, longest warm-up run, last t, interval EWMA, count, absence reported (0/1)
// Samples before an absence can be judged: the usual interval needs a few steps to be known.
const ABSENT_AFTER_SAMPLES = 5;

/**
 * Stuck values (a run of identical samples far longer than usual) and missing data (a gap far longer than the
 * usual sampling interval). Repeated or backwards timestamps are not gaps. Cost O(1); memory 7 doubles per series.
 */
export function flatlineModel(o: FlatlineModelOptions): Model {
  const slots = seriesSlots(F);
  return {
    update(id: number, t: number, v: number, out: PointOut): number {
      const b = slots.begin(id, v, out);
      if (b < 0) return 0;
      const s = slots.data;
      const n = (s[b + 5] as number) + 1;
      s[b + 5] = n;
      s[b + 6] = 0;
      const last = s[b] as number;
      const same = n > 1 && Math.abs(v - last) <= o.relTolerance * Math.max(Math.abs(v), Math.abs(last));
      const run = same ? (s[b + 1] as number) + 1 : 1;
      s[b] = v;
      s[b + 1] = run;
      // The first sample only sets the clock: measuring its "gap" from 0 would make the usual interval the epoch.
      if (n === 1) s[b + 3] = t;
      const gap = n > 1 ? gapRatio(s, b, t) : 0;
      if (n <= o.warmupSamples) {
        s[b + 2] = Math.max(s[b + 2] as number, run);
        return 0;
      }
      const ref = Math.max(o.minRunSamples, o.runFactor * (s[b + 2] as number));
      const runScore = run >= ref ? 1 - (0.5 * ref) / run : 0;
      const gapScore = gap >= o.gapFactor ? 1 - (0.5 * o.gapFactor) / gap : 0;
      out.expected = Number.NaN;
      out.kind = gapScore > runScore ? 'missing' : 'flatline';
      out.z = gapScore > runScore ? gap : run;
      out.score = Math.max(runScore, gapScore);
      return out.score;
    },
    tick(id: number, now: number, out: PointOut): number {
      out.score = 0;
      out.z = 0;
      const b = slots.find(id);
      if (b < 0) return 0;
      const s = slots.data;
      if ((s[b + 5] as number) < ABSENT_AFTER_SAMPLES || s[b + 6] === 1) return 0;
      const typical = s[b + 4] as number;
      const ratio = typical > 0 ? (now - (s[b + 3] as number)) / typical : 0;
      if (!(ratio >= o.gapFactor)) return 0;
      s[b + 6] = 1; // one finding per absence; the next sample re-arms it
      out.expected = Number.NaN;
      out.kind = 'missing';
      out.z = ratio;
      // Unlike a late sample (scored by how late), an absence is a fact once overdue: it scores 1.
      out.score = 1;
      return 1;
    },
    explain(out: PointOut, v: number): string {
      if (out.kind === 'missing' && Number.isNaN(v))
        return `no sample for ${fmt(out.z)} times the usual sampling interval: the series stopped reporting`;
      return out.kind === 'missing'
        ? `no data for ${fmt(out.z)} times the usual sampling interval`
        : `value stuck at ${fmt(v)} for ${out.z} samples in a row`;
    },
    save(id: number): unknown {
      return slots.save(id);
    },
    load(id: number, state: unknown): void {
      slots.load(id, expectNumbers('flatline', 'state', state, F));
    },
  };
}

/** Gap since the previous sample, in typical intervals; updates the interval estimate with positive steps only. */
function gapRatio(s: Float64Array, b: number, t: number): number {
  const dt = t - (s[b + 3] as number);
  s[b + 3] = Math.max(t, s[b + 3] as number);
  if (!(dt > 0)) return 0;
  const typical = s[b + 4] as number;
  if (typical === 0) {
    s[b + 4] = dt;
    return 0;
  }
  const ratio = dt / typical;
  s[b + 4] = typical + 0.05 * (Math.min(dt, 3 * typical) - typical);
  return ratio;
}
