import {
  defineProcessor,
  EMPTY_METRICS,
  type Factory,
  type MetricBatch,
  MetricBatchBuilder,
  type Processor,
} from '@argus/core';
import { z } from 'zod';
import { RegistryGuard } from './internal/arrays.js';
import { nameOption, positiveMs } from './internal/options.js';
import { type EmitWindow, Windows } from './internal/windows.js';

/** Options of {@link downsample}. */
export interface DownsampleOptions {
  /** Window length in ms; windows are aligned to the epoch. */
  stepMs: number;
  /** How a window's samples become one value. `last` takes the sample with the latest timestamp. */
  fn: 'avg' | 'min' | 'max' | 'last' | 'sum' | 'count' | 'quantile';
  /** φ in [0, 1] for `fn: 'quantile'` (required then, refused otherwise). */
  quantile?: number;
  /** Plugin name, unique within a pipeline. @default 'downsample' */
  name?: string;
}

interface Parsed {
  stepMs: number;
  fn: DownsampleOptions['fn'];
  quantile?: number | undefined;
  name?: string | undefined;
}

const schema: z.ZodType<Parsed, DownsampleOptions> = z
  .strictObject({
    stepMs: positiveMs.describe('Window length in ms, aligned to the epoch'),
    fn: z
      .enum(['avg', 'min', 'max', 'last', 'sum', 'count', 'quantile'])
      .describe('Reduction of the samples of one window'),
    quantile: z.number().min(0).max(1).optional().describe('φ in [0, 1], for fn: quantile'),
    name: nameOption,
  })
  .refine((o) => (o.fn === 'quantile') === (o.quantile !== undefined), {
    message: 'quantile is required with fn: "quantile" and only allowed with it',
    path: ['quantile'],
  });

/**
 * Reduces each series to one sample per window of `stepMs` ([k·stepMs, (k+1)·stepMs)). The output sample is
 * stamped with the **window start** and keeps the series id. A window is emitted when a sample of a later
 * window arrives for its series, or by `flush` (at stop). Samples older than the open window are dropped and
 * counted as `late`. A stale marker emits the open window, then passes through (stale) at its own timestamp.
 * NaN propagates through avg and sum; min/max/quantile ignore it unless every sample is NaN.
 * Memory: 33 bytes per series id, plus the window's values for `quantile`.
 * @example downsample({ stepMs: 60_000, fn: 'quantile', quantile: 0.99 })
 */
export const downsample: Factory<z.ZodType<Parsed, DownsampleOptions>, Processor> = defineProcessor({
  name: 'downsample',
  options: schema,
  create(opts) {
    let windows = new Windows(opts.fn, opts.stepMs, opts.quantile);
    const guard = new RegistryGuard();
    const emitter =
      (b: MetricBatchBuilder): EmitWindow =>
      (id, start, value) =>
        b.push(id, start, value);

    return {
      ...(opts.name ? { name: opts.name } : {}),
      process(batch, ctx): MetricBatch {
        if (guard.changed(ctx.series)) windows = new Windows(opts.fn, opts.stepMs, opts.quantile);
        if (batch.length === 0) return batch;
        const b = new MetricBatchBuilder(16);
        const emit = emitter(b);
        let late = 0;
        for (let i = 0; i < batch.length; i++) {
          const id = batch.series[i]!;
          if (id < 0) continue;
          const t = batch.timestamps[i]!;
          if (batch.stale?.[i] === 1) {
            windows.close(id, emit);
            b.push(id, t, Number.NaN, true);
          } else if (!windows.add(id, t, batch.values[i]!, emit)) late++;
        }
        if (late > 0) ctx.metrics.count('late', late);
        return b.length === 0 ? EMPTY_METRICS : b.build();
      },
      flush(): MetricBatch | undefined {
        const b = new MetricBatchBuilder(16);
        windows.closeAll(emitter(b));
        return b.length === 0 ? undefined : b.build();
      },
    };
  },
});
