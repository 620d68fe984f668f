// Aggregation operators with Prometheus 2.42's semantics (promql/engine.go aggregation()).

import { quantile } from '../functions/stats.js';
import type { Aggregate } from '../parser/ast.js';
import { PromQLEvalError } from '../parser/errors.js';
import type { Labels } from '../queryable.js';
import { formatFloat } from './format.js';
import type { Operands } from './operands.js';
import { selectK } from './topk.js';
import { labelsKey, type Sample } from './values.js';

interface Group {
  readonly metric: Labels;
  value: number;
  mean: number;
  count: number;
  readonly samples: Sample[];
}

/** Evaluates an aggregation at `t`. */
export function evalAggregate(ev: Operands, e: Aggregate, t: number): Sample[] {
  const input = ev.vector(e.expr, t);
  let param = Number.NaN;
  let label = '';
  if (e.param) {
    const p = ev.eval(e.param, t);
    if (p.type === 'scalar') param = p.v;
    else if (p.type === 'string') label = p.s;
  }
  if (e.op === 'count_values') return countValues(e, input, label, t);
  const k = Math.trunc(param);
  if ((e.op === 'topk' || e.op === 'bottomk') && !(k >= 1)) return [];
  const groups = new Map<string, Group>();
  for (const s of input) {
    const metric = groupOf(e, s.metric);
    const key = labelsKey(metric);
    const g = groups.get(key);
    if (!g) {
      const value = e.op === 'stddev' || e.op === 'stdvar' ? 0 : s.v;
      groups.set(key, { metric, value, mean: s.v, count: 1, samples: [s] });
      continue;
    }
    accumulate(e.op, g, s);
  }
  const out: Sample[] = [];
  for (const g of groups.values()) {
    if (e.op === 'topk' || e.op === 'bottomk') out.push(...selectK(e.op, g.samples, k));
    else out.push({ metric: g.metric, v: finish(e.op, g, param), t });
  }
  return out;
}

// The same input label sets recur at every step of a range query: one group label set per input set and
// aggregation, so that the group's key (labelsKey caches by object) is computed once, not once per step.
const groupCache = new WeakMap<Aggregate, WeakMap<Labels, Labels>>();

function groupOf(e: Aggregate, l: Labels): Labels {
  let byInput = groupCache.get(e);
  if (!byInput) groupCache.set(e, (byInput = new WeakMap()));
  let g = byInput.get(l);
  if (!g) byInput.set(l, (g = groupLabels(l, e.grouping, e.without)));
  return g;
}

/** The labels a sample is grouped under: `by` keeps the listed ones, `without` drops them and the name. */
export function groupLabels(l: Labels, grouping: readonly string[], without: boolean): Labels {
  const out: Record<string, string> = {};
  if (without) {
    for (const [n, v] of Object.entries(l)) if (n !== '__name__' && !grouping.includes(n)) out[n] = v;
  } else {
    for (const n of grouping) if (l[n] !== undefined && l[n] !== '') out[n] = l[n];
  }
  return out;
}

function accumulate(op: string, g: Group, s: Sample): void {
  g.samples.push(s);
  switch (op) {
    case 'sum':
      g.value += s.v;
      break;
    case 'avg':
      g.count++;
      // An infinite mean stays as it is under finite values and the same infinity (Prometheus 2.42).
      if (isInf(g.mean) && ((isInf(s.v) && g.mean > 0 === s.v > 0) || Number.isFinite(s.v))) break;
      g.mean += s.v / g.count - g.mean / g.count;
      break;
    case 'count':
    case 'group':
      g.count++;
      break;
    case 'max':
      if (g.value < s.v || Number.isNaN(g.value)) g.value = s.v;
      break;
    case 'min':
      if (g.value > s.v || Number.isNaN(g.value)) g.value = s.v;
      break;
    case 'stddev':
    case 'stdvar': {
      // Welford's update from the first sample as mean, as 2.42 does (one -Inf sample gives 0, not NaN).
      g.count++;
      const delta = s.v - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (s.v - g.mean);
      break;
    }
  }
}

const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

function finish(op: string, g: Group, param: number): number {
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

function countValues(e: Aggregate, input: Sample[], label: string, t: number): Sample[] {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw new PromQLEvalError(`invalid label name "${label}"`);
  const counts = new Map<string, { metric: Labels; n: number }>();
  for (const s of input) {
    const metric = { ...groupOf(e, s.metric), [label]: formatFloat(s.v) };
    const key = labelsKey(metric);
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { metric, n: 1 });
  }
  return [...counts.values()].map((c) => ({ metric: c.metric, v: c.n, t }));
}
