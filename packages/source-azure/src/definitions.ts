import { MonitorClient } from '@azure/arm-monitor';
import { type AzureAuth, createAzureCredential } from './auth.js';
import { type AzureDeps, call, clientHolder, failureError, isFailure, sdkOptions } from './internal/azure.js';

/** One metric a resource offers, as `discoverMetricDefinitions` reports it. */
export interface MetricDefinitionInfo {
  /** Name to query, e.g. `Percentage CPU`. */
  readonly name: string;
  readonly displayName: string;
  readonly namespace: string;
  readonly unit: string;
  readonly primaryAggregation: string | undefined;
  readonly aggregations: readonly string[];
  /** Dimension names usable in a `filter`. */
  readonly dimensions: readonly string[];
  /** Time grains (ISO 8601) the metric can be queried at. */
  readonly timeGrains: readonly string[];
  readonly isDimensionRequired: boolean;
}

/** Options of {@link discoverMetricDefinitions}. */
export interface DiscoverOptions {
  /** @default { type: 'default' } */
  auth?: AzureAuth;
  /** ARM endpoint. @default https://management.azure.com */
  endpoint?: string;
  /** Only this metric namespace. */
  namespace?: string;
  signal?: AbortSignal;
  /** @default 30000 */
  requestTimeoutMs?: number;
}

/**
 * Lists the metrics a resource offers (ARM `metricDefinitions`, every page), to choose `metrics`,
 * `aggregations` and a dimension `filter` for {@link azureMetricsSource}.
 * @example
 * for (const d of await discoverMetricDefinitions(vmId)) console.log(d.name, d.unit, d.dimensions);
 */
export async function discoverMetricDefinitions(
  resourceId: string,
  options: DiscoverOptions = {},
  deps: AzureDeps = {},
): Promise<MetricDefinitionInfo[]> {
  const holder = clientHolder(
    () =>
      new MonitorClient(deps.credential ?? createAzureCredential(options.auth), {
        ...sdkOptions({ maxRetries: 3, retryDelayMs: 1000 }, deps),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      }),
  );
  const signal = options.signal ?? new AbortController().signal;
  try {
    return await call(holder, signal, options.requestTimeoutMs ?? 30_000, async (c, abortSignal) => {
      const out: MetricDefinitionInfo[] = [];
      const pages = c.metricDefinitions.list(resourceId.replace(/^\/+/, ''), {
        ...(options.namespace ? { metricnamespace: options.namespace } : {}),
        abortSignal,
      });
      for await (const d of pages) {
        out.push({
          name: d.name?.value ?? '',
          displayName: d.name?.localizedValue ?? d.name?.value ?? '',
          namespace: d.namespace ?? '',
          unit: d.unit ?? 'Unspecified',
          primaryAggregation: d.primaryAggregationType,
          aggregations: d.supportedAggregationTypes ?? [],
          dimensions: (d.dimensions ?? []).map((x) => x.value),
          timeGrains: (d.metricAvailabilities ?? []).flatMap((a) => (a.timeGrain ? [a.timeGrain] : [])),
          isDimensionRequired: d.isDimensionRequired ?? false,
        });
      }
      return out;
    });
  } catch (err) {
    if (isFailure(err))
      throw failureError('azure-metrics', 'start', `metric definitions of ${resourceId}`, err);
    throw err;
  }
}
