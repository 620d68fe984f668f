// rate/increase/delta with Prometheus 2.42's extrapolation, irate/idelta, deriv, predict_linear, holt_winters.
// Each reads one window of a series in place (Points), so a range query can slide it over all steps.

import type { Points } from '../engine/values.js';
import { PromQLEvalError } from '../parser/errors.js';
import { linearRegression } from './stats.js';

/** The window a range-vector argument covered: its end (ms) and length (ms). */
export interface RangeWindow {
  readonly end: number;
  readonly range: number;
}

/** rate (isRate), increase (isCounter) and delta (neither) of one series, extrapolated to the window. */
export function extrapolatedRate(
  p: Points,
  w: RangeWindow,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const { ts, vs, lo, hi } = p;
  const n = hi - lo;
  if (n < 2) return undefined;
  const first = vs[lo]!;
  let result = vs[hi - 1]! - first;
  // no reset in the window (the prefix counts agree) and a first value ≥ 0: the scan below would add nothing
  if (isCounter && (p.resets === undefined || first < 0 || p.resets[hi - 1] !== p.resets[lo])) {
    let last = 0;
    for (let i = lo; i < hi; i++) {
      const v = vs[i]!;
      if (v < last) result += last;
      last = v;
    }
  }
  const rangeStart = w.end - w.range;
  let toStart = (ts[lo]! - rangeStart) / 1000;
  const toEnd = (w.end - ts[hi - 1]!) / 1000;
  const sampled = (ts[hi - 1]! - ts[lo]!) / 1000;
  const avgStep = sampled / (n - 1);
  if (isCounter && result > 0 && first >= 0) {
    const toZero = sampled * (first / result);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = avgStep * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : avgStep / 2;
  interval += toEnd < threshold ? toEnd : avgStep / 2;
  // One factor, as 2.42 computes it (the order of the float operations shows in the last bit).
  let factor = interval / sampled;
  if (isRate) factor /= w.range / 1000;
  return result * factor;
}

/** irate (isRate) and idelta: from the last two samples. */
export function instantValue(p: Points, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = p;
  if (hi - lo < 2) return undefined;
  const last = vs[hi - 1]!;
  const prev = vs[hi - 2]!;
  const result = isRate && last < prev ? last : last - prev;
  const dt = ts[hi - 1]! - ts[hi - 2]!;
  if (dt === 0) return undefined;
  return isRate ? result / (dt / 1000) : result;
}

/** deriv: per-second slope of a least-squares fit. */
export function deriv(p: Points): number | undefined {
  if (p.hi - p.lo < 2) return undefined;
  return linearRegression(p, p.ts[p.lo]!)[0];
}

/** predict_linear: the fitted value `seconds` after the evaluation time. */
export function predictLinear(p: Points, t: number, seconds: number): number | undefined {
  if (p.hi - p.lo < 2) return undefined;
  const [slope, intercept] = linearRegression(p, t);
  return slope * seconds + intercept;
}

/** holt_winters: double exponential smoothing with smoothing factor sf and trend factor tf. */
export function holtWinters(p: Points, sf: number, tf: number): number | undefined {
  if (!(sf > 0 && sf < 1))
    throw new PromQLEvalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf}`);
  if (!(tf > 0 && tf < 1))
    throw new PromQLEvalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf}`);
  const { vs, lo, hi } = p;
  if (hi - lo < 2) return undefined;
  let s0 = 0;
  let s1 = vs[lo]!;
  let b = vs[lo + 1]! - vs[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const x = sf * vs[i]!;
    if (i > lo + 1) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}
