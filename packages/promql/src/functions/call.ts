// Function calls: evaluates the arguments and applies one of Prometheus 2.42's functions.

import type { Operands } from '../engine/operands.js';
import { allPoints, dropName, type Points, type Sample, type Series, type Value } from '../engine/values.js';
import type { Call, Expr, Matcher } from '../parser/ast.js';
import { PromQLEvalError } from '../parser/errors.js';
import type { Labels } from '../queryable.js';
import { histogramQuantile } from './histogram.js';
import { labelJoiner, labelReplacer } from './labels.js';
import { OVER_TIME } from './over-time.js';
import {
  deriv,
  extrapolatedRate,
  holtWinters,
  instantValue,
  predictLinear,
  type RangeWindow,
} from './rate.js';
import { DATE_FUNCTIONS, ELEMENTWISE, round } from './simple.js';

const vec = (samples: Sample[]): Value => ({ type: 'vector', samples });

/** Evaluates a function call at `t`. */
export function callFunction(ev: Operands, e: Call, t: number): Value {
  const f = e.func;
  const el = ELEMENTWISE.get(f);
  if (el) return vec(ev.vector(e.args[0]!, t).map((s) => ({ metric: dropName(s.metric), v: el(s.v), t })));
  const date = DATE_FUNCTIONS.get(f);
  if (date) {
    const input = e.args[0] ? ev.vector(e.args[0], t) : [{ metric: {}, v: t / 1000, t }];
    return vec(
      input.map((s) => ({ metric: dropName(s.metric), v: date(new Date(Math.floor(s.v) * 1000)), t })),
    );
  }
  const rc = rangeCall(ev, e);
  if (rc) return rangeFunction(ev, rc, t);
  const other = OTHER[f];
  if (!other) throw new PromQLEvalError(`function "${f}" is not supported`);
  return other(ev, e, t);
}

/**
 * A function of one range-vector argument that gives one value per series window: rate and its kin, the
 * `*_over_time` functions, changes, resets. Separated from the selection of the windows so that a range query
 * can slide the windows over all its steps at once (engine/range-calls.ts).
 */
export interface RangeCall {
  /** The range-vector argument (a matrix selector or a subquery, maybe in parentheses). */
  readonly arg: Expr;
  /** Whether the output keeps `__name__` (only last_over_time). */
  readonly keepName: boolean;
  /** Whether `value` reads counter resets (rate, increase): then Points may carry their prefix counts. */
  readonly counter?: boolean;
  /** The scalar arguments at `t`, evaluated once per step. */
  params(t: number): readonly number[];
  /** The value of one series' window, or undefined for no sample. */
  value(p: Points, w: RangeWindow, t: number, params: readonly number[]): number | undefined;
}

type RangeFn = (p: Points, w: RangeWindow, t: number, params: readonly number[]) => number | undefined;

const RANGE_FUNCTIONS: Record<string, RangeFn> = {
  rate: (p, w) => extrapolatedRate(p, w, true, true),
  increase: (p, w) => extrapolatedRate(p, w, true, false),
  delta: (p, w) => extrapolatedRate(p, w, false, false),
  irate: (p) => instantValue(p, true),
  idelta: (p) => instantValue(p, false),
  deriv: (p) => deriv(p),
  predict_linear: (p, _w, t, [seconds]) => predictLinear(p, t, seconds!),
  holt_winters: (p, _w, _t, [sf, tf]) => holtWinters(p, sf!, tf!),
};

const NO_PARAMS: readonly number[] = [];

/** The RangeCall of `e`, or undefined when `e` is not such a function. */
export function rangeCall(ev: Operands, e: Call): RangeCall | undefined {
  const f = e.func;
  const agg = OVER_TIME.get(f);
  if (agg) {
    const isQ = f === 'quantile_over_time';
    return {
      arg: e.args[isQ ? 1 : 0]!,
      keepName: f === 'last_over_time',
      params: isQ ? (t) => [ev.scalar(e.args[0]!, t)] : () => NO_PARAMS,
      value: isQ ? (p, _w, _t, [q]) => agg(p, q) : (p) => agg(p),
    };
  }
  const fn = RANGE_FUNCTIONS[f];
  if (!fn) return undefined;
  const scalars = e.args.slice(1);
  return {
    arg: e.args[0]!,
    keepName: false,
    counter: f === 'rate' || f === 'increase',
    params: scalars.length === 0 ? () => NO_PARAMS : (t) => scalars.map((a) => ev.scalar(a, t)),
    value: fn,
  };
}

/** The series of a range-vector argument and the window they were read over. */
function rangeArg(ev: Operands, arg: Expr, t: number): { series: Series[]; window: RangeWindow } {
  const a = unwrap(arg);
  if (a.type === 'matrix') {
    const end = ev.atTime(a.vector.at, t) - a.vector.offsetMs;
    return { series: ev.matrixSelector(a, t), window: { end, range: a.rangeMs } };
  }
  if (a.type === 'subquery') {
    const end = ev.atTime(a.at, t) - a.offsetMs;
    return { series: ev.subquery(a, t), window: { end, range: a.rangeMs } };
  }
  throw new PromQLEvalError('expected a range vector');
}

/** Unwraps parentheses. */
export function unwrap(e: Expr): Expr {
  return e.type === 'paren' ? unwrap(e.expr) : e;
}

function rangeFunction(ev: Operands, rc: RangeCall, t: number): Value {
  const params = rc.params(t);
  const { series, window } = rangeArg(ev, rc.arg, t);
  const out: Sample[] = [];
  for (const s of series) {
    const v = rc.value(allPoints(s), window, t, params);
    if (v !== undefined) out.push({ metric: rc.keepName ? s.metric : dropName(s.metric), v, t });
  }
  return vec(out);
}

type Other = (ev: Operands, e: Call, t: number) => Value;

const OTHER: Record<string, Other> = {
  time: (_ev, _e, t) => ({ type: 'scalar', v: t / 1000 }),
  pi: () => ({ type: 'scalar', v: Math.PI }),
  scalar: (ev, e, t) => {
    const v = ev.vector(e.args[0]!, t);
    return { type: 'scalar', v: v.length === 1 ? v[0]!.v : Number.NaN };
  },
  vector: (ev, e, t) => vec([{ metric: {}, v: ev.scalar(e.args[0]!, t), t }]),
  timestamp: (ev, e, t) => {
    const arg = unwrap(e.args[0]!);
    // Only a selector's samples keep their own time; anything computed is at the evaluation time.
    const samples = ev.vector(arg, t);
    const own = arg.type === 'vector';
    return vec(samples.map((s) => ({ metric: dropName(s.metric), v: (own ? s.t : t) / 1000, t })));
  },
  absent: (ev, e, t) =>
    ev.vector(e.args[0]!, t).length > 0 ? vec([]) : vec([{ metric: absentLabels(e.args[0]!), v: 1, t }]),
  absent_over_time: (ev, e, t) => {
    const { series } = rangeArg(ev, e.args[0]!, t);
    return series.length > 0 ? vec([]) : vec([{ metric: absentLabels(e.args[0]!), v: 1, t }]);
  },
  clamp: (ev, e, t) => {
    const min = ev.scalar(e.args[1]!, t);
    const max = ev.scalar(e.args[2]!, t);
    if (max < min) return vec([]);
    return mapValues(ev, e, t, (v) => Math.max(min, Math.min(max, v)));
  },
  clamp_max: (ev, e, t) => {
    const max = ev.scalar(e.args[1]!, t);
    return mapValues(ev, e, t, (v) => Math.min(max, v));
  },
  clamp_min: (ev, e, t) => {
    const min = ev.scalar(e.args[1]!, t);
    return mapValues(ev, e, t, (v) => Math.max(min, v));
  },
  round: (ev, e, t) => {
    const to = e.args[1] ? ev.scalar(e.args[1], t) : 1;
    return mapValues(ev, e, t, (v) => round(v, to));
  },
  sort: (ev, e, t) => vec(sortSamples(ev.vector(e.args[0]!, t), 1)),
  sort_desc: (ev, e, t) => vec(sortSamples(ev.vector(e.args[0]!, t), -1)),
  histogram_quantile: (ev, e, t) =>
    vec(histogramQuantile(ev.scalar(e.args[0]!, t), ev.vector(e.args[1]!, t), t)),
  // Native histograms are out of scope: classic (float) samples give these functions nothing, as in 2.42.
  histogram_count: () => vec([]),
  histogram_sum: () => vec([]),
  histogram_fraction: () => vec([]),
  label_replace: (ev, e, t) => {
    const [dst, repl, src, re] = e.args.slice(1).map((a) => str(ev, a, t));
    const f = labelReplacer(dst!, repl!, src!, re!);
    return vec(ev.vector(e.args[0]!, t).map((s) => ({ metric: f(s.metric), v: s.v, t })));
  },
  label_join: (ev, e, t) => {
    const [dst, sep, ...srcs] = e.args.slice(1).map((a) => str(ev, a, t));
    const f = labelJoiner(dst!, sep!, srcs);
    return vec(ev.vector(e.args[0]!, t).map((s) => ({ metric: f(s.metric), v: s.v, t })));
  },
};

function str(ev: Operands, e: Expr, t: number): string {
  const v = ev.eval(e, t);
  if (v.type !== 'string') throw new PromQLEvalError('expected a string');
  return v.s;
}

function mapValues(ev: Operands, e: Call, t: number, f: (v: number) => number): Value {
  return vec(ev.vector(e.args[0]!, t).map((s) => ({ metric: dropName(s.metric), v: f(s.v), t })));
}

/** Ascending (dir 1) or descending (-1) by value; NaN last either way. */
function sortSamples(samples: Sample[], dir: 1 | -1): Sample[] {
  return [...samples].sort((a, b) => {
    if (Number.isNaN(a.v) || Number.isNaN(b.v)) return Number.isNaN(a.v) ? (Number.isNaN(b.v) ? 0 : 1) : -1;
    return dir * (a.v - b.v);
  });
}

/** The labels absent() reports: the selector's equality matchers (a label matched twice is left out). */
function absentLabels(arg: Expr): Labels {
  const a = unwrap(arg);
  const matchers: readonly Matcher[] =
    a.type === 'vector' ? a.matchers : a.type === 'matrix' ? a.vector.matchers : [];
  const out: Record<string, string> = {};
  const dup = new Set<string>();
  for (const m of matchers) {
    if (m.name === '__name__') continue;
    if (m.op === '=' && !dup.has(m.name) && out[m.name] === undefined) out[m.name] = m.value;
    else if (m.op === '=' || out[m.name] !== undefined) {
      dup.add(m.name);
      delete out[m.name];
    }
  }
  return out;
}
