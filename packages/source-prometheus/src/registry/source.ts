import {
  defineSource,
  type Factory,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  type PluginContext,
  type SeriesRegistry,
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
    const reader = new RegistryReader(o.labels);
    return {
      ...(o.name ? { name: o.name } : {}),
      defaultIntervalMs: o.intervalMs,
      async poll(ctx) {
        return reader.read(await o.registry.getMetricsAsJSON(), ctx);
      },
    };
  },
});

/**
 * Turns successive reads of one registry into batches. A registry lists its series in the same order on every read,
 * so each position remembers the series id it had last time and a read only checks that the labels there are still
 * the same (a few string compares), instead of building a label set and hashing it for every series on every read,
 * which cost about a microsecond a series. A position whose labels differ is interned the slow way.
 */
class RegistryReader {
  private readonly extra: readonly [string, string][];
  /** Per position in the last read: the series id there (-1: none yet). */
  private posId: Int32Array = new Int32Array(0);
  /** Per series id: the read it was last seen in (duplicates and stale markers), and its number of labels. */
  private seenIn: Int32Array = new Int32Array(0);
  private labelCount: Uint8Array = new Uint8Array(0);
  /** Ids seen in the last read, and how many; `spare` is the list the next read fills. */
  private live: Int32Array = new Int32Array(0);
  private liveCount = 0;
  private spare: Int32Array = new Int32Array(0);
  private epoch = 0;

  private series: SeriesRegistry | undefined;

  constructor(extra: Readonly<Record<string, string>>) {
    this.extra = Object.entries(extra);
  }

  private reset(series: SeriesRegistry): void {
    this.series = series;
    this.posId = new Int32Array(0);
    this.seenIn = new Int32Array(0);
    this.labelCount = new Uint8Array(0);
    this.live = new Int32Array(0);
    this.liveCount = 0;
    this.spare = new Int32Array(0);
  }

  read(metrics: readonly RegistryMetric[], ctx: PluginContext): MetricBatch {
    // ids belong to one series registry: a source reused by another pipeline starts over
    if (ctx.series !== this.series) this.reset(ctx.series);
    const now = ctx.clock.now();
    const epoch = ++this.epoch;
    const out = new MetricBatchBuilder(Math.max(this.liveCount, 16));
    let pos = 0;
    let seen = 0;
    let next = this.spare;
    for (const m of metrics) {
      for (const v of m.values) {
        const name = v.metricName ?? m.name;
        if (pos === this.posId.length) this.posId = growInt32(this.posId, pos + 1, -1);
        let id = this.posId[pos]!;
        if (id < 0 || !this.same(id, name, v.labels, ctx)) {
          id = this.intern(name, v.labels, ctx);
          this.posId[pos] = id;
        }
        pos++;
        if (id < 0 || this.seenIn[id] === epoch) continue;
        this.seenIn[id] = epoch;
        if (seen === next.length) next = growInt32(next, seen + 1, 0);
        next[seen++] = id;
        out.push(id, now, v.value);
      }
    }
    for (let i = 0; i < this.liveCount; i++) {
      const id = this.live[i]!;
      if (this.seenIn[id] !== epoch) out.push(id, now, Number.NaN, true);
    }
    // the two lists alternate: this read's becomes the live one, the last one is written over next time
    this.spare = this.live;
    this.live = next;
    this.liveCount = seen;
    return out.build();
  }

  /** Whether series `id` holds exactly what `labels` (plus the extra labels) would make. */
  private same(
    id: number,
    name: string,
    labels: RegistryMetric['values'][number]['labels'],
    ctx: PluginContext,
  ): boolean {
    const have = ctx.series.labels(id);
    let count = 0;
    for (const [k, val] of this.extra) {
      if (have[k] !== val) return false;
      count++;
    }
    if (!this.hasExtra('__name__')) {
      if (have.__name__ !== name) return false;
      count++;
    }
    if (labels !== undefined) {
      for (const k in labels) {
        const val = labels[k];
        if (k === '__name__') return false;
        if (val === undefined || this.hasExtra(k)) continue;
        if (have[k] !== (typeof val === 'string' ? val : String(val))) return false;
        count++;
      }
    }
    return count === this.labelCount[id];
  }

  private hasExtra(k: string): boolean {
    for (const e of this.extra) if (e[0] === k) return true;
    return false;
  }

  private intern(name: string, raw: RegistryMetric['values'][number]['labels'], ctx: PluginContext): number {
    const labels: Record<string, string> = { __name__: name };
    for (const [k, val] of Object.entries(raw ?? {})) if (val !== undefined) labels[k] = String(val);
    Object.assign(labels, Object.fromEntries(this.extra));
    const id = ctx.series.intern(labels as Labels);
    if (id < 0) return id;
    if (id >= this.seenIn.length) {
      this.seenIn = growInt32(this.seenIn, id + 1, 0);
      const counts = new Uint8Array(this.seenIn.length);
      counts.set(this.labelCount);
      this.labelCount = counts;
    }
    this.labelCount[id] = Math.min(255, Object.keys(labels).length);
    return id;
  }
}

function growInt32(a: Int32Array, n: number, fill: number): Int32Array {
  const b = new Int32Array(Math.max(n, Math.ceil(a.length * 1.5), 16)).fill(fill);
  b.set(a);
  return b;
}
