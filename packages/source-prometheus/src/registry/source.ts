import {
  defineSource,
  type Factory,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  type PluginContext,
  type Source,
} from '@argus/core';
import { register as globalRegistry } from 'prom-client';
import { z } from 'zod';

/** What the source needs of a prom-client `Registry` (any version with `getMetricsAsJSON`). */
export interface MetricsJsonRegistry {
  getMetricsAsJSON(): Promise<readonly RegistryMetric[]> | readonly RegistryMetric[];
}

/** One metric family as prom-client's `getMetricsAsJSON()` returns it. */
export interface RegistryMetric {
  readonly name: string;
  readonly type?: unknown;
  readonly values: readonly {
    readonly value: number;
    readonly labels?: Readonly<Partial<Record<string, string | number>>>;
    /** Set for histogram/summary parts: `x_bucket`, `x_sum`, `x_count`. */
    readonly metricName?: string;
  }[];
}

/** Options of `registrySource`. */
export interface RegistrySourceOptions {
  /** The prom-client registry to read. @default prom-client's global `register` */
  registry?: MetricsJsonRegistry;
  /** Time between reads. @default 15000 */
  intervalMs?: number;
  /** Labels added to every series, e.g. `{ job: 'api' }`. @default {} */
  labels?: Readonly<Record<string, string>>;
  /** Plugin name, unique within a pipeline. @default 'registry' */
  name?: string;
}

/** Options after parsing. */
export interface ParsedRegistryOptions {
  registry: MetricsJsonRegistry;
  intervalMs: number;
  labels: Record<string, string>;
  name?: string | undefined;
}

const schema: z.ZodType<ParsedRegistryOptions, RegistrySourceOptions> = z.strictObject({
  registry: z
    .custom<MetricsJsonRegistry>(
      (r) => typeof (r as MetricsJsonRegistry | null)?.getMetricsAsJSON === 'function',
      'a prom-client Registry (an object with getMetricsAsJSON())',
    )
    .default(() => globalRegistry as unknown as MetricsJsonRegistry)
    .describe("The prom-client Registry to read; default: prom-client's global register"),
  intervalMs: z.number().int().positive().default(15_000).describe('Time between reads, in ms'),
  labels: z
    .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string())
    .default({})
    .describe('Labels added to every series, e.g. { job: "api" }'),
  name: z.string().min(1).optional().describe('Plugin name, unique within a pipeline'),
});

/**
 * Reads a prom-client `Registry` in process, without HTTP: every counter, gauge, histogram (`_bucket`, `_sum`,
 * `_count`) and summary (quantiles, `_sum`, `_count`) becomes a series, with the registry's default labels.
 * Series that disappear (a label set removed, a metric unregistered) get a stale marker.
 * @example
 * import { register } from 'prom-client';
 * registrySource({ registry: register, labels: { job: 'api' } })
 */
export const registrySource: Factory<
  z.ZodType<ParsedRegistryOptions, RegistrySourceOptions>,
  Source
> = defineSource({
  name: 'registry',
  options: schema,
  create(o) {
    let live = new Set<number>();
    return {
      ...(o.name ? { name: o.name } : {}),
      defaultIntervalMs: o.intervalMs,
      async poll(ctx) {
        const metrics = await o.registry.getMetricsAsJSON();
        const { batch, seen } = toBatch(metrics, o.labels, live, ctx);
        live = seen;
        return batch;
      },
    };
  },
});

function toBatch(
  metrics: readonly RegistryMetric[],
  extra: Readonly<Record<string, string>>,
  live: ReadonlySet<number>,
  ctx: PluginContext,
): { batch: MetricBatch; seen: Set<number> } {
  const now = ctx.clock.now();
  const out = new MetricBatchBuilder();
  const seen = new Set<number>();
  for (const m of metrics) {
    for (const v of m.values) {
      const labels: Record<string, string> = { __name__: v.metricName ?? m.name };
      for (const [k, val] of Object.entries(v.labels ?? {})) if (val !== undefined) labels[k] = String(val);
      Object.assign(labels, extra);
      const id = ctx.series.intern(labels as Labels);
      if (id < 0 || seen.has(id)) continue;
      seen.add(id);
      out.push(id, now, v.value);
    }
  }
  for (const id of live) if (!seen.has(id)) out.push(id, now, Number.NaN, true);
  return { batch: out.build(), seen };
}
