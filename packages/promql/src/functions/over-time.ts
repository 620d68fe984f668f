// The *_over_time functions, changes and resets, over one series' points (Prometheus 2.42).
import { quantile } from './stats.js';

const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

/** Aggregations over time by name; each gets the series' values and returns one value. */
export const OVER_TIME: ReadonlyMap<string, (vs: number[], q?: number) => number> = new Map<
  string,
  (vs: number[], q?: number) => number
>([
  ['avg_over_time', avgOverTime],
  ['count_over_time', (vs) => vs.length],
  ['sum_over_time', (vs) => vs.reduce((a, b) => a + b, 0)],
  ['max_over_time', (vs) => vs.reduce((m, v) => (v > m || Number.isNaN(m) ? v : m))],
  ['min_over_time', (vs) => vs.reduce((m, v) => (v < m || Number.isNaN(m) ? v : m))],
  ['last_over_time', (vs) => vs[vs.length - 1]!],
  ['present_over_time', () => 1],
  ['stdvar_over_time', (vs) => variance(vs)],
  ['stddev_over_time', (vs) => Math.sqrt(variance(vs))],
  ['quantile_over_time', (vs, q) => quantile(q ?? Number.NaN, vs)],
  ['changes', changes],
  ['resets', resets],
]);

function avgOverTime(vs: number[]): number {
  let mean = 0;
  let count = 0;
  for (const v of vs) {
    count++;
    if (isInf(mean)) {
      if (isInf(v) && mean > 0 === v > 0) continue;
      if (!isInf(v) && !Number.isNaN(v)) continue;
    }
    mean += v / count - mean / count;
  }
  return mean;
}

function variance(vs: number[]): number {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of vs) {
    count++;
    const d = v - mean;
    mean += d / count;
    m2 += d * (v - mean);
  }
  return m2 / count;
}

function changes(vs: number[]): number {
  let n = 0;
  for (let i = 1; i < vs.length; i++) {
    const a = vs[i - 1]!;
    const b = vs[i]!;
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
  }
  return n;
}

function resets(vs: number[]): number {
  let n = 0;
  for (let i = 1; i < vs.length; i++) if (vs[i]! < vs[i - 1]!) n++;
  return n;
}
