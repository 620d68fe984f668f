// Evaluates an expression at one time. Each step of a range query is one call; selectors read the series
// fetched for the query beforehand (see fetch.ts), so evaluation itself never touches storage.

import { callFunction } from '../functions/call.js';
import { lowerBound } from '../memory.js';
import type { AtModifier, Call, Expr, MatrixSelector, Subquery, VectorSelector } from '../parser/ast.js';
import { PromQLEvalError } from '../parser/errors.js';
import type { Labels } from '../queryable.js';
import type { TimeSlice } from '../time-slice.js';
import { evalAggregate } from './aggregate.js';
import { evalBinary } from './binary.js';
import type { FetchedSeries } from './fetch.js';
import type { StepView } from './operands.js';
import type { RangeCallHost, StepColumns, Steps } from './range-calls.js';
import { checkUnique, dropName, labelsKey, type Sample, type Series, type Value } from './values.js';

/** What an evaluation needs besides the expression. */
export interface EvalContext {
  readonly startMs: number;
  readonly endMs: number;
  readonly lookbackMs: number;
  /** Step of subqueries written without one (`[1h:]`). */
  readonly subqueryStepMs: number;
  readonly data: ReadonlyMap<VectorSelector, readonly FetchedSeries[]>;
  readonly signal?: AbortSignal;
}

/** Evaluates expressions at given times against the fetched data. */
export class Evaluator implements RangeCallHost {
  private readonly subqueryMemo = new Map<Subquery, Map<number, Sample[]>>();
  /** Results of range-function calls computed for all steps of a block at once (range-calls.ts). */
  private readonly precomputed = new Map<Expr, StepColumns>();
  private readonly checkedMetrics = new Map<Expr, readonly Labels[]>();

  constructor(readonly ctx: EvalContext) {}

  /** The time an `@` modifier pins evaluation to (ms). */
  atTime(at: AtModifier | undefined, t: number): number {
    if (!at) return t;
    if (at.kind === 'time') return at.ms;
    return at.kind === 'start' ? this.ctx.startMs : this.ctx.endMs;
  }

  eval(e: Expr, t: number): Value {
    switch (e.type) {
      case 'number':
        return { type: 'scalar', v: e.value };
      case 'string':
        return { type: 'string', s: e.value };
      case 'paren':
        return this.eval(e.expr, t);
      case 'vector':
        return { type: 'vector', samples: this.precomputed.get(e)?.at(t) ?? this.vectorSelector(e, t) };
      case 'matrix':
        return { type: 'matrix', series: this.matrixSelector(e, t) };
      case 'subquery':
        return { type: 'matrix', series: this.subquery(e, t) };
      case 'unary':
        return this.unary(e.op, this.eval(e.expr, t));
      case 'binary':
        return evalBinary(this, e, t);
      case 'aggregate':
        return { type: 'vector', samples: evalAggregate(this, e, t) };
      case 'call': {
        const pre = this.precomputed.get(e)?.at(t);
        const out: Value = pre ? { type: 'vector', samples: pre } : callFunction(this, e, t);
        if (out.type === 'vector') this.checkUniqueOnce(e, out.samples);
        return out;
      }
    }
  }

  /** Evaluates an expression that must give an instant vector. */
  vector(e: Expr, t: number): Sample[] {
    const v = this.eval(e, t);
    if (v.type !== 'vector') throw new PromQLEvalError(`expected instant vector, got ${v.type}`);
    return v.samples;
  }

  /** Evaluates an expression that must give a scalar. */
  scalar(e: Expr, t: number): number {
    const v = this.eval(e, t);
    if (v.type !== 'scalar') throw new PromQLEvalError(`expected scalar, got ${v.type}`);
    return v.v;
  }

  get lookbackMs(): number {
    return this.ctx.lookbackMs;
  }

  fetched(sel: VectorSelector): readonly FetchedSeries[] {
    return this.ctx.data.get(sel) ?? [];
  }

  setPrecomputed(e: Call | VectorSelector, columns: StepColumns): void {
    this.precomputed.set(e, columns);
  }

  precomputedFor(e: Expr): StepColumns | undefined {
    return this.precomputed.get(e);
  }

  columnsAt(e: Expr, t: number): StepView | undefined {
    const c = this.precomputed.get(e);
    const k = c ? c.stepIndex(t) : -1;
    // a call's results may repeat a label set (rate() drops the name): eval() raises that error, step by step
    if (!c || k < 0 || (e.type === 'call' && !c.unique)) return undefined;
    return { metrics: c.metrics, values: c.values, has: c.has, offset: k * c.metrics.length };
  }

  async fillSubquery(e: Subquery, steps: Steps, slice: TimeSlice): Promise<void> {
    const memo = this.memoOf(e);
    for (let t = steps.from; t <= steps.to; t += steps.step) {
      if (slice.due()) await slice.checkpoint();
      const w = this.innerSteps(e, t);
      for (let ts = w.first; ts <= w.last; ts += w.step) {
        if (memo.has(ts)) continue;
        if (slice.due()) await slice.checkpoint();
        memo.set(ts, this.vector(e.expr, ts));
      }
    }
  }

  /** The inner steps of a subquery at outer time `t`: multiples of its step within its range. */
  private innerSteps(e: Subquery, t: number): { first: number; last: number; step: number } {
    const step = e.stepMs || this.ctx.subqueryStepMs;
    const maxt = this.atTime(e.at, t) - e.offsetMs;
    return { first: Math.ceil((maxt - e.rangeMs) / step) * step, last: maxt, step };
  }

  private memoOf(e: Subquery): Map<number, Sample[]> {
    let memo = this.subqueryMemo.get(e);
    if (!memo) this.subqueryMemo.set(e, (memo = new Map()));
    return memo;
  }

  vectorSelector(e: VectorSelector, t: number): Sample[] {
    const ref = this.atTime(e.at, t) - e.offsetMs;
    const out: Sample[] = [];
    for (const s of this.ctx.data.get(e) ?? []) {
      const i = lowerBound(s.ts, ref + 1, s.lo, s.hi) - 1;
      if (i < s.lo) continue;
      const ts = s.ts[i]!;
      const v = s.vs[i]!;
      if (ts < ref - this.ctx.lookbackMs || s.stale[i]) continue;
      out.push({ metric: s.metric, v, t: ts });
    }
    return out;
  }

  matrixSelector(e: MatrixSelector, t: number): Series[] {
    const vs = e.vector;
    const maxt = this.atTime(vs.at, t) - vs.offsetMs;
    const mint = maxt - e.rangeMs;
    const out: Series[] = [];
    for (const s of this.ctx.data.get(vs) ?? []) {
      const lo = lowerBound(s.ts, mint, s.lo, s.hi);
      const hi = lowerBound(s.ts, maxt + 1, lo, s.hi);
      if (hi <= lo) continue;
      if (!s.hasStale) {
        // No markers to skip: views into the fetched arrays, no copies.
        out.push({ metric: s.metric, ts: s.ts.subarray(lo, hi), vs: s.vs.subarray(lo, hi) });
        continue;
      }
      const ts: number[] = [];
      const values: number[] = [];
      for (let i = lo; i < hi; i++) {
        if (s.stale[i]) continue;
        ts.push(s.ts[i]!);
        values.push(s.vs[i]!);
      }
      if (ts.length > 0) out.push({ metric: s.metric, ts, vs: values });
    }
    return out;
  }

  subquery(e: Subquery, t: number): Series[] {
    const w = this.innerSteps(e, t);
    const bySeries = new Map<string, { metric: Labels; ts: number[]; vs: number[] }>();
    // Inner steps are aligned to multiples of the step, so consecutive outer steps share most of them; like
    // Prometheus, which evaluates a subquery's whole range at once, the inner results are kept for the query
    // (filled ahead, with yields between inner steps, by fillSubquery where the subquery is not nested).
    const memo = this.memoOf(e);
    for (let ts = w.first; ts <= w.last; ts += w.step) {
      if (this.ctx.signal?.aborted) throw new PromQLEvalError('query aborted', 'ERR_PROMQL_ABORTED');
      let inner = memo.get(ts);
      if (!inner) memo.set(ts, (inner = this.vector(e.expr, ts)));
      for (const s of inner) {
        const k = labelsKey(s.metric);
        let series = bySeries.get(k);
        if (!series) bySeries.set(k, (series = { metric: s.metric, ts: [], vs: [] }));
        series.ts.push(ts);
        series.vs.push(s.v);
      }
    }
    return [...bySeries.values()];
  }

  /**
   * checkUnique, skipped when the samples carry the very label objects (in the same order) that this call's
   * previous step was checked with: across the steps of a range query a function over a selector returns the
   * same series again and again, and comparing references is far cheaper than keying every label set.
   */
  private checkUniqueOnce(e: Expr, samples: readonly Sample[]): void {
    const prev = this.checkedMetrics.get(e);
    if (prev && prev.length === samples.length && samples.every((s, i) => s.metric === prev[i])) return;
    checkUnique(samples);
    this.checkedMetrics.set(
      e,
      samples.map((s) => s.metric),
    );
  }

  private unary(op: '-' | '+', v: Value): Value {
    if (op === '+') return v;
    if (v.type === 'scalar') return { type: 'scalar', v: -v.v };
    if (v.type !== 'vector') throw new PromQLEvalError('unary minus needs a scalar or an instant vector');
    const samples = v.samples.map((s) => ({ metric: dropName(s.metric), v: -s.v, t: s.t }));
    checkUnique(samples);
    return { type: 'vector', samples };
  }
}
