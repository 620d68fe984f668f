import {
  defineSource,
  type Factory,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  type PluginContext,
  PluginError,
  type Source,
  type TimeRange,
} from '@argus/core';
import type { z } from 'zod';
import {
  createPrometheusClient,
  type PrometheusClient,
  type QueryResult,
  type QuerySeries,
} from './client.js';
import {
  type ParsedPrometheusOptions,
  type PrometheusSourceOptions,
  prometheusSourceSchema,
  type QueryInput,
} from './options.js';
import { planChunks } from './range.js';

/**
 * Runs PromQL against a Prometheus server: instant queries on a schedule (`poll`) and, in batch mode, range
 * queries over history (`readRange`) split into chunks that respect the 11,000-points-per-series limit.
 * Results become batches of interned series; a series that drops out of a query's result gets a stale marker.
 * Server warnings are logged once per distinct text; errors name the query.
 * @example
 * prometheusSource({ endpoint: 'http://127.0.0.1:9090', queries: ['up', { expr: 'rate(http_requests_total[5m])', metric: 'http_rps' }] })
 */
export const prometheusSource: Factory<
  z.ZodType<ParsedPrometheusOptions, PrometheusSourceOptions>,
  Source
> = defineSource({
  name: 'prometheus',
  options: prometheusSourceSchema,
  create(o) {
    const client = createPrometheusClient(o);
    const live = o.queries.map(() => new Set<number>());
    const warned = new Set<string>();
    const note = (ctx: PluginContext, q: QueryInput, r: QueryResult): void => {
      for (const w of r.warnings) {
        ctx.metrics.count('query_warnings');
        if (!warned.has(w)) ctx.log.warn(`query ${JSON.stringify(q.expr)}: server warning: ${w}`);
        warned.add(w);
      }
    };
    return {
      ...(o.name ? { name: o.name } : {}),
      defaultIntervalMs: o.intervalMs,
      poll: (ctx) => pollOnce(client, o.queries, live, note, ctx),
      readRange: (range, ctx) => readRange(client, o, note, range, ctx),
    };
  },
});

type Note = (ctx: PluginContext, q: QueryInput, r: QueryResult) => void;

async function pollOnce(
  client: PrometheusClient,
  queries: readonly QueryInput[],
  live: Set<number>[],
  note: Note,
  ctx: PluginContext,
): Promise<MetricBatch> {
  const now = ctx.clock.now();
  const settled = await Promise.allSettled(queries.map((q) => client.query(q.expr, now, ctx.signal)));
  const out = new MetricBatchBuilder();
  const failures: unknown[] = [];
  settled.forEach((s, i) => {
    const q = queries[i]!;
    if (s.status === 'rejected') {
      failures.push(s.reason);
      ctx.log.warn((s.reason as Error).message);
      return;
    }
    note(ctx, q, s.value);
    const seen = new Set<number>();
    for (const series of s.value.series) {
      const id = ctx.series.intern(resultLabels(series.labels, q));
      seen.add(id);
      for (let k = 0; k < series.values.length; k++) out.push(id, series.timestamps[k]!, series.values[k]!);
    }
    for (const id of live[i]!) if (!seen.has(id)) out.push(id, now, Number.NaN, true);
    live[i] = seen;
  });
  if (failures.length === queries.length) throw toSourceError(failures[0], 'poll');
  return out.build();
}

async function* readRange(
  client: PrometheusClient,
  o: ParsedPrometheusOptions,
  note: Note,
  range: TimeRange,
  ctx: PluginContext,
): AsyncIterable<MetricBatch> {
  const stepMs = Math.max(1, range.stepMs);
  for (const chunk of planChunks(range.from, range.to, stepMs, o.maxPointsPerRequest)) {
    const rows: { id: number; t: number; v: number }[] = [];
    for (const q of o.queries) {
      let result: QueryResult;
      try {
        result = await client.queryRange(q.expr, chunk.startMs, chunk.endMs, stepMs, ctx.signal);
      } catch (err) {
        throw toSourceError(err, 'readRange');
      }
      note(ctx, q, result);
      collect(result.series, q, ctx, rows);
    }
    // the contract asks for time order; the API returns series by series
    rows.sort((a, b) => a.t - b.t);
    const out = new MetricBatchBuilder(rows.length);
    for (const r of rows) out.push(r.id, r.t, r.v);
    yield out.build();
  }
}

function collect(
  series: readonly QuerySeries[],
  q: QueryInput,
  ctx: PluginContext,
  rows: { id: number; t: number; v: number }[],
): void {
  for (const s of series) {
    const id = ctx.series.intern(resultLabels(s.labels, q));
    for (let k = 0; k < s.values.length; k++) rows.push({ id, t: s.timestamps[k]!, v: s.values[k]! });
  }
}

function resultLabels(labels: Labels, q: QueryInput): Labels {
  if (!q.metric && !q.labels) return labels;
  return { ...(q.metric ? { __name__: q.metric } : {}), ...labels, ...q.labels };
}

function toSourceError(err: unknown, hook: 'poll' | 'readRange'): PluginError {
  const e = err as { message?: string; retryable?: boolean; errorType?: string };
  const code = e.errorType === 'network' ? 'ERR_UNREACHABLE' : 'ERR_PLUGIN_FAILED';
  return new PluginError(code, 'prometheus', hook, e.message ?? String(err), {
    cause: err,
    retryable: e.retryable === true,
  });
}
