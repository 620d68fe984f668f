import type { FindingKind } from '@argus/core';
import { expectNumbers, fmt, type Model } from '../model.js';
import { type PointOut, pointOut, scoreFromZ } from '../util/score.js';
import { seriesSlots } from '../util/slots.js';
import { erfc } from '../util/special.js';
import { loadOwn, OWN, saveOwn } from './ensemble-own.js';

/** A member of the ensemble: a model and its name (used in the reason). */
export interface EnsembleMember {
  readonly name: string;
  readonly model: Model;
  /** `true` when the member's score is already a calibrated probability-like value (flatline/missing). */
  readonly direct?: boolean;
}

/** Options of {@link ensembleModel}. */
export interface EnsembleModelOptions {
  readonly members: readonly EnsembleMember[];
  /** Samples before the ensemble scores; the long-run distribution learns only once the members are warm. */
  readonly warmupSamples: number;
  /** The members' own warm-up (their scores are 0 until then, which must not enter the long-run distribution). */
  readonly memberWarmupSamples: number;
  /** Surprise (σ) at which a member's raw score is 0.5 (`z²/(z²+zHalf²)`). */
  readonly zHalf: number;
  /** Samples in the short moving average of the raw score. */
  readonly averageSamples: number;
  /** Effective length, in samples, of the long-run distribution the moving average is compared against. */
  readonly historySamples: number;
  /** Lower bounds on that distribution's mean and variance, so a near-perfectly predicted series does not fire on noise. */
  readonly meanFloor: number;
  readonly varianceFloor: number;
  /** A value beyond everything seen by more than this share of the seen range scores 1; `null` disables it. */
  readonly rangeTolerance: number | null;
  /** After a score at or above `suppressAt`, this many following samples score 0 (one alert per episode). */
  readonly suppressSamples: number;
  readonly suppressAt: number;
  /** While the score is at or above this, the long-run distribution does not learn; `null`: it always learns. */
  readonly freezeAt: number | null;
  /**
   * Report a score only while the current sample's own raw score is at least this; `null` (the default) reports
   * the moving average's score alone, which stays high for up to `averageSamples` samples after an incident ends.
   */
  readonly currentAtLeast?: number | null;
}

const LOG_EPS = Math.log(1e-10);
// Per series, always: count, min, max (the range check's, widened from the first sample).
const COUNT = 0;
const MIN = 1;
const MAX = 2;
const HEAD = 3;
// Per series once it needs them: ring sum, mean, variance, quiet; then the raw-score ring. While every raw score so
// far is 0 and the series is still warming up, all of them are 0 and stay 0 (the ring holds zeros, the mean and
// variance learn 0 from a moving average of 0, a score of 0 opens no quiet period), so a series without its slot reads
// as zeros: the preset's series hold none of them for their first 120 samples (112 bytes per series while warming
// up, issue 13)
const SUM = 0;
const MEAN = 1;
const VARIANCE = 2;
const QUIET = 3;
const RING = 4;

/**
 * Combines members into one calibrated score, in the manner of Numenta's "anomaly likelihood": each member's surprise
 * maps to a raw score in [0,1], the largest wins, its short moving average is compared with the long-run distribution
 * of that average on this series, and the Gaussian tail probability p becomes `log(p)/log(1e-10)`. A value outside
 * the range seen so far scores 1; after a high score the next `suppressSamples` score 0.
 * Cost: the members' + O(members); memory: 7 + averageSamples doubles per series (3 until its first raw score
 * above 0 or the end of its warm-up), plus the members'.
 */
export function ensembleModel(o: EnsembleModelOptions): Model & { readonly lastMember: () => string } {
  const m = o.members.length;
  const R = RING + o.averageSamples;
  const heads = seriesSlots(HEAD);
  const rests = seriesSlots(R);
  // what a series without its rest reads (only zeros are ever written to it: see `restOf`)
  const zeros = new Float64Array(R);
  // a score of 0 opens a quiet period only where suppressAt is 0: then a warming series' rest is not all zeros
  const zeroOpensQuiet = 0 >= o.suppressAt && o.suppressSamples !== 0;
  // hot path: the members' models, flags and outputs in flat arrays, one PointOut per member so that picking the
  // winner records an index, and only the winner's band is copied, once, into the caller's `out`
  const models = o.members.map((x) => x.model);
  const directs = o.members.map((x) => x.direct === true);
  const outs = o.members.map(() => pointOut());
  let winner = '';
  let winnerKind: FindingKind = 'spike';
  let winnerZ = 0;
  let direct = 0;
  let best = 0;
  // below this surprise the likelihood is certainly under freezeAt: a sample that does not show its score then
  // needs no tail (erfc, log) to decide whether the long-run distribution learns from it
  const calmZ = o.freezeAt === null ? Number.NEGATIVE_INFINITY : calmSurprise(o.freezeAt);
  /** Feeds every member; returns the largest raw score (its index in `best`, the largest direct score in `direct`). */
  const members = (id: number, t: number, v: number): number => {
    let raw = -1;
    direct = 0;
    for (let k = 0; k < m; k++) {
      const mo = outs[k] as PointOut;
      (models[k] as Model).update(id, t, v, mo);
      const isDirect = directs[k] === true;
      const r = isDirect ? mo.score : scoreFromZ(mo.z, o.zHalf);
      if (isDirect && r > direct) direct = r;
      if (r > raw) {
        raw = r;
        best = k;
      }
    }
    return Math.max(raw, 0);
  };
  /** Copies the winning member's finding into `out` (the band the range check did not set). */
  const pick = (k: number, out: PointOut): void => {
    const mo = outs[k] as PointOut;
    winner = (o.members[k] as EnsembleMember).name;
    winnerKind = mo.kind;
    winnerZ = mo.z;
    out.expected = mo.expected;
    out.lower = mo.lower;
    out.upper = mo.upper;
  };
  /**
   * The score before the range check and suppression: 0 while warm or quiet (unless freezeAt reads it), else the
   * likelihood or the largest direct score. `shows`: whether the sample's output is this score.
   */
  const scoreOf = (s: Float64Array, b: number, ma: number, warm: boolean, shows: boolean): number => {
    if (warm || ((s[b + QUIET] as number) > 0 && o.freezeAt === null)) return 0;
    const z = surprise(s, b, ma, o);
    // unshown, it only decides learning (score < freezeAt), which direct decides alone when the tail is below it
    if (!shows && z <= calmZ) return direct;
    return Math.max(likelihoodScore(z), direct);
  };
  /**
   * Where series `id`'s rest is: its slot in `rests` (then in `rests.data`), or -1 for `zeros` while it has none and
   * this sample leaves it all zeros (still warming up, raw score 0). A slot made later starts as zeros: the same state.
   */
  const restOf = (id: number, raw: number, warm: boolean): number => {
    const r = rests.find(id);
    if (r >= 0 || (raw === 0 && warm && !zeroOpensQuiet)) return r;
    return rests.slot(id);
  };
  return {
    update(id: number, t: number, v: number, out: PointOut): number {
      out.score = 0;
      out.z = 0;
      const b = heads.slot(id);
      // the page of series `id` (members keep their own slots, so it stays this one through the update)
      const h = heads.data;
      if (!Number.isFinite(v)) return 0;
      const n = (h[b + COUNT] as number) + 1;
      h[b + COUNT] = n;
      const raw = members(id, t, v);
      const warm = n <= o.warmupSamples;
      const at = restOf(id, raw, warm);
      const s = at < 0 ? zeros : rests.data;
      const r = Math.max(at, 0); // `zeros` from its start
      const ma = average(s, r, n, raw, o.averageSamples);
      // the range before this sample widens it (learning does not touch it)
      const outside = !warm && o.rangeTolerance !== null && beyondRange(h, b, v, o.rangeTolerance);
      // the moving average outlives the incident: with currentAtLeast, a sample that is itself ordinary reports 0
      const current = o.currentAtLeast ?? null;
      const ordinary = current !== null && raw < current;
      const score = scoreOf(s, r, ma, warm, !outside && !ordinary);
      if (n > o.memberWarmupSamples && (o.freezeAt === null || score < o.freezeAt))
        learn(s, r, n - o.memberWarmupSamples, ma, o.historySamples);
      if (outside) {
        winner = 'range';
        winnerKind = v > (h[b + MAX] as number) ? 'spike' : 'dip';
        winnerZ = 0;
        rangeBand(h, b, o.rangeTolerance as number, out);
      } else pick(best, out);
      widenRange(h, b, v, n);
      out.score = suppress(s, r, outside ? 1 : ordinary ? 0 : score, o);
      out.z = winnerZ;
      out.kind = winnerKind;
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      if (winner === 'range') return `value ${fmt(v)} is outside everything this series has shown so far`;
      const range = Number.isFinite(out.expected) ? `; expected ${fmt(out.lower)}..${fmt(out.upper)}` : '';
      return `${winner} fired (surprise ${fmt(out.z)}, unusual for this series): value ${fmt(v)}${range}`;
    },
    save(id: number): unknown {
      const b = heads.find(id);
      if (b < 0 || heads.data[b + COUNT] === 0) return undefined;
      return { own: saveOwn(heads.data, b, rests, id, R), members: o.members.map((x) => x.model.save(id)) };
    },
    load(id: number, state: unknown): void {
      const st = state as { own?: unknown; members?: unknown };
      const own = expectNumbers('ensemble', 'own', st?.own, OWN + o.averageSamples);
      if (!Array.isArray(st.members) || st.members.length !== m)
        throw new TypeError('ensemble: snapshot members do not match');
      loadOwn(own, heads, rests, id);
      o.members.forEach((x, k) => {
        const saved = (st.members as unknown[])[k];
        if (saved !== undefined && saved !== null) x.model.load(id, saved);
      });
    },
    lastMember: () => winner,
  };
}

/** Pushes `raw` into the series' ring and returns the mean of the last `w` raw scores. */
function average(s: Float64Array, b: number, n: number, raw: number, w: number): number {
  const at = b + RING + ((n - 1) % w);
  const sum = (s[b + SUM] as number) + raw - (s[at] as number);
  s[at] = raw;
  s[b + SUM] = sum;
  return sum / Math.min(n, w);
}

/** The moving average's surprise against the series' floored long-run mean and variance (its likelihood's input). */
function surprise(s: Float64Array, b: number, ma: number, o: EnsembleModelOptions): number {
  const mean = Math.max(s[b + MEAN] as number, o.meanFloor);
  const sd = Math.sqrt(Math.max(s[b + VARIANCE] as number, o.varianceFloor));
  return (ma - mean) / sd;
}

/**
 * A surprise at or below which {@link likelihoodScore} is under `freezeAt` by a wide margin (-∞ when no surprise is):
 * where the score crosses `freezeAt` − 0.05, by bisection. The tail is monotone up to erfc's 1.2e-7 relative error,
 * far inside that margin, so every surprise below it scores under `freezeAt` too.
 */
function calmSurprise(freezeAt: number): number {
  const target = freezeAt - 0.05;
  let lo = -40;
  let hi = 40;
  if (!(likelihoodScore(lo) <= target)) return Number.NEGATIVE_INFINITY;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (likelihoodScore(mid) <= target) lo = mid;
    else hi = mid;
  }
  return lo;
}

function learn(s: Float64Array, b: number, n: number, ma: number, history: number): void {
  const a = Math.max(1 / history, 1 / n);
  const mean = (s[b + MEAN] as number) + a * (ma - (s[b + MEAN] as number));
  s[b + MEAN] = mean;
  s[b + VARIANCE] = (1 - a) * ((s[b + VARIANCE] as number) + a * (ma - mean) ** 2);
}

function beyondRange(s: Float64Array, b: number, v: number, tolerance: number): boolean {
  const lo = s[b + MIN] as number;
  const hi = s[b + MAX] as number;
  if (!(hi > lo)) return false;
  const slack = (hi - lo) * tolerance;
  return v > hi + slack || v < lo - slack;
}

function rangeBand(
  s: Float64Array,
  b: number,
  tolerance: number,
  into: { expected: number; lower: number; upper: number },
): void {
  const lo = s[b + MIN] as number;
  const hi = s[b + MAX] as number;
  into.expected = (lo + hi) / 2;
  into.lower = lo - (hi - lo) * tolerance;
  into.upper = hi + (hi - lo) * tolerance;
}

function widenRange(s: Float64Array, b: number, v: number, n: number): void {
  if (n === 1 || v < (s[b + MIN] as number)) s[b + MIN] = v;
  if (n === 1 || v > (s[b + MAX] as number)) s[b + MAX] = v;
}

/** One alert per episode: a high score opens a quiet period during which scores are 0. */
function suppress(s: Float64Array, b: number, score: number, o: EnsembleModelOptions): number {
  const quiet = s[b + QUIET] as number;
  if (quiet > 0) {
    s[b + QUIET] = quiet - 1;
    return 0;
  }
  if (score >= o.suppressAt) s[b + QUIET] = o.suppressSamples;
  return score;
}

/** Upper Gaussian tail p of a standardised surprise on a log scale, `log(p + 1e-10)/log(1e-10)`: 0 at p = 1, 1 at p ≈ 0. */
export function likelihoodScore(z: number): number {
  if (Number.isNaN(z)) return 0;
  const p = 0.5 * erfc(z / Math.SQRT2);
  return Math.max(0, Math.min(1, Math.log(p + 1e-10) / LOG_EPS));
}
