import {
  defineProcessor,
  EMPTY_METRICS,
  type Factory,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  type Processor,
  SERIES_REJECTED,
  type StageContext,
} from '@argus/core';
import { z } from 'zod';
import { growF64, growI32, growU8, RegistryGuard } from './internal/arrays.js';
import { nameOption } from './internal/options.js';

/** Options of {@link rate}. */
export interface RateOptions {
  /**
   * `rate`: per-second increase of a counter; `increase`: increase since the previous sample; both treat a
   * drop as a counter reset. `delta`: plain difference (for gauges, no reset handling). @default 'rate'
   */
  mode?: 'rate' | 'increase' | 'delta';
  /**
   * Unset: the output drops `__name__`, as PromQL's `rate()` does. A string: the output keeps the name with this
   * suffix appended (`''` keeps it unchanged), e.g. `':rate'`. @default undefined
   */
  nameSuffix?: string;
  /** Plugin name, unique within a pipeline. @default 'rate' */
  name?: string;
}

interface Parsed {
  mode: 'rate' | 'increase' | 'delta';
  nameSuffix?: string | undefined;
  name?: string | undefined;
}

const schema: z.ZodType<Parsed, RateOptions> = z.strictObject({
  mode: z
    .enum(['rate', 'increase', 'delta'])
    .default('rate')
    .describe('rate (per second), increase (since previous sample) or delta (gauge difference)'),
  nameSuffix: z
    .string()
    .optional()
    .describe('Keep __name__ with this suffix appended; unset drops the name like PromQL'),
  name: nameOption,
});

/** What {@link rate}'s snapshot holds: last timestamp and value per series fingerprint. */
interface RateSnapshot {
  version: 1;
  series: Record<string, [t: number, v: number]>;
}

/** Output labels: the input's, without `__name__` unless a suffix is asked for. */
function outputLabels(input: Labels, nameSuffix: string | undefined): Labels {
  const { __name__: name, ...rest } = input;
  return nameSuffix !== undefined && name !== undefined ? { ...rest, __name__: name + nameSuffix } : rest;
}

function change(mode: Parsed['mode'], prev: number, v: number, dtMs: number): number {
  if (mode === 'delta') return v - prev;
  // a counter that went down was reset: everything it counts now happened since the reset (as in Prometheus)
  const inc = v < prev ? v : v - prev;
  return mode === 'increase' ? inc : inc / (dtMs / 1000);
}

/**
 * Turns counters into per-second rates (or increases, or gauge deltas) sample by sample: each sample yields
 * the change since the previous sample of its series, stamped with its own timestamp. The first sample of a
 * series yields nothing; a stale marker resets the series and passes through (stale) on the output series;
 * NaN samples are skipped (`nanSkipped`), as are duplicate and out-of-order timestamps (`duplicate`,
 * `outOfOrder` in `ctx.metrics`). Memory: 21 bytes per series id (typed arrays). State survives restarts
 * through `snapshot`/`restore`, keyed by series fingerprint.
 * @example rate({ mode: 'rate', nameSuffix: ':rate' })
 */
export const rate: Factory<z.ZodType<Parsed, RateOptions>, Processor> = defineProcessor({
  name: 'rate',
  options: schema,
  create(opts) {
    const state = new RateState(opts);
    return {
      ...(opts.name ? { name: opts.name } : {}),
      process: (batch, ctx) => state.process(batch, ctx),
      snapshot: (ctx) => state.snapshot(ctx),
      restore: (saved) => state.restore(saved),
    };
  },
});

/** Per-series state of {@link rate}, in typed arrays indexed by input series id. */
class RateState {
  private prevT = new Float64Array(0);
  private prevV = new Float64Array(0);
  private has = new Uint8Array(0);
  private outIds = new Int32Array(0); // output id + 1; 0 = series not seen yet
  /** Restored entries whose series has not been seen since, by fingerprint. */
  private pending = new Map<string, [number, number]>();
  private readonly guard = new RegistryGuard();

  constructor(private readonly opts: Parsed) {}

  process(batch: MetricBatch, ctx: StageContext): MetricBatch {
    if (this.guard.changed(ctx.series)) this.reset();
    if (batch.length === 0) return batch;
    const b = new MetricBatchBuilder(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const id = batch.series[i]!;
      if (id < 0) continue;
      this.ensure(id);
      const o = this.outIds[id] || this.firstSight(id, ctx);
      if (o !== 0) this.step(id, o - 1, batch, i, b, ctx);
    }
    return b.length === 0 ? EMPTY_METRICS : b.build();
  }

  snapshot(ctx: StageContext): RateSnapshot {
    const out: RateSnapshot = { version: 1, series: Object.fromEntries(this.pending) };
    for (let id = 0; id < this.has.length; id++) {
      if (this.has[id] === 1) out.series[ctx.series.fingerprint(id)] = [this.prevT[id]!, this.prevV[id]!];
    }
    return out;
  }

  restore(saved: unknown): void {
    this.pending = parseSnapshot(saved);
    this.reset();
  }

  private step(
    id: number,
    out: number,
    batch: MetricBatch,
    i: number,
    b: MetricBatchBuilder,
    ctx: StageContext,
  ): void {
    const t = batch.timestamps[i]!;
    const v = batch.values[i]!;
    if (batch.stale?.[i] === 1) {
      this.has[id] = 0;
      b.push(out, t, Number.NaN, true);
    } else if (Number.isNaN(v)) {
      ctx.metrics.count('nanSkipped');
    } else if (this.has[id] === 0) {
      this.remember(id, t, v);
    } else {
      const dt = t - this.prevT[id]!;
      if (dt <= 0) {
        ctx.metrics.count(dt === 0 ? 'duplicate' : 'outOfOrder');
        return;
      }
      b.push(out, t, change(this.opts.mode, this.prevV[id]!, v, dt));
      this.remember(id, t, v);
    }
  }

  private remember(id: number, t: number, v: number): void {
    this.has[id] = 1;
    this.prevT[id] = t;
    this.prevV[id] = v;
  }

  private firstSight(id: number, ctx: StageContext): number {
    const out = ctx.series.intern(outputLabels(ctx.series.labels(id), this.opts.nameSuffix));
    if (out === SERIES_REJECTED) {
      ctx.metrics.count('seriesRejected');
      return 0;
    }
    if (this.pending.size > 0) {
      const fp = ctx.series.fingerprint(id);
      const saved = this.pending.get(fp);
      if (saved) {
        this.pending.delete(fp);
        this.remember(id, saved[0], saved[1]);
      }
    }
    return (this.outIds[id] = out + 1);
  }

  private ensure(id: number): void {
    if (id < this.outIds.length) return;
    this.prevT = growF64(this.prevT, id + 1);
    this.prevV = growF64(this.prevV, id + 1);
    this.has = growU8(this.has, id + 1);
    this.outIds = growI32(this.outIds, id + 1);
  }

  private reset(): void {
    this.prevT = new Float64Array(0);
    this.prevV = new Float64Array(0);
    this.has = new Uint8Array(0);
    this.outIds = new Int32Array(0);
  }
}

function parseSnapshot(state: unknown): Map<string, [number, number]> {
  const s = state as Partial<RateSnapshot> | null;
  if (typeof s !== 'object' || s === null || s.version !== 1 || typeof s.series !== 'object' || !s.series) {
    throw new Error('rate: snapshot is not a version 1 rate snapshot; starting fresh');
  }
  const out = new Map<string, [number, number]>();
  for (const [fp, tv] of Object.entries(s.series)) {
    if (!Array.isArray(tv) || typeof tv[0] !== 'number' || typeof tv[1] !== 'number') {
      throw new Error(`rate: snapshot entry ${fp} is not [timestamp, value]; starting fresh`);
    }
    out.set(fp, [tv[0], tv[1]]);
  }
  return out;
}
