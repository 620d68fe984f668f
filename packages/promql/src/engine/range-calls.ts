// Range functions over every step of a block at once. Step by step, `rate(x[5m])` re-selects each series'
// window with two binary searches and allocates views at every step; here each series is walked once with a
// window that slides forward step by step (its ends only ever move right), so a range query costs one pass
// over each series' samples plus the function itself per window. The results are handed to the evaluator,
// which returns them when the step loop reaches the call; anything not covered falls back to step by step.
import { type RangeCall, rangeCall, unwrap } from '../functions/call.js';
import type { RangeWindow } from '../functions/rate.js';
import type { Aggregate, Call, Expr, MatrixSelector, Subquery, VectorSelector } from '../parser/ast.js';
import type { Labels } from '../queryable.js';
import type { TimeSlice } from '../time-slice.js';
import { foldInSlices, groupInSlices, unwrapParens } from './aggregate.js';
import type { FetchedSeries } from './fetch.js';
import type { Operands } from './operands.js';
import { dropName, type Floats, labelsKey, type Sample } from './values.js';

/** The steps of one block of a range query. */
export interface Steps {
  readonly from: number;
  readonly to: number;
  readonly step: number;
}

/** The evaluator's side: its operands, the fetched series of a selector, and where results go. */
export interface RangeCallHost extends Operands {
  fetched(m: VectorSelector): readonly FetchedSeries[];
  readonly lookbackMs: number;
  setPrecomputed(e: Call | VectorSelector, columns: StepColumns): void;
  /** What setPrecomputed holds for `e`, if anything. */
  precomputedFor(e: Expr): StepColumns | undefined;
  /** Evaluates a subquery's inner steps for every outer step of `steps` ahead, with checkpoints between them. */
  fillSubquery(e: Subquery, steps: Steps, slice: TimeSlice): Promise<void>;
}

/**
 * Computes every range-function call over a matrix selector in `expr` (outside subqueries, whose inner steps
 * are other times) for all of `steps`, yielding to the event loop between series. Then, with checkpoints
 * between chunks too, it groups the input series of aggregations over what was computed (grouping label sets
 * is what costs in one step's aggregation over many series; the steps then add into array slots) and
 * evaluates the inner steps of subqueries, so that no single step holds the event loop for long.
 */
export async function precomputeRangeCalls(
  host: RangeCallHost,
  expr: Expr,
  steps: Steps,
  slice: TimeSlice,
  signal: AbortSignal,
): Promise<void> {
  const { calls, selectors, aggregates, subqueries } = nodesIn(expr);
  for (const sel of selectors) host.setPrecomputed(sel, await selectAll(host, sel, steps, slice));
  for (const call of calls) {
    const rc = rangeCall(host, call);
    const arg = rc && unwrap(rc.arg);
    if (!rc || arg?.type !== 'matrix') continue;
    let columns: StepColumns;
    try {
      columns = await slide(host, rc, arg, steps, slice);
    } catch (err) {
      // An error (holt_winters' factors, say) is left to the step-by-step path, which raises it exactly where
      // and whether Prometheus's evaluation order does; an abort is not.
      if (signal.aborted) throw err;
      continue;
    }
    host.setPrecomputed(call, columns);
  }
  for (const agg of aggregates) {
    const input = host.precomputedFor(unwrapParens(agg.expr));
    if (!input) continue;
    await groupInSlices(host, agg, input.metrics, slice);
    // one step (an instant query): its fold over every series is all of the aggregation's work, done here in
    // slices; a range query's steps each fold between two of the step loop's checkpoints
    if (steps.from === steps.to) await foldInSlices(host, agg, steps.from, slice);
  }
  for (const sq of subqueries) {
    try {
      await host.fillSubquery(sq, steps, slice);
    } catch (err) {
      // as above: an inner step's error is raised by the step-by-step evaluation, in Prometheus's order
      if (signal.aborted) throw err;
    }
  }
}

/**
 * A call's results for all steps of a block, as columns: the value of series j at step k is
 * `values[k * metrics.length + j]` where `has` is 1. Kept as numbers, not Sample objects, because results held
 * for a whole block would outlive the young generation and make garbage collection dear; the evaluator makes
 * one step's samples when it reaches that step, and they die young.
 */
export class StepColumns {
  constructor(
    readonly steps: Steps,
    readonly metrics: readonly Labels[],
    readonly values: Float64Array,
    readonly has: Uint8Array,
    /** The samples' own times (instant selectors); without it, the step's time. */
    readonly times?: Float64Array | undefined,
  ) {}

  private uniqueMetrics: boolean | undefined;

  /** The index of step `t`, or -1 when `t` is not one of the steps. */
  stepIndex(t: number): number {
    const { from, to, step } = this.steps;
    const k = (t - from) / step;
    return !Number.isInteger(k) || t > to || k < 0 ? -1 : k;
  }

  /** Whether no two series have one label set (then no step can hold two samples with the same labels). */
  get unique(): boolean {
    if (this.uniqueMetrics === undefined) {
      const keys = new Set<string>();
      for (const m of this.metrics) keys.add(labelsKey(m));
      this.uniqueMetrics = keys.size === this.metrics.length;
    }
    return this.uniqueMetrics;
  }

  /** The samples at `t`, or undefined when `t` is not one of the steps. */
  at(t: number): Sample[] | undefined {
    const k = this.stepIndex(t);
    if (k < 0) return undefined;
    const n = this.metrics.length;
    const out: Sample[] = [];
    for (let j = 0, i = k * n; j < n; j++, i++)
      if (this.has[i])
        out.push({ metric: this.metrics[j]!, v: this.values[i]!, t: this.times ? this.times[i]! : t });
    return out;
  }
}

async function slide(
  host: RangeCallHost,
  rc: RangeCall,
  m: MatrixSelector,
  steps: Steps,
  slice: TimeSlice,
): Promise<StepColumns> {
  const times = stepTimes(steps);
  const sel = m.vector;
  const windows: RangeWindow[] = Array.from(times, (t) => ({
    end: host.atTime(sel.at, t) - sel.offsetMs,
    range: m.rangeMs,
  }));
  const params = Array.from(times, (t) => rc.params(t));
  const series = host.fetched(m.vector);
  const n = series.length;
  const values = new Float64Array(n * times.length);
  const has = new Uint8Array(n * times.length);
  const metrics: Labels[] = new Array(n);
  // rate() and increase(): counter resets counted once per series, not once per window (see Points.resets);
  // indexed as the series' arrays are, reused across series
  let resets: Int32Array | undefined;
  for (const [j, s] of series.entries()) {
    if (slice.due()) await slice.checkpoint();
    metrics[j] = rc.keepName ? s.metric : dropName(s.metric);
    // the series' samples are ts[start .. len - 1] (a part of the select's shared columns, or a copy without markers)
    const { ts, vs, lo: start, hi: len } = s.hasStale ? withoutStale(s) : s;
    if (rc.counter) {
      if (!resets || resets.length < len) resets = new Int32Array(Math.max(len, 2 * (resets?.length ?? 0)));
      let r = 0;
      resets[start] = 0;
      for (let i = start + 1; i < len; i++) {
        if (vs[i]! < vs[i - 1]!) r++;
        resets[i] = r;
      }
    }
    // The window of step k is [end - range, end], as matrixSelector selects it: lo is the first sample at
    // or after the start, hi the first after the end. Ends never decrease from one step to the next.
    const p = resets ? { ts, vs, lo: start, hi: start, resets } : { ts, vs, lo: start, hi: start };
    for (let k = 0; k < times.length; k++) {
      const w = windows[k]!;
      const mint = w.end - w.range;
      while (p.hi < len && ts[p.hi]! < w.end + 1) p.hi++;
      while (p.lo < len && ts[p.lo]! < mint) p.lo++;
      if (p.hi <= p.lo) continue;
      const v = rc.value(p, w, times[k]!, params[k]!);
      if (v === undefined) continue;
      values[k * n + j] = v;
      has[k * n + j] = 1;
    }
  }
  return new StepColumns(steps, metrics, values, has);
}

/**
 * The evaluation times of `steps`, as a Float64Array: a number[] of them was of one elements kind or another
 * (small integers or doubles, by the times' size), and the loops reading it were optimised for one and
 * deoptimised ("wrong map") on meeting the other.
 */
function stepTimes({ from, to, step }: Steps): Float64Array {
  let count = 0;
  for (let t = from; t <= to; t += step) count++;
  const times = new Float64Array(count);
  let k = 0;
  for (let t = from; t <= to; t += step) times[k++] = t;
  return times;
}

/** An instant selector at every step: each series' last sample at or before the step, within the lookback. */
async function selectAll(
  host: RangeCallHost,
  sel: VectorSelector,
  steps: Steps,
  slice: TimeSlice,
): Promise<StepColumns> {
  const times = stepTimes(steps);
  const refs = times.map((t) => host.atTime(sel.at, t) - sel.offsetMs);
  const series = host.fetched(sel);
  const n = series.length;
  const metrics: Labels[] = new Array(n);
  const values = new Float64Array(n * times.length);
  const own = new Float64Array(n * times.length);
  const has = new Uint8Array(n * times.length);
  const lookbackMs = host.lookbackMs;
  for (let j = 0; j < n; j++) {
    // one series' steps are little work when they are few: ask the clock every few series only
    if ((times.length > 8 || j % 8 === 0) && slice.due()) await slice.checkpoint();
    const s = series[j]!;
    metrics[j] = s.metric;
    const first = s.lo;
    const len = s.hi;
    let hi = first; // first sample after the reference time, as vectorSelector's lowerBound(ts, ref + 1)
    for (let k = 0; k < times.length; k++) {
      const ref = refs[k]!;
      while (hi < len && s.ts[hi]! < ref + 1) hi++;
      const i = hi - 1;
      if (i < first || s.ts[i]! < ref - lookbackMs || s.stale[i]) continue;
      values[k * n + j] = s.vs[i]!;
      own[k * n + j] = s.ts[i]!;
      has[k * n + j] = 1;
    }
  }
  // made and filled as slide's are: an Array#map result's elements kind differed between this function run
  // interpreted and optimised, and groupInSlices, which reads both functions' arrays, deoptimised on it
  return new StepColumns(steps, metrics, values, has, own);
}

function withoutStale(s: FetchedSeries): { ts: Floats; vs: Floats; lo: number; hi: number } {
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = s.lo; i < s.hi; i++) {
    if (s.stale[i]) continue;
    ts.push(s.ts[i]!);
    vs.push(s.vs[i]!);
  }
  return { ts, vs, lo: 0, hi: ts.length };
}

interface Nodes {
  calls: Call[];
  selectors: VectorSelector[];
  aggregates: Aggregate[];
  /** Subqueries outside other subqueries. */
  subqueries: Subquery[];
}

/** The calls, instant selectors and aggregations of `expr` outside subqueries (whose inner steps are other times). */
function nodesIn(e: Expr, out: Nodes = { calls: [], selectors: [], aggregates: [], subqueries: [] }): Nodes {
  switch (e.type) {
    case 'vector':
      out.selectors.push(e);
      break;
    case 'paren':
    case 'unary':
      nodesIn(e.expr, out);
      break;
    case 'binary':
      nodesIn(e.lhs, out);
      nodesIn(e.rhs, out);
      break;
    case 'aggregate':
      if (e.param) nodesIn(e.param, out);
      nodesIn(e.expr, out);
      out.aggregates.push(e);
      break;
    case 'subquery':
      out.subqueries.push(e);
      break;
    case 'call':
      for (const a of e.args) nodesIn(a, out);
      out.calls.push(e);
      break;
    default:
      break;
  }
  return out;
}
