import {
  defineProcessor,
  type Factory,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  type Processor,
  SERIES_REJECTED,
  type StageContext,
} from '@argus/core';
import { z } from 'zod';
import { grown } from './columns.js';

/** Options of {@link deriveSeries}. */
export interface DeriveSeriesOptions {
  /** Counter of requests whose 5xx share becomes `argus:http_error_ratio`. @default 'http_requests_total' */
  requestsMetric?: string;
  /** Label of that counter holding the HTTP status code. @default 'status' */
  statusLabel?: string;
  /** Plugin name, unique within a pipeline. @default 'derive' */
  name?: string;
}

interface Parsed {
  requestsMetric: string;
  statusLabel: string;
  name?: string | undefined;
}

const schema: z.ZodType<Parsed, DeriveSeriesOptions> = z.strictObject({
  requestsMetric: z
    .string()
    .min(1)
    .default('http_requests_total')
    .describe('Counter of requests whose 5xx share becomes argus:http_error_ratio'),
  statusLabel: z
    .string()
    .min(1)
    .default('status')
    .describe('Label of that counter holding the HTTP status code'),
  name: z.string().min(1).optional().describe('Plugin name, unique within a pipeline'),
});

/** What a raw series contributes to: a histogram/summary mean (by key), or the error ratio. */
type Role =
  | { kind: 'sum' | 'count'; key: string; base: string; rest: Labels }
  | { kind: 'requests'; error: boolean }
  | { kind: 'none' };

interface MeanAcc {
  base: string;
  rest: Labels;
  sum: number;
  count: number;
  parts: number;
}

/** Name of the error-ratio series {@link deriveSeries} adds. */
export const ERROR_RATIO_METRIC = 'argus:http_error_ratio';

/**
 * Passes every sample through and adds the series that make sense to watch in a service, because raw
 * counters only ever grow: `argus:<histogram>:mean` (Δsum / Δcount between two reads, per label set, for every
 * histogram and summary — e.g. the mean request latency) and `argus:http_error_ratio` (the share of requests
 * with a 5xx status between two reads). Counter resets count from zero, as in Prometheus.
 * @example deriveSeries({ requestsMetric: 'http_requests_total', statusLabel: 'code' })
 */
export const deriveSeries: Factory<z.ZodType<Parsed, DeriveSeriesOptions>, Processor> = defineProcessor({
  name: 'derive',
  options: schema,
  create(o) {
    const state = new DeriveState(o);
    return {
      ...(o.name ? { name: o.name } : {}),
      process: (batch, ctx) => state.process(batch, ctx),
    };
  },
});

/** The role of most series (every one that is not a histogram/summary part or the requests counter): shared. */
const NONE: Role = Object.freeze({ kind: 'none' });

class DeriveState {
  // by series id (small and dense): 0 not classified yet, 1 plays no role, 2 has its role in `roles`. A watched
  // registry may hold 100k series that all play no role: a byte each, where a slot of an array of roles cost 8
  private known = new Uint8Array(0);
  private readonly roles = new Map<number, Role>();
  private readonly prev = new Map<number, number>();

  constructor(private readonly o: Parsed) {}

  process(batch: MetricBatch, ctx: StageContext): MetricBatch {
    const means = new Map<string, MeanAcc>();
    const req = { total: 0, errors: 0, seen: false };
    let t = ctx.now;
    for (let i = 0; i < batch.length; i++) {
      const id = batch.series[i]!;
      if (id < 0) continue;
      const role = this.role(id, ctx);
      if (role.kind === 'none') continue;
      t = batch.timestamps[i]!;
      const inc = this.increase(id, batch.values[i]!, batch.stale?.[i] === 1);
      if (inc === undefined) continue;
      if (role.kind === 'requests') {
        req.seen = true;
        req.total += inc;
        if (role.error) req.errors += inc;
        continue;
      }
      const acc = means.get(role.key) ?? { base: role.base, rest: role.rest, sum: 0, count: 0, parts: 0 };
      acc[role.kind] += inc;
      acc.parts |= role.kind === 'sum' ? 1 : 2;
      means.set(role.key, acc);
    }
    return this.output(batch, ctx, t, means, req);
  }

  private output(
    batch: MetricBatch,
    ctx: StageContext,
    t: number,
    means: Map<string, MeanAcc>,
    req: { total: number; errors: number; seen: boolean },
  ): MetricBatch {
    // nothing derived in this batch: pass it on as it is (a processor may return its input, unmodified)
    if (means.size === 0 && !(req.seen && req.total > 0)) return batch;
    const out = new MetricBatchBuilder(batch.length + means.size + 1);
    for (let i = 0; i < batch.length; i++) {
      out.push(batch.series[i]!, batch.timestamps[i]!, batch.values[i]!, batch.stale?.[i] === 1);
    }
    const add = (labels: Labels, value: number): void => {
      const id = ctx.series.intern(labels);
      if (id !== SERIES_REJECTED) out.push(id, t, value);
    };
    // no requests in the interval: no mean and no ratio (a gap), rather than a made-up zero
    for (const m of means.values()) {
      if (m.parts === 3 && m.count > 0) add({ ...m.rest, __name__: `argus:${m.base}:mean` }, m.sum / m.count);
    }
    if (req.seen && req.total > 0) add({ __name__: ERROR_RATIO_METRIC }, req.errors / req.total);
    return out.build();
  }

  /** Increase since the previous sample of the series; undefined for its first sample or a stale marker. */
  private increase(id: number, v: number, stale: boolean): number | undefined {
    const before = this.prev.get(id);
    if (stale || Number.isNaN(v)) {
      this.prev.delete(id);
      return undefined;
    }
    this.prev.set(id, v);
    if (before === undefined) return undefined;
    return v < before ? v : v - before;
  }

  private role(id: number, ctx: StageContext): Role {
    const known = id < this.known.length ? this.known[id]! : 0;
    if (known === 1) return NONE;
    if (known === 2) return this.roles.get(id)!;
    const role = classify(ctx.series.labels(id), this.o);
    if (id >= this.known.length) this.known = grown(this.known, id + 1);
    this.known[id] = role.kind === 'none' ? 1 : 2;
    if (role.kind !== 'none') this.roles.set(id, role);
    return role;
  }
}

function classify(labels: Labels, o: Parsed): Role {
  const { __name__: name, ...rest } = labels;
  if (name === undefined) return NONE;
  if (name === o.requestsMetric) return { kind: 'requests', error: /^5/.test(rest[o.statusLabel] ?? '') };
  const m = /^(.+)_(sum|count)$/.exec(name);
  if (!m || name.startsWith('argus:')) return NONE;
  const base = m[1]!;
  const key = `${base}\u0000${Object.entries(rest)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('\u0001')}`;
  return { kind: m[2] as 'sum' | 'count', key, base, rest };
}
