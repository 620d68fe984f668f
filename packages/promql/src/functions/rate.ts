// rate/increase/delta with Prometheus 2.42's extrapolation, irate/idelta, deriv, predict_linear, holt_winters.

import type { Series } from '../engine/values.js';
import { PromQLEvalError } from '../parser/errors.js';
import { linearRegression } from './stats.js';

/** The window a range-vector argument covered: its end (ms) and length (ms). */
export interface RangeWindow {
  readonly end: number;
  readonly range: number;
}

/** rate (isRate), increase (isCounter) and delta (neither) of one series, extrapolated to the window. */
export function extrapolatedRate(
  s: Series,
  w: RangeWindow,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const n = s.ts.length;
  if (n < 2) return undefined;
  const first = s.vs[0]!;
  let result = s.vs[n - 1]! - first;
  if (isCounter) {
    let last = 0;
    for (const v of s.vs) {
      if (v < last) result += last;
      last = v;
    }
  }
  const rangeStart = w.end - w.range;
  let toStart = (s.ts[0]! - rangeStart) / 1000;
  const toEnd = (w.end - s.ts[n - 1]!) / 1000;
  const sampled = (s.ts[n - 1]! - s.ts[0]!) / 1000;
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
export function instantValue(s: Series, isRate: boolean): number | undefined {
  const n = s.ts.length;
  if (n < 2) return undefined;
  const last = s.vs[n - 1]!;
  const prev = s.vs[n - 2]!;
  const result = isRate && last < prev ? last : last - prev;
  const dt = s.ts[n - 1]! - s.ts[n - 2]!;
  if (dt === 0) return undefined;
  return isRate ? result / (dt / 1000) : result;
}

/** deriv: per-second slope of a least-squares fit. */
export function deriv(s: Series): number | undefined {
  if (s.ts.length < 2) return undefined;
  return linearRegression(s.ts, s.vs, s.ts[0]!)[0];
}

/** predict_linear: the fitted value `seconds` after the evaluation time. */
export function predictLinear(s: Series, t: number, seconds: number): number | undefined {
  if (s.ts.length < 2) return undefined;
  const [slope, intercept] = linearRegression(s.ts, s.vs, t);
  return slope * seconds + intercept;
}

/** holt_winters: double exponential smoothing with smoothing factor sf and trend factor tf. */
export function holtWinters(s: Series, sf: number, tf: number): number | undefined {
  if (!(sf > 0 && sf < 1))
    throw new PromQLEvalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf}`);
  if (!(tf > 0 && tf < 1))
    throw new PromQLEvalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf}`);
  const n = s.vs.length;
  if (n < 2) return undefined;
  let s0 = 0;
  let s1 = s.vs[0]!;
  let b = s.vs[1]! - s.vs[0]!;
  for (let i = 1; i < n; i++) {
    const x = sf * s.vs[i]!;
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}
