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

const schema: z.ZodType<Parsed, RateOptions> = z.object({
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
    let prevT = new Float64Array(0);
    let prevV = new Float64Array(0);
    let has = new Uint8Array(0);
    let outIds = new Int32Array(0); // output id + 1; 0 = series not seen yet
    let pending = new Map<string, [number, number]>();
    const guard = new RegistryGuard();

    const reset = (): void => {
      prevT = new Float64Array(0);
      prevV = new Float64Array(0);
      has = new Uint8Array(0);
      outIds = new Int32Array(0);
    };
    const ensure = (id: number): void => {
      if (id < outIds.length) return;
      prevT = growF64(prevT, id + 1);
      prevV = growF64(prevV, id + 1);
      has = growU8(has, id + 1);
      outIds = growI32(outIds, id + 1);
    };
    const firstSight = (id: number, ctx: StageContext): number => {
      const out = ctx.series.intern(outputLabels(ctx.series.labels(id), opts.nameSuffix));
      if (out === SERIES_REJECTED) {
        ctx.metrics.count('seriesRejected');
        return 0;
      }
      if (pending.size > 0) {
        const fp = ctx.series.fingerprint(id);
        const saved = pending.get(fp);
        if (saved) {
          pending.delete(fp);
          [prevT[id], prevV[id]] = saved;
          has[id] = 1;
        }
      }
      return (outIds[id] = out + 1);
    };

    return {
      ...(opts.name ? { name: opts.name } : {}),
      process(batch, ctx): MetricBatch {
        if (guard.changed(ctx.series)) reset();
        if (batch.length === 0) return batch;
        const b = new MetricBatchBuilder(batch.length);
        const { series, timestamps, values, stale } = batch;
        for (let i = 0; i < batch.length; i++) {
          const id = series[i]!;
          if (id < 0) continue;
          ensure(id);
          const o = outIds[id] || firstSight(id, ctx);
          if (o === 0) continue;
          const t = timestamps[i]!;
          const v = values[i]!;
          if (stale?.[i] === 1) {
            has[id] = 0;
            b.push(o - 1, t, Number.NaN, true);
          } else if (Number.isNaN(v)) {
            ctx.metrics.count('nanSkipped');
          } else if (has[id] === 0) {
            has[id] = 1;
            prevT[id] = t;
            prevV[id] = v;
          } else {
            const dt = t - prevT[id]!;
            if (dt <= 0) {
              ctx.metrics.count(dt === 0 ? 'duplicate' : 'outOfOrder');
              continue;
            }
            b.push(o - 1, t, change(opts.mode, prevV[id]!, v, dt));
            prevT[id] = t;
            prevV[id] = v;
          }
        }
        return b.length === 0 ? EMPTY_METRICS : b.build();
      },
      snapshot(ctx): RateSnapshot {
        const out: RateSnapshot = { version: 1, series: Object.fromEntries(pending) };
        for (let id = 0; id < has.length; id++) {
          if (has[id] === 1) out.series[ctx.series.fingerprint(id)] = [prevT[id]!, prevV[id]!];
        }
        return out;
      },
      restore(state): void {
        pending = parseSnapshot(state);
        reset();
      },
    };
  },
});

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
