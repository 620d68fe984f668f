import {
  defineSource,
  type MetricBatch,
  MetricBatchBuilder,
  ownsKey,
  type PluginContext,
  type Source,
  shardFromHostname,
  type TimeRange,
} from '@argus/core';
import { MonitorClient } from '@azure/arm-monitor';
import type { TokenCredential } from '@azure/core-auth';
import { MetricsClient, type MetricsQueryResourcesOptions } from '@azure/monitor-query-metrics';
import { createAzureCredential } from './auth.js';
import {
  type AzureDeps,
  type AzureFailure,
  call,
  clientHolder,
  failureError,
  isFailure,
  sdkOptions,
} from './internal/azure.js';
import { chunks, pool } from './internal/pool.js';
import {
  appendMetrics,
  type MapTarget,
  type MetricError,
  markResourceStale,
  type RawMetric,
} from './metrics-map.js';
import {
  type AzureMetricsSourceOptions,
  azureMetricsOptions,
  type MetricsParsed,
  TIME_GRAINS,
} from './metrics-options.js';

interface Window {
  readonly from: number;
  readonly to: number;
}

interface Outcome {
  readonly errors: MetricError[];
  readonly failures: { resourceId: string; failure: AzureFailure }[];
  ok: number;
}

type Holder<C> = { get(): C; refresh(): void };

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const trimSlash = (id: string): string => id.replace(/^\/+/, '');

async function armResource(
  o: MetricsParsed,
  arm: Holder<MonitorClient>,
  id: string,
  w: Window,
  ctx: PluginContext,
): Promise<RawMetric[]> {
  const res = await call(arm, ctx.signal, o.requestTimeoutMs, (c, abortSignal) =>
    c.metrics.list(trimSlash(id), {
      timespan: `${iso(w.from)}/${iso(w.to)}`,
      interval: o.timeGrain,
      metricnames: o.metrics.join(','),
      aggregation: o.aggregations.join(','),
      metricnamespace: o.namespace,
      ...(o.filter ? { filter: o.filter } : {}),
      ...(o.top ? { top: o.top } : {}),
      abortSignal,
    }),
  );
  return res.value.map((m) => ({
    name: m.name.value,
    unit: m.unit,
    errorCode: m.errorCode,
    errorMessage: m.errorMessage,
    timeseries: m.timeseries.map((ts) => ({
      metadatavalues: ts.metadatavalues?.map((d) => ({ name: d.name?.value ?? '', value: d.value ?? '' })),
      data: ts.data,
    })),
  }));
}

async function batchChunk(
  o: MetricsParsed,
  batch: Holder<MetricsClient>,
  ids: string[],
  w: Window,
  ctx: PluginContext,
): Promise<Map<string, RawMetric[]>> {
  const results = await call(batch, ctx.signal, o.requestTimeoutMs, (c, abortSignal) =>
    c.queryResources(ids, o.metrics, o.namespace, {
      startTime: new Date(w.from),
      endTime: new Date(w.to),
      interval: o.timeGrain,
      aggregation: o.aggregations.join(','),
      ...(o.filter ? { filter: o.filter } : {}),
      ...(o.top ? { top: o.top } : {}),
      // not in the declared options type, but spread into the operation options the pipeline reads
      abortSignal,
    } as MetricsQueryResourcesOptions),
  );
  const out = new Map<string, RawMetric[]>();
  for (const r of results) {
    const metrics = r.metrics.map((m) => ({
      name: m.name,
      unit: m.unit,
      errorCode: m.errorCode,
      errorMessage: m.errorMessage,
      timeseries: m.timeseries.map((ts) => ({
        metadatavalues: ts.metadatavalues?.map((d) => ({ name: String(d.name ?? ''), value: d.value ?? '' })),
        data: ts.data,
      })),
    }));
    out.set((r.resourceId ?? '').toLowerCase(), metrics);
  }
  return out;
}

/** The state of one metrics source; `collect` fills `target.builder` for one window. */
function createCollector(o: MetricsParsed, deps: AzureDeps) {
  let credential: TokenCredential | undefined;
  const cred = (): TokenCredential => (credential ??= deps.credential ?? createAzureCredential(o.auth));
  const options = sdkOptions(o, deps);
  const arm = clientHolder(
    () => new MonitorClient(cred(), { ...options, ...(o.endpoint ? { endpoint: o.endpoint } : {}) }),
  );
  const endpoint = o.endpoint ?? `https://${o.region}.metrics.monitor.azure.com`;
  const batch = clientHolder(() => new MetricsClient(endpoint, cred(), options));
  const missingUntil = new Map<string, number>();
  // this replica's share of the resources, worked out at the first poll (HOSTNAME is read then, not in the factory)
  let owned: string[] | undefined;
  const resources = (ctx: PluginContext): string[] => {
    if (!owned) {
      const s = o.shard;
      const shard =
        s === undefined
          ? undefined
          : s.index === undefined
            ? shardFromHostname(process.env['HOSTNAME'], s.total, o.name)
            : { index: s.index, total: s.total };
      owned = shard ? o.resources.filter((id) => ownsKey(shard, id.toLowerCase())) : o.resources;
      if (shard) {
        ctx.metrics.gauge('shard_index', shard.index);
        ctx.metrics.gauge('shard_total', shard.total);
        ctx.metrics.gauge('shard_resources_owned', owned.length);
        ctx.metrics.gauge('shard_resources_seen', o.resources.length);
        ctx.log.info(
          `${o.name}: shard ${shard.index} of ${shard.total} polls ${owned.length} of ${o.resources.length} resources`,
        );
      }
    }
    return owned;
  };

  const resourceFailed = (
    t: MapTarget,
    out: Outcome,
    id: string,
    f: AzureFailure,
    ctx: PluginContext,
  ): void => {
    if (f.status === 404) {
      // deleted (or moved) mid-run: end its series now rather than letting them look merely quiet
      const n = markResourceStale(t, id, ctx.clock.now());
      missingUntil.set(id.toLowerCase(), ctx.clock.now() + o.missingResourceRetryMs);
      ctx.log.warn(`${o.name}: resource not found, skipped for ${o.missingResourceRetryMs} ms`, {
        resourceId: id,
        staleSeries: n,
      });
      ctx.metrics.count('missingResources');
      return;
    }
    out.failures.push({ resourceId: id, failure: f });
  };

  const collectArm = async (t: MapTarget, w: Window, ctx: PluginContext, out: Outcome): Promise<void> => {
    const now = ctx.clock.now();
    const ids = resources(ctx).filter((id) => (missingUntil.get(id.toLowerCase()) ?? 0) <= now);
    await pool(ids, o.concurrency, async (id) => {
      try {
        out.errors.push(...appendMetrics(t, id, await armResource(o, arm, id, w, ctx)));
        out.ok++;
        missingUntil.delete(id.toLowerCase());
      } catch (err) {
        if (!isFailure(err)) throw err;
        resourceFailed(t, out, id, err, ctx);
      }
    });
  };

  const collectBatch = async (t: MapTarget, w: Window, ctx: PluginContext, out: Outcome): Promise<void> => {
    for (const ids of chunks(resources(ctx), o.resourcesPerRequest)) {
      let got: Map<string, RawMetric[]>;
      try {
        got = await batchChunk(o, batch, ids, w, ctx);
      } catch (err) {
        if (!isFailure(err)) throw err;
        for (const id of ids) out.failures.push({ resourceId: id, failure: err });
        continue;
      }
      for (const id of ids) {
        const metrics = got.get(id.toLowerCase());
        if (metrics) {
          out.errors.push(...appendMetrics(t, id, metrics));
          out.ok++;
        } else
          out.errors.push({
            resourceId: id,
            metric: '*',
            code: 'MissingFromResponse',
            message: 'no result for this resource',
          });
      }
    }
  };

  return async (t: MapTarget, w: Window, ctx: PluginContext): Promise<Outcome> => {
    const out: Outcome = { errors: [], failures: [], ok: 0 };
    await (o.api === 'batch' ? collectBatch : collectArm)(t, w, ctx, out);
    return out;
  };
}

/** Reports partial errors; throws when nothing succeeded, or on any error with `partialErrors: 'fail'`. */
function settle(o: MetricsParsed, out: Outcome, hook: 'poll' | 'readRange', ctx: PluginContext): void {
  const first = out.failures[0];
  if (first && (out.ok === 0 || o.partialErrors === 'fail')) {
    throw failureError(o.name, hook, `metrics of ${first.resourceId}`, first.failure);
  }
  if (out.errors.length > 0 && o.partialErrors === 'fail') {
    const e = out.errors[0]!;
    throw failureError(o.name, hook, `metric ${e.metric} of ${e.resourceId}`, {
      status: 200,
      code: e.code,
      message: e.message,
      timedOut: false,
      retryable: false,
    });
  }
  const partial = [
    ...out.errors,
    ...out.failures.map((f) => ({
      resourceId: f.resourceId,
      metric: '*',
      code: f.failure.code ?? String(f.failure.status),
      message: f.failure.message,
    })),
  ];
  if (partial.length === 0) return;
  ctx.metrics.count('partialErrors', partial.length);
  ctx.log.warn(`${o.name}: ${partial.length} partial error(s); the rest of the data was kept`, {
    errors: partial.slice(0, 10),
  });
}

function create(o: MetricsParsed, deps: AzureDeps): Omit<Source, 'kind' | 'apiVersion'> {
  const collect = createCollector(o, deps);
  const grainMs = TIME_GRAINS[o.timeGrain];
  const pollState = { last: new Map<number, number>(), byResource: new Map<string, Set<number>>() };
  const target = (ctx: PluginContext, notAfter: number, state = pollState): MapTarget => ({
    builder: new MetricBatchBuilder(),
    series: ctx.series,
    aggregations: o.aggregations,
    notAfter,
    grainMs,
    ...state,
  });
  return {
    name: o.name,
    defaultIntervalMs: Math.max(60_000, grainMs),
    async poll(ctx): Promise<MetricBatch | undefined> {
      const now = ctx.clock.now();
      const t = target(ctx, now);
      settle(o, await collect(t, { from: now - o.lookbackMs, to: now }, ctx), 'poll', ctx);
      return t.builder.length > 0 ? t.builder.build() : undefined;
    },
    async *readRange(range: TimeRange, ctx: PluginContext): AsyncIterable<MetricBatch> {
      const span = grainMs * o.maxPointsPerRequest;
      const state = { last: new Map<number, number>(), byResource: new Map<string, Set<number>>() };
      for (let from = Math.floor(range.from / grainMs) * grainMs; from < range.to; from += span) {
        const to = Math.min(from + span, range.to);
        const t = { ...target(ctx, to, state), notBefore: range.from };
        settle(o, await collect(t, { from, to }, ctx), 'readRange', ctx);
        if (t.builder.length > 0) yield t.builder.build();
      }
    },
  };
}

/**
 * Azure Monitor platform metrics as Argus series: per resource through ARM (`@azure/arm-monitor`) or up to 50
 * resources of one region per call (`@azure/monitor-query-metrics`). Polls on a schedule and reads ranges.
 * @example
 * azureMetricsSource({
 *   resources: ['/subscriptions/…/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/vm1'],
 *   namespace: 'Microsoft.Compute/virtualMachines',
 *   metrics: ['Percentage CPU', 'Available Memory Bytes'],
 * })
 */
export function azureMetricsSource(options: AzureMetricsSourceOptions, deps: AzureDeps = {}): Source {
  return defineSource({
    name: 'azure-metrics',
    options: azureMetricsOptions,
    create: (o) => create(o, deps),
  })(options);
}
