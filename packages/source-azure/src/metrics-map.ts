import type { Labels, MetricBatchBuilder, SeriesRegistry } from '@argus/core';
import { parseResourceId, snake } from './internal/azure.js';

/** An aggregation Azure Monitor can return. */
export type Aggregation = 'average' | 'minimum' | 'maximum' | 'total' | 'count';

/** One metric of a response, with names already reduced to strings (ARM keeps `{value}`, the batch SDK flattens). */
export interface RawMetric {
  readonly name: string;
  readonly unit: string;
  readonly errorCode?: string | undefined;
  readonly errorMessage?: string | undefined;
  readonly timeseries: readonly {
    readonly metadatavalues?: readonly { readonly name: string; readonly value: string }[] | undefined;
    readonly data?:
      | readonly ({ readonly timeStamp: Date } & Partial<Record<Aggregation, number>>)[]
      | undefined;
  }[];
}

/** A metric that came back with an error code instead of data (a partial error of a 200 response). */
export interface MetricError {
  readonly resourceId: string;
  readonly metric: string;
  readonly code: string;
  readonly message: string;
}

/** Where appended samples go and what they are checked against. */
export interface MapTarget {
  readonly builder: MetricBatchBuilder;
  readonly series: SeriesRegistry;
  readonly aggregations: readonly Aggregation[];
  /** Buckets ending after this (ms) are still filling up and are left for a later poll. */
  readonly notAfter: number;
  /** Buckets starting before this (ms) are outside a read range (readRange asks whole grains from its floor). */
  readonly notBefore?: number;
  readonly grainMs: number;
  /** Last timestamp emitted per series id, so overlapping polls do not repeat samples. */
  readonly last: Map<number, number>;
  /** Series ids seen per lower-cased resource id (for stale markers when the resource goes away). */
  readonly byResource: Map<string, Set<number>>;
}

/** The labels of one Azure time series. Dimension names become `dimension_<snake_case>` labels. */
export function seriesLabels(
  resourceId: string,
  metric: RawMetric,
  aggregation: Aggregation,
  metadata: readonly { name: string; value: string }[] | undefined,
): Labels {
  const parts = parseResourceId(resourceId);
  const labels: Record<string, string> = {
    __name__: `azure_${snake(metric.name)}_${aggregation}`,
    metric: metric.name,
    aggregation,
    unit: metric.unit,
    resource_id: resourceId,
  };
  if (parts) {
    labels['subscription_id'] = parts.subscriptionId;
    labels['resource_group'] = parts.resourceGroup;
    labels['resource_type'] = parts.resourceType;
    labels['resource_name'] = parts.resourceName;
  }
  for (const m of metadata ?? []) labels[`dimension_${snake(m.name)}`] = m.value;
  return labels;
}

/** Appends the samples of one resource's metrics; returns the metrics that carried an error code instead. */
export function appendMetrics(
  t: MapTarget,
  resourceId: string,
  metrics: readonly RawMetric[],
): MetricError[] {
  const errors: MetricError[] = [];
  const key = resourceId.toLowerCase();
  let ids = t.byResource.get(key);
  if (!ids) t.byResource.set(key, (ids = new Set()));
  for (const metric of metrics) {
    if (metric.errorCode && metric.errorCode !== 'Success') {
      errors.push({
        resourceId,
        metric: metric.name,
        code: metric.errorCode,
        message: metric.errorMessage ?? '',
      });
      continue;
    }
    for (const ts of metric.timeseries) {
      for (const agg of t.aggregations) {
        const id = t.series.intern(seriesLabels(resourceId, metric, agg, ts.metadatavalues));
        if (id >= 0) ids.add(id);
        appendPoints(t, id, agg, ts.data ?? []);
      }
    }
  }
  return errors;
}

function appendPoints(
  t: MapTarget,
  id: number,
  agg: Aggregation,
  data: readonly ({ timeStamp: Date } & Partial<Record<Aggregation, number>>)[],
): void {
  let last = t.last.get(id) ?? Number.NEGATIVE_INFINITY;
  const notBefore = t.notBefore ?? Number.NEGATIVE_INFINITY;
  for (const point of data) {
    const v = point[agg];
    const ts = point.timeStamp.getTime();
    // a bucket with only timeStamp has no data yet: emitting 0 or NaN would invent a value
    if (typeof v !== 'number' || ts <= last || ts < notBefore || ts + t.grainMs > t.notAfter) continue;
    t.builder.push(id, ts, v);
    last = ts;
  }
  if (last !== Number.NEGATIVE_INFINITY) t.last.set(id, last);
}

/** Appends a stale marker at `at` for every series of a resource, and forgets them. */
export function markResourceStale(t: MapTarget, resourceId: string, at: number): number {
  const key = resourceId.toLowerCase();
  const ids = t.byResource.get(key);
  if (!ids) return 0;
  for (const id of ids) {
    t.builder.push(id, at, Number.NaN, true);
    t.last.delete(id);
  }
  t.byResource.delete(key);
  return ids.size;
}
