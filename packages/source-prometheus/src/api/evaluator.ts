import { type Labels, labelsKey } from '@argus/core';
import { createPrometheusClient, type PrometheusClientOptions, type QuerySeries } from './client.js';
import { planChunks } from './range.js';

/** One sample of an instant query's result. */
export interface EvaluatedSample {
  readonly labels: Labels;
  readonly value: number;
  /** ms since epoch. */
  readonly timestampMs: number;
}

/**
 * Evaluates PromQL at a point in time. The alerting package evaluates Prometheus rule files through this;
 * anything with the same shape (another engine, a fake in tests) can stand in.
 */
export interface PrometheusEvaluator {
  /** Shown in errors: `prometheus <endpoint>` (credentials stripped). */
  readonly name: string;
  /** The instant vector `expr` gives at `timeMs` (a scalar comes back as one sample with no labels). */
  instant(expr: string, timeMs: number, signal?: AbortSignal): Promise<EvaluatedSample[]>;
  /** The same as `instant`, under the name `@argus/alerting`'s `ExpressionEvaluator` uses. */
  query(expr: string, atMs: number, signal?: AbortSignal): Promise<EvaluatedSample[]>;
  /**
   * The instant vectors of `expr` at every `fromMs + k·stepMs` before `toMs`, as series: range queries of at most
   * 11,000 points each, joined (what `@argus/alerting`'s backtest replays rule files from).
   */
  queryRange(
    expr: string,
    fromMs: number,
    toMs: number,
    stepMs: number,
    signal?: AbortSignal,
  ): Promise<QuerySeries[]>;
}

/**
 * A {@link PrometheusEvaluator} backed by a Prometheus server's `/api/v1/query`.
 * Rejects with `PrometheusApiError` naming the query.
 * @example
 * const evaluator = prometheusEvaluator({ endpoint: 'http://127.0.0.1:9090' });
 * const firing = await evaluator.instant('up == 0', Date.now());
 */
export function prometheusEvaluator(options: PrometheusClientOptions): PrometheusEvaluator {
  const client = createPrometheusClient(options);
  const endpoint = new URL(options.endpoint);
  endpoint.username = '';
  endpoint.password = '';
  const instant = async (expr: string, timeMs: number, signal?: AbortSignal): Promise<EvaluatedSample[]> => {
    const { series } = await client.query(expr, timeMs, signal);
    return series.flatMap((s) =>
      s.values.map((value, k) => ({ labels: s.labels, value, timestampMs: s.timestamps[k]! })),
    );
  };
  const queryRange = async (
    expr: string,
    fromMs: number,
    toMs: number,
    stepMs: number,
    signal?: AbortSignal,
  ): Promise<QuerySeries[]> => {
    const joined = new Map<
      string,
      { labels: QuerySeries['labels']; timestamps: number[]; values: number[] }
    >();
    for (const chunk of planChunks(fromMs, toMs, stepMs)) {
      const { series } = await client.queryRange(expr, chunk.startMs, chunk.endMs, stepMs, signal);
      for (const s of series) {
        const key = labelsKey(s.labels);
        let j = joined.get(key);
        if (!j) joined.set(key, (j = { labels: s.labels, timestamps: [], values: [] }));
        j.timestamps.push(...s.timestamps);
        j.values.push(...s.values);
      }
    }
    return [...joined.values()];
  };
  return {
    name: `prometheus ${endpoint.origin}${endpoint.pathname.replace(/\/$/, '')}`,
    instant,
    query: instant,
    queryRange,
  };
}
