import type { Labels } from '@argus/core';

/** One exported sample: labels (valid Prometheus label names) and a value. */
export interface ExportedValue {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/**
 * A metric in the shape prom-client's `Registry.registerMetric` takes (the shape of its own `Gauge` and
 * `Counter`): it lets Argus export series whose label names are only known at runtime, which prom-client's
 * `Gauge` (fixed `labelNames`) does not allow.
 */
export interface DynamicMetric {
  name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ExportedValue[] }>;
  reset(): void;
}

/** Builds a {@link DynamicMetric} whose values are computed at each scrape. */
export function dynamicMetric(
  name: string,
  help: string,
  type: 'gauge' | 'counter',
  values: () => ExportedValue[],
): DynamicMetric {
  const metric: DynamicMetric = {
    name,
    help,
    type,
    aggregator: 'sum',
    // prom-client renames counters in OpenMetrics mode (drops `_total`) by assigning `name`: read it back
    get: async () => ({ name: metric.name, help, type, aggregator: 'sum', values: values() }),
    reset() {},
  };
  return metric;
}

/** Series labels as export labels: `__name__` becomes `metric_name`, other `__` labels are dropped. */
export function exportLabels(
  labels: Labels,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k === '__name__') out['metric_name'] = v;
    else if (!k.startsWith('__')) out[k] = v;
  }
  return Object.assign(out, extra);
}
