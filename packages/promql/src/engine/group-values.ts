// A group's running value under each aggregation operator (Prometheus 2.42's promql/engine.go aggregation()):
// started by its first sample, updated by each further one, read once at the end.
import { quantile } from '../functions/stats.js';
import type { Labels } from '../queryable.js';
import type { Sample } from './values.js';

export interface Group {
  readonly metric: Labels;
  value: number;
  mean: number;
  count: number;
  readonly samples: Sample[];
}

/** A group started by its first sample. */
export function newGroup(op: string, metric: Labels, v: number, samples: Sample[]): Group {
  return { metric, value: op === 'stddev' || op === 'stdvar' ? 0 : v, mean: v, count: 1, samples };
}

/** Adds a further sample's value to its group. */
export function accumulate(op: string, g: Group, v: number): void {
  switch (op) {
    case 'sum':
      g.value += v;
      break;
    case 'avg':
      g.count++;
      // An infinite mean stays as it is under finite values and the same infinity (Prometheus 2.42).
      if (isInf(g.mean) && ((isInf(v) && g.mean > 0 === v > 0) || Number.isFinite(v))) break;
      g.mean += v / g.count - g.mean / g.count;
      break;
    case 'count':
    case 'group':
      g.count++;
      break;
    case 'max':
      if (g.value < v || Number.isNaN(g.value)) g.value = v;
      break;
    case 'min':
      if (g.value > v || Number.isNaN(g.value)) g.value = v;
      break;
    case 'stddev':
    case 'stdvar': {
      // Welford's update from the first sample as mean, as 2.42 does (one -Inf sample gives 0, not NaN).
      g.count++;
      const delta = v - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (v - g.mean);
      break;
    }
  }
}

const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

/** The group's value under `op` once every sample is in (`param`: quantile's). */
export function finish(op: string, g: Group, param: number): number {
  switch (op) {
    case 'avg':
      return g.mean;
    case 'count':
      return g.count;
    case 'group':
      return 1;
    case 'stdvar':
      return g.value / g.count;
    case 'stddev':
      return Math.sqrt(g.value / g.count);
    case 'quantile':
      return quantile(
        param,
        g.samples.map((s) => s.v),
      );
    default:
      return g.value;
  }
}
