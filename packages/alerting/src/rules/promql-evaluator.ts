import { createEngine, type Engine, type Queryable } from '@argus/promql';
import type { EvaluatedRangeSeries, ExpressionEvaluator, VectorSample } from './expr.js';

/** Options of {@link promqlEvaluator}. */
export interface PromqlEvaluatorOptions {
  /** What the engine reads: `storeQueryable(store)` for the embedded store, or any `Queryable`. */
  readonly queryable?: Queryable;
  /** An engine already made (its own limits); wins over `queryable`. */
  readonly engine?: Engine;
  /** Most samples one rule evaluation may load (Prometheus's `--query.max-samples`). @default 50000000 */
  readonly maxSamples?: number;
  /** One evaluation running longer fails (Prometheus's `--query.timeout`). @default 120000 */
  readonly timeoutMs?: number;
  /** Shown in errors. @default 'promql (in process)' */
  readonly name?: string;
}

/**
 * A rule's result as Prometheus's rule manager takes it: an instant vector as it is, a scalar as one sample with no
 * labels (Prometheus's EngineQueryFunc does the same); anything else is an error.
 */
export function ruleVector(r: Awaited<ReturnType<Engine['instantQuery']>>): VectorSample[] {
  if (r.resultType === 'vector') return r.result.map((s) => ({ labels: s.metric, value: s.v }));
  if (r.resultType === 'scalar') return [{ labels: {}, value: r.result[1] }];
  throw new Error('rule result is not a vector or scalar');
}

/** The engine of `o`, made once. */
export function engineOf(o: PromqlEvaluatorOptions, who: string): Engine {
  if (o.engine) return o.engine;
  if (!o.queryable)
    throw new TypeError(
      `${who}: needs \`queryable\` (e.g. storeQueryable(store) from @argus/promql) or \`engine\``,
    );
  return createEngine({
    queryable: o.queryable,
    ...(o.maxSamples === undefined ? {} : { maxSamples: o.maxSamples }),
    ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
  });
}

/**
 * Evaluates rule expressions in process on @argus/promql's engine (Prometheus 2.42 semantics) over a Queryable,
 * typically the embedded store: no Prometheus server needed. Bounded by the engine's sample limit and timeout and
 * by the caller's signal; range evaluations (backtests) yield to the event loop between steps.
 * @example
 * const evaluator = promqlEvaluator({ queryable: storeQueryable(store) });
 * const alerters = loadRuleFile(text, { evaluator });
 */
export function promqlEvaluator(o: PromqlEvaluatorOptions): ExpressionEvaluator {
  const engine = engineOf(o, 'promqlEvaluator');
  return {
    name: o.name ?? 'promql (in process)',
    async query(expr, atMs, signal) {
      return ruleVector(await engine.instantQuery(expr, atMs, { signal }));
    },
    async queryRange(expr, fromMs, toMs, stepMs, signal): Promise<EvaluatedRangeSeries[]> {
      // the grid is fromMs + k·stepMs before toMs; the engine's end is inclusive
      const last = fromMs + Math.floor((toMs - 1 - fromMs) / stepMs) * stepMs;
      if (last < fromMs) return [];
      const r = await engine.rangeQuery(expr, fromMs, last, stepMs, { signal });
      return r.result.map((s) => ({ labels: s.metric, timestamps: s.ts, values: s.vs }));
    },
  };
}
