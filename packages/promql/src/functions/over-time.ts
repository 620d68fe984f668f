// The *_over_time functions, changes and resets, over one window of a series' points (Prometheus 2.42).
import type { Points } from '../engine/values.js';
import { kahanInc, quantile } from './stats.js';

const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

type OverTime = (p: Points, q?: number) => number;

/** Aggregations over time by name; each gets one window of a series and returns one value. */
export const OVER_TIME: ReadonlyMap<string, OverTime> = new Map<string, OverTime>([
  ['avg_over_time', avgOverTime],
  ['count_over_time', (p) => p.hi - p.lo],
  ['sum_over_time', sum],
  ['max_over_time', (p) => extreme(p, (v, m) => v > m)],
  ['min_over_time', (p) => extreme(p, (v, m) => v < m)],
  ['last_over_time', (p) => p.vs[p.hi - 1]!],
  ['present_over_time', () => 1],
  ['stdvar_over_time', (p) => variance(p)],
  ['stddev_over_time', (p) => Math.sqrt(variance(p))],
  ['quantile_over_time', (p, q) => quantile(q ?? Number.NaN, p.vs.slice(p.lo, p.hi))],
  ['changes', changes],
  ['resets', resets],
]);

// A plain sum: 2.42 does not compensate sum_over_time (its tests expect Inf, not the NaN Kahan would give).
function sum({ vs, lo, hi }: Points): number {
  let s = 0;
  for (let i = lo; i < hi; i++) s += vs[i]!;
  return s;
}

/** The first value replaced by any that beats it; a NaN so far is always replaced. */
function extreme({ vs, lo, hi }: Points, beats: (v: number, m: number) => boolean): number {
  let m = vs[lo]!;
  for (let i = lo + 1; i < hi; i++) if (beats(vs[i]!, m) || Number.isNaN(m)) m = vs[i]!;
  return m;
}

function avgOverTime({ vs, lo, hi }: Points): number {
  let mean = 0;
  let c = 0;
  let count = 0;
  for (let i = lo; i < hi; i++) {
    const v = vs[i]!;
    count++;
    if (isInf(mean)) {
      if (isInf(v) && mean > 0 === v > 0) continue;
      if (!isInf(v) && !Number.isNaN(v)) continue;
    }
    [mean, c] = kahanInc(v / count - mean / count, mean, c);
  }
  return isInf(mean) ? mean : mean + c;
}

function variance({ vs, lo, hi }: Points): number {
  let count = 0;
  let [mean, cMean, aux, cAux] = [0, 0, 0, 0];
  for (let i = lo; i < hi; i++) {
    const v = vs[i]!;
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanInc(delta / count, mean, cMean);
    [aux, cAux] = kahanInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function changes({ vs, lo, hi }: Points): number {
  let n = 0;
  for (let i = lo + 1; i < hi; i++) {
    const a = vs[i - 1]!;
    const b = vs[i]!;
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
  }
  return n;
}

function resets({ vs, lo, hi }: Points): number {
  let n = 0;
  for (let i = lo + 1; i < hi; i++) if (vs[i]! < vs[i - 1]!) n++;
  return n;
}
