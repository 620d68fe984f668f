// The query API: instant and range queries over a Queryable, bounded by a sample limit, a timeout and a signal.
import type { Expr } from '../parser/ast.js';
import { PromQLEvalError } from '../parser/errors.js';
import { typeOf } from '../parser/typecheck.js';
import type { Labels, Queryable } from '../queryable.js';
import { defaultScheduler, type Scheduler, TimeSlice } from '../time-slice.js';
import { Evaluator } from './evaluator.js';
import { fetchSelectors, releaseSelectors, tooManySamples } from './fetch.js';
import { cachedParser } from './parse-cache.js';
import { querySignal } from './query-signal.js';
import { precomputeRangeCalls } from './range-calls.js';
import { sortByLabels } from './sort-in-slices.js';
import { labelsKey, type Sample, type Value } from './values.js';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  readonly queryable: Queryable;
  /** How far back an instant selector looks for a sample (Prometheus's `--query.lookback-delta`). @default 300000 */
  readonly lookbackDeltaMs?: number;
  /** Most samples a query may load (Prometheus's `--query.max-samples`). @default 50000000 */
  readonly maxSamples?: number;
  /** Step of subqueries written without one (Prometheus's evaluation interval). @default 60000 */
  readonly subqueryStepMs?: number;
  /** A query running longer fails (Prometheus's `--query.timeout`). @default 120000 */
  readonly timeoutMs?: number;
  /**
   * How queries share the host's event loop: between chunks of work (series read, sorted, grouped; inner
   * steps of subqueries; steps of a range query) the engine yields when this says so.
   * @default yield with setImmediate after 2 ms of work
   */
  readonly scheduler?: Scheduler;
}

/** Per-query options. */
export interface QueryOptions {
  readonly signal?: AbortSignal;
}

/** The result of a query, in the shapes of Prometheus's HTTP API. */
export type QueryResult = (
  | { readonly resultType: 'scalar'; readonly result: readonly [number, number] }
  | { readonly resultType: 'string'; readonly result: readonly [number, string] }
  | { readonly resultType: 'vector'; readonly result: readonly InstantSample[] }
  | { readonly resultType: 'matrix'; readonly result: readonly RangeSeriesResult[] }
) & {
  /** What the Queryable could not read (e.g. history held only as rollups); absent when there is nothing to say. */
  readonly warnings?: readonly string[];
};

/** One sample of an instant query's vector: labels, time (ms) and value. */
export interface InstantSample {
  readonly metric: Labels;
  readonly t: number;
  readonly v: number;
}

/** One series of a range query or of a range-vector instant query. */
export interface RangeSeriesResult {
  readonly metric: Labels;
  readonly ts: readonly number[];
  readonly vs: readonly number[];
}

/** A PromQL engine bound to one Queryable. */
export interface Engine {
  /** Evaluates `query` at `timeMs`. Throws PromQLParseError or PromQLEvalError. */
  instantQuery(query: string | Expr, timeMs: number, options?: QueryOptions): Promise<QueryResult>;
  /** Evaluates `query` at every step from `startMs` to `endMs` inclusive; the result is always a matrix. */
  rangeQuery(
    query: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    options?: QueryOptions,
  ): Promise<QueryResult & { resultType: 'matrix' }>;
}

/**
 * Creates an engine that answers PromQL with Prometheus 2.42's semantics over `queryable`.
 * @example
 * const engine = createEngine({ queryable: memoryQueryable(series) });
 * const r = await engine.instantQuery('sum by (job) (rate(http_requests_total[5m]))', Date.now());
 */
export function createEngine(options: EngineOptions): Engine {
  const lookbackMs = positive(options, 'lookbackDeltaMs', 300_000);
  const maxSamples = positive(options, 'maxSamples', 50_000_000);
  const subqueryStepMs = positive(options, 'subqueryStepMs', 60_000);
  const timeoutMs = positive(options, 'timeoutMs', 120_000);
  if (typeof options.queryable?.select !== 'function')
    throw new TypeError(
      '@argus/promql: createEngine needs `queryable` (e.g. storeQueryable(store) or memoryQueryable([…]))',
    );

  const engineOpts = { lookbackMs, maxSamples, subqueryStepMs };
  const scheduler = options.scheduler ?? defaultScheduler;
  const parse = cachedParser();

  return {
    async instantQuery(query, timeMs, o) {
      const expr = typeof query === 'string' ? parse(query) : query;
      const q = querySignal(timeoutMs, o?.signal);
      try {
        return await instant(expr, timeMs, q.signal);
      } finally {
        q.done();
      }
    },
    async rangeQuery(query, startMs, endMs, stepMs, o) {
      if (!(stepMs > 0))
        throw new PromQLEvalError('zero or negative query resolution step widths are not accepted');
      if (endMs < startMs) throw new PromQLEvalError('end timestamp must not be before start time');
      const expr = typeof query === 'string' ? parse(query) : query;
      const t = typeOf(expr);
      if (t !== 'scalar' && t !== 'vector')
        throw new PromQLEvalError(
          `invalid expression type "${t === 'matrix' ? 'range vector' : 'string'}" for range query, must be Scalar or instant Vector`,
        );
      const q = querySignal(timeoutMs, o?.signal);
      try {
        return await range(expr, startMs, endMs, stepMs, q.signal);
      } finally {
        q.done();
      }
    },
  };

  async function instant(expr: Expr, timeMs: number, signal: AbortSignal): Promise<QueryResult> {
    const slice = new TimeSlice(scheduler, signal);
    const warnings = new Set<string>();
    const ev = await evaluatorFor(
      options.queryable,
      expr,
      { ...engineOpts, warnings },
      slice,
      [timeMs, timeMs],
      [timeMs, timeMs],
    );
    // selectors and range functions over many series are computed with yields between series first
    await precomputeRangeCalls(ev, expr, { from: timeMs, to: timeMs, step: 1 }, slice, signal);
    // the evaluation and the hand-back each loop over every series once, in one piece: each starts a slice of
    // its own when this one is spent (in the first queries after a store opens they run interpreted, slowly)
    await slice.checkpoint();
    const r = instantResult(ev.eval(expr, timeMs), timeMs);
    await slice.yieldIfSpent();
    releaseSelectors(options.queryable, ev.ctx.data);
    return withWarnings(r, warnings);
  }

  async function range(
    expr: Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    signal: AbortSignal,
  ): Promise<QueryResult & { resultType: 'matrix' }> {
    const slice = new TimeSlice(scheduler, signal);
    const out = new RangeCollector(maxSamples);
    const warnings = new Set<string>();
    // Steps are evaluated in blocks, each over the data its steps read, so a long range never holds the
    // whole history of every series at once.
    const perBlock = Math.max(STEPS_PER_BLOCK, Math.ceil(BLOCK_MS / stepMs));
    for (let from = startMs; from <= endMs; from += perBlock * stepMs) {
      const to = Math.min(endMs, from + (perBlock - 1) * stepMs);
      const ev = await evaluatorFor(
        options.queryable,
        expr,
        { ...engineOpts, warnings },
        slice,
        [from, to],
        [startMs, endMs],
      );
      await precomputeRangeCalls(ev, expr, { from, to, step: stepMs }, slice, signal);
      for (let ts = from; ts <= to; ts += stepMs) {
        // Yield to the host's event loop between steps so that a long query never blocks it for long.
        if (slice.due()) await slice.checkpoint();
        out.add(ev.eval(expr, ts), ts);
      }
      releaseSelectors(options.queryable, ev.ctx.data);
    }
    return withWarnings({ resultType: 'matrix' as const, result: await out.result(slice) }, warnings);
  }
}

interface EvalLimits {
  readonly lookbackMs: number;
  readonly maxSamples: number;
  readonly subqueryStepMs: number;
  readonly warnings?: Set<string>;
}

const withWarnings = <R extends QueryResult>(r: R, warnings: Set<string>): R =>
  warnings.size === 0 ? r : { ...r, warnings: [...warnings] };

/** Fetches what evaluating `expr` at times in `window` reads, and returns an evaluator over it. */
async function evaluatorFor(
  q: Queryable,
  expr: Expr,
  l: EvalLimits,
  slice: TimeSlice,
  window: [number, number],
  query: [number, number],
): Promise<Evaluator> {
  const [queryStartMs, queryEndMs] = query;
  const signal = slice.signal;
  const fetchOpts = { startMs: window[0], endMs: window[1], queryStartMs, queryEndMs, ...l, signal, slice };
  const data = await fetchSelectors(q, expr, fetchOpts);
  return new Evaluator({ startMs: queryStartMs, endMs: queryEndMs, ...l, data, signal });
}

function instantResult(v: Value, timeMs: number): QueryResult {
  switch (v.type) {
    case 'scalar':
      return { resultType: 'scalar', result: [timeMs, v.v] };
    case 'string':
      return { resultType: 'string', result: [timeMs, v.s] };
    case 'vector':
      return {
        resultType: 'vector',
        result: v.samples.map((s) => ({ metric: s.metric, t: timeMs, v: s.v })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.series.map((s) => ({ metric: s.metric, ts: Array.from(s.ts), vs: Array.from(s.vs) })),
      };
  }
}

/** Gathers a range query's steps into series, counting points against the sample limit. */
class RangeCollector {
  private readonly series = new Map<string, { metric: Labels; ts: number[]; vs: number[] }>();
  private points = 0;

  constructor(private readonly maxSamples: number) {}

  add(v: Value, ts: number): void {
    const samples: Sample[] =
      v.type === 'scalar' ? [{ metric: {}, v: v.v, t: ts }] : v.type === 'vector' ? v.samples : [];
    for (const s of samples) {
      const k = labelsKey(s.metric);
      let out = this.series.get(k);
      if (!out) this.series.set(k, (out = { metric: s.metric, ts: [], vs: [] }));
      out.ts.push(ts);
      out.vs.push(s.v);
      if (++this.points > this.maxSamples) throw tooManySamples(this.maxSamples);
    }
  }

  /** The series in Prometheus's order; sorted in slices (thousands of series take tens of milliseconds). */
  result(slice: TimeSlice): Promise<RangeSeriesResult[]> {
    return sortByLabels([...this.series.values()], (s) => s.metric, slice);
  }
}

/** Steps of a range query evaluated over one fetch: at least this many, and at least BLOCK_MS of time. */
const STEPS_PER_BLOCK = 120;
const BLOCK_MS = 2 * 3_600_000;

function positive(
  o: EngineOptions,
  field: 'lookbackDeltaMs' | 'maxSamples' | 'subqueryStepMs' | 'timeoutMs',
  def: number,
): number {
  const v = o[field] ?? def;
  if (!(Number.isFinite(v) && v > 0))
    throw new TypeError(
      `@argus/promql: option \`${field}\` must be a positive number, got ${String(o[field])}`,
    );
  return v;
}
