import { expectNumbers, fmt, type Model } from '../model.js';
import { type PointOut, scaleFloor, scoreFromZ } from '../util/score.js';
import { seriesSlots } from '../util/slots.js';

/** Options of {@link arModel}. */
export interface ArModelOptions {
  /** Number of past values the next one is predicted from (AR order p). */
  readonly order: number;
  /** Recursive-least-squares forgetting factor (0 < λ ≤ 1): older samples weigh λ^age. */
  readonly forgetting: number;
  /** Weight of each sample in the slow mean/variance that normalises the series before fitting. */
  readonly alpha: number;
  /** Weight of each sample in the residual variance. */
  readonly residualAlpha: number;
  /** Residuals are clipped to this many standard deviations before they update anything (after warm-up). */
  readonly clipSigma: number;
  readonly warmupSamples: number;
  readonly zHalf: number;
  readonly bandSigma: number;
}

// Per series: count, mean, variance, residual variance, then p past values (raw), p+1 coefficients, (p+1)² inverse covariance.
const HEAD = 4;
const P0 = 100;
// Bounds the inverse covariance on series that stop exciting a direction (constant series): without it, dividing by
// λ every sample grows it as λ^-n and overflows within a few hundred thousand samples.
const MAX_TRACE_PER_DIM = 1e4;
// Samples the normaliser sees before fitting starts: with one or two samples its variance is ~0 and would blow the
// normalised values up by orders of magnitude.
const FIT_AFTER = 10;

/**
 * One-step-ahead prediction from the last `order` values: an AR(p) model with intercept, fitted online by recursive
 * least squares with forgetting on the series normalised by a slow mean/variance, scored by the prediction residual's
 * robust z. Catches what a level baseline misses: a break in the series' usual dynamics (a jump against the recent
 * direction, a change of oscillation). Cost O(p²) per point; memory 4 + p + (p+1) + (p+1)² doubles per series.
 */
export function arModel(o: ArModelOptions): Model {
  const p = o.order;
  const d = p + 1;
  const F = HEAD + p + d + d * d;
  const x = new Float64Array(d);
  const k = new Float64Array(d);
  const slots = seriesSlots(F);
  return {
    update(id: number, _t: number, v: number, out: PointOut): number {
      const b = slots.begin(id, v, out);
      if (b < 0) return 0;
      const s = slots.data;
      const n = (s[b] as number) + 1;
      s[b] = n;
      const mu = s[b + 1] as number;
      const sd0 = Math.sqrt(s[b + 2] as number) + scaleFloor(mu);
      if (n === 1) {
        s[b + 1] = v;
        resetP(s, b, p, d);
      }
      const y = n === 1 ? 0 : (v - mu) / sd0;
      const pred = predict(s, b, p, d, x, mu, sd0);
      const r = Number.isFinite(pred) ? y - pred : 0;
      const rsd = Math.sqrt(s[b + 3] as number) + 1e-9;
      const warm = n <= o.warmupSamples;
      const rc = warm ? r : Math.max(-o.clipSigma * rsd, Math.min(o.clipSigma * rsd, r));
      if (n > FIT_AFTER + p) {
        rls(s, b, p, d, x, k, rc, o.forgetting);
        const ra = Math.max(o.residualAlpha, 1 / (n - FIT_AFTER - p));
        s[b + 3] = (1 - ra) * ((s[b + 3] as number) + ra * rc * rc);
      }
      // An outlier enters the lags clipped, so one spike does not spoil the next p predictions.
      shiftLags(s, b, p, warm ? v : mu + sd0 * (pred + rc));
      normaliser(s, b, n, v, mu, sd0, warm, o);
      if (warm) return 0;
      const expected = mu + sd0 * pred;
      out.expected = expected;
      out.lower = expected - o.bandSigma * rsd * sd0;
      out.upper = expected + o.bandSigma * rsd * sd0;
      out.kind = r >= 0 ? 'spike' : 'dip';
      out.z = Math.abs(r) / rsd;
      out.score = scoreFromZ(out.z, o.zHalf);
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      return `value ${fmt(v)} is ${fmt(out.z)} standard deviations from its one-step prediction ${fmt(out.expected)} from the last ${p} values (expected ${fmt(out.lower)}..${fmt(out.upper)})`;
    },
    save(id: number): unknown {
      // a series whose count is 0 was only grown into, never fed
      const b = slots.find(id);
      return b < 0 || slots.data[b] === 0 ? undefined : slots.save(id);
    },
    load(id: number, state: unknown): void {
      slots.load(id, expectNumbers('ar', 'state', state, F));
    },
  };
}

/** Fresh series: the inverse covariance starts as a large multiple of the identity (a vague prior). */
function resetP(s: Float64Array, b: number, p: number, d: number): void {
  const pb = b + HEAD + p + d;
  for (let i = 0; i < d; i++) s[pb + i * d + i] = P0;
}

/** Fills the regressor `x` = [1, y(t-1) … y(t-p)] (past values normalised now) and returns the prediction θ·x. */
function predict(
  s: Float64Array,
  b: number,
  p: number,
  d: number,
  x: Float64Array,
  mu: number,
  sd: number,
): number {
  const lb = b + HEAD;
  const tb = lb + p;
  x[0] = 1;
  for (let i = 0; i < p; i++) x[i + 1] = ((s[lb + i] as number) - mu) / sd;
  let pred = 0;
  for (let i = 0; i < d; i++) pred += (s[tb + i] as number) * (x[i] as number);
  return pred;
}

/** One recursive-least-squares step with forgetting λ on residual `r`; P is symmetric, so only i ≤ j is computed. */
function rls(
  s: Float64Array,
  b: number,
  p: number,
  d: number,
  x: Float64Array,
  k: Float64Array,
  r: number,
  lambda: number,
): void {
  const tb = b + HEAD + p;
  const pb = tb + d;
  let den = lambda;
  for (let i = 0; i < d; i++) {
    let acc = 0;
    const row = pb + i * d;
    for (let j = 0; j < d; j++) acc += (s[row + j] as number) * (x[j] as number);
    k[i] = acc;
    den += (x[i] as number) * acc;
  }
  // xᵀPx < 0 or overflow: P lost positive definiteness (rounding on long runs); start the fit again.
  if (!(den >= lambda && den < Number.POSITIVE_INFINITY)) {
    s.fill(0, tb, pb + d * d);
    resetP(s, b, p, d);
    return;
  }
  const inv = 1 / den;
  let trace = 0;
  for (let i = 0; i < d; i++) {
    const ki = k[i] as number;
    s[tb + i] = (s[tb + i] as number) + ki * inv * r;
    trace += (s[pb + i * d + i] as number) - ki * ki * inv;
  }
  const scale = trace < MAX_TRACE_PER_DIM * d ? 1 / lambda : 1;
  for (let i = 0; i < d; i++) {
    const ki = (k[i] as number) * inv;
    const row = pb + i * d;
    for (let j = i; j < d; j++) {
      const v = ((s[row + j] as number) - ki * (k[j] as number)) * scale;
      s[row + j] = v;
      s[pb + j * d + i] = v;
    }
  }
}

function shiftLags(s: Float64Array, b: number, p: number, y: number): void {
  const lb = b + HEAD;
  for (let i = p - 1; i > 0; i--) s[lb + i] = s[lb + i - 1] as number;
  s[lb] = y;
}

/** Slow, clipped mean/variance used to normalise the series (plain running mean during warm-up). */
function normaliser(
  s: Float64Array,
  b: number,
  n: number,
  v: number,
  mu: number,
  sd0: number,
  warm: boolean,
  o: ArModelOptions,
): void {
  if (n === 1) return;
  const a = Math.max(o.alpha, 1 / n);
  const dv = warm ? v - mu : Math.max(-o.clipSigma * sd0, Math.min(o.clipSigma * sd0, v - mu));
  s[b + 1] = mu + a * dv;
  s[b + 2] = (1 - a) * ((s[b + 2] as number) + a * dv * dv);
}
