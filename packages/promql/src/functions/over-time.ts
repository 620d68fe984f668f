// The *_over_time functions, changes and resets, over one series' points (Prometheus 2.42).
import type { Floats } from '../engine/values.js';
import { kahanInc, quantile } from './stats.js';

const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

type OverTime = (vs: Floats, q?: number) => number;

/** Aggregations over time by name; each gets the series' values and returns one value. */
export const OVER_TIME: ReadonlyMap<string, OverTime> = new Map<string, OverTime>([
  ['avg_over_time', avgOverTime],
  ['count_over_time', (vs) => vs.length],
  ['sum_over_time', sum],
  ['max_over_time', (vs) => extreme(vs, (v, m) => v > m)],
  ['min_over_time', (vs) => extreme(vs, (v, m) => v < m)],
  ['last_over_time', (vs) => vs[vs.length - 1]!],
  ['present_over_time', () => 1],
  ['stdvar_over_time', (vs) => variance(vs)],
  ['stddev_over_time', (vs) => Math.sqrt(variance(vs))],
  ['quantile_over_time', (vs, q) => quantile(q ?? Number.NaN, vs)],
  ['changes', changes],
  ['resets', resets],
]);

// A plain sum: 2.42 does not compensate sum_over_time (its tests expect Inf, not the NaN Kahan would give).
function sum(vs: Floats): number {
  let s = 0;
  for (const v of vs) s += v;
  return s;
}

/** The first value replaced by any that beats it; a NaN so far is always replaced. */
function extreme(vs: Floats, beats: (v: number, m: number) => boolean): number {
  let m = vs[0]!;
  for (let i = 1; i < vs.length; i++) if (beats(vs[i]!, m) || Number.isNaN(m)) m = vs[i]!;
  return m;
}

function avgOverTime(vs: Floats): number {
  let mean = 0;
  let c = 0;
  let count = 0;
  for (const v of vs) {
    count++;
    if (isInf(mean)) {
      if (isInf(v) && mean > 0 === v > 0) continue;
      if (!isInf(v) && !Number.isNaN(v)) continue;
    }
    [mean, c] = kahanInc(v / count - mean / count, mean, c);
  }
  return isInf(mean) ? mean : mean + c;
}

function variance(vs: Floats): number {
  let count = 0;
  let [mean, cMean, aux, cAux] = [0, 0, 0, 0];
  for (const v of vs) {
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanInc(delta / count, mean, cMean);
    [aux, cAux] = kahanInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function changes(vs: Floats): number {
  let n = 0;
  for (let i = 1; i < vs.length; i++) {
    const a = vs[i - 1]!;
    const b = vs[i]!;
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
  }
  return n;
}

function resets(vs: Floats): number {
  let n = 0;
  for (let i = 1; i < vs.length; i++) if (vs[i]! < vs[i - 1]!) n++;
  return n;
}
