// The `query` template function's backends: Argus's in-process PromQL engine (rules running in process) or an
// ExpressionEvaluator (a Prometheus server). Both answer with a Promise, so templates render with renderAsync.
import type { Engine } from '@argus/promql';
import type { QueryFn, QuerySample } from '@argus/template';
import type { ExpressionEvaluator } from './expr.js';

/** Options of the `query` backends. */
export interface TemplateQueryOptions {
  /** Cuts a template's query off after this long. @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * `query` over the in-process engine, as Prometheus's rule manager answers it (rules.EngineQueryFunc): a vector
 * as it is, a scalar as one sample without labels, anything else refused.
 * @example compileAlertTemplate(text, 'HighLoad', { query: engineTemplateQuery(createEngine({ queryable })) })
 */
export function engineTemplateQuery(engine: Engine, options: TemplateQueryOptions = {}): QueryFn {
  return async (q, time) => {
    const r = await engine.instantQuery(q, time.getTime(), {
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    if (r.resultType === 'vector')
      return r.result.map((s): QuerySample => ({ labels: s.metric, value: s.v }));
    if (r.resultType === 'scalar') return [{ labels: {}, value: r.result[1] }];
    throw new Error('rule result is not a vector or scalar');
  };
}

/** `query` over an {@link ExpressionEvaluator} (e.g. a Prometheus server) when rules are not run in process. */
export function evaluatorTemplateQuery(
  evaluator: ExpressionEvaluator,
  options: TemplateQueryOptions = {},
): QueryFn {
  return async (q, time) => {
    const samples = await evaluator.query(
      q,
      time.getTime(),
      AbortSignal.timeout(options.timeoutMs ?? 10_000),
    );
    return samples.map((s): QuerySample => ({ labels: s.labels, value: s.value }));
  };
}
