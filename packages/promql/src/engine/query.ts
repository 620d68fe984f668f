// The query API: instant and range queries over a Queryable, bounded by a sample limit, a timeout and a signal.
import type { Expr } from '../parser/ast.js';
import { PromQLEvalError } from '../parser/errors.js';
import { parseExpr } from '../parser/parse.js';
import { typeOf } from '../parser/typecheck.js';
import type { Labels, Queryable } from '../queryable.js';
import { Evaluator } from './evaluator.js';
import { fetchSelectors } from './fetch.js';
import { compareLabels, labelsKey, type Sample } from './values.js';

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
}

/** Per-query options. */
export interface QueryOptions {
  readonly signal?: AbortSignal;
}

/** The result of a query, in the shapes of Prometheus's HTTP API. */
export type QueryResult =
  | { readonly resultType: 'scalar'; readonly result: readonly [number, number] }
  | { readonly resultType: 'string'; readonly result: readonly [number, string] }
  | { readonly resultType: 'vector'; readonly result: readonly InstantSample[] }
  | { readonly resultType: 'matrix'; readonly result: readonly RangeSeriesResult[] };

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
  const lookbackMs = options.lookbackDeltaMs ?? 300_000;
  const maxSamples = options.maxSamples ?? 50_000_000;
  const subqueryStepMs = options.subqueryStepMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 120_000;

  async function prepare(query: string | Expr, startMs: number, endMs: number, o?: QueryOptions) {
    const expr = typeof query === 'string' ? parseExpr(query) : query;
    const signals = [AbortSignal.timeout(timeoutMs), ...(o?.signal ? [o.signal] : [])];
    const signal = AbortSignal.any(signals);
    const fetchOpts = { startMs, endMs, lookbackMs, maxSamples, signal };
    const data = await fetchSelectors(options.queryable, expr, fetchOpts);
    return { expr, signal, ev: new Evaluator({ startMs, endMs, lookbackMs, subqueryStepMs, data, signal }) };
  }

  return {
    async instantQuery(query, timeMs, o) {
      const { expr, ev } = await prepare(query, timeMs, timeMs, o);
      const v = ev.eval(expr, timeMs);
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
          return { resultType: 'matrix', result: v.series };
      }
    },
    async rangeQuery(query, startMs, endMs, stepMs, o) {
      if (!(stepMs > 0))
        throw new PromQLEvalError('zero or negative query resolution step widths are not accepted');
      if (endMs < startMs) throw new PromQLEvalError('end timestamp must not be before start time');
      const { expr, ev, signal } = await prepare(query, startMs, endMs, o);
      const t = typeOf(expr);
      if (t !== 'scalar' && t !== 'vector')
        throw new PromQLEvalError(
          `invalid expression type "${t === 'matrix' ? 'range vector' : 'string'}" for range query, must be Scalar or instant Vector`,
        );
      const series = new Map<string, RangeSeriesResult & { ts: number[]; vs: number[] }>();
      let points = 0;
      let slice = performance.now();
      for (let ts = startMs; ts <= endMs; ts += stepMs) {
        if (signal.aborted) throw abortError(signal);
        // Yield to the host's event loop between steps so that a long query never blocks it for long.
        if (performance.now() - slice > YIELD_AFTER_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
        const v = ev.eval(expr, ts);
        const samples: Sample[] =
          v.type === 'scalar' ? [{ metric: {}, v: v.v, t: ts }] : v.type === 'vector' ? v.samples : [];
        for (const s of samples) {
          const k = labelsKey(s.metric);
          let out = series.get(k);
          if (!out) series.set(k, (out = { metric: s.metric, ts: [], vs: [] }));
          out.ts.push(ts);
          out.vs.push(s.v);
          if (++points > maxSamples)
            throw new PromQLEvalError(
              `query processing would load too many samples into memory in query execution (limit ${maxSamples})`,
              'ERR_PROMQL_TOO_MANY_SAMPLES',
            );
        }
      }
      return {
        resultType: 'matrix',
        result: [...series.values()].sort((a, b) => compareLabels(a.metric, b.metric)),
      };
    },
  };
}

const YIELD_AFTER_MS = 10;

function abortError(signal: AbortSignal): PromQLEvalError {
  const timeout = signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
  return new PromQLEvalError(
    timeout ? 'query timed out in query execution' : 'query aborted',
    'ERR_PROMQL_ABORTED',
  );
}
