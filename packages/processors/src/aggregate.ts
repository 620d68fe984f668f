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
import { growI32, RegistryGuard } from './internal/arrays.js';
import { nameOption, positiveMs } from './internal/options.js';
import { type EmitWindow, Windows } from './internal/windows.js';

/** Options of {@link aggregate}. */
export interface AggregateOptions {
  /** How samples of a group in one step are combined. */
  op: 'sum' | 'avg' | 'min' | 'max' | 'count';
  /** Group by these labels only (PromQL `by`). Without `by` or `without`, everything forms one group. */
  by?: readonly string[];
  /** Group by every label except these and `__name__` (PromQL `without`). */
  without?: readonly string[];
  /** Step in ms; samples are grouped by timestamp floored to a multiple of it. */
  stepMs: number;
  /** Plugin name, unique within a pipeline. @default 'aggregate' */
  name?: string;
}

interface Parsed {
  op: AggregateOptions['op'];
  by?: string[] | undefined;
  without?: string[] | undefined;
  stepMs: number;
  name?: string | undefined;
}

const schema: z.ZodType<Parsed, AggregateOptions> = z
  .strictObject({
    op: z
      .enum(['sum', 'avg', 'min', 'max', 'count'])
      .describe('Aggregation over the samples of a group in a step'),
    by: z.array(z.string().min(1)).optional().describe('Labels kept in the output; groups by them'),
    without: z
      .array(z.string().min(1))
      .optional()
      .describe('Labels removed (with __name__); groups by the rest'),
    stepMs: positiveMs.describe('Step in ms; timestamps are floored to a multiple of it'),
    name: nameOption,
  })
  .refine((o) => !(o.by && o.without), {
    message: 'give either by or without, not both',
    path: ['without'],
  });

function groupLabels(labels: Labels, o: Parsed): Labels {
  const out: Record<string, string> = {};
  if (o.by) {
    for (const n of o.by) if (labels[n] !== undefined) out[n] = labels[n];
  } else if (o.without) {
    const skip = new Set(['__name__', ...o.without]);
    for (const [n, v] of Object.entries(labels)) if (!skip.has(n)) out[n] = v;
  }
  return out;
}

/**
 * Aggregates across series, like PromQL `sum by (job)`: every sample of a group whose timestamp falls in the
 * same aligned step [k·stepMs, (k+1)·stepMs) is combined, and the result is stamped with the step's start.
 * A group's step is emitted when a sample of a later step arrives for that group; open steps are emitted by
 * `flush` (at stop). Samples for a step already emitted are dropped and counted as `late`; stale markers are
 * ignored. Memory: 4 bytes per input series id, 37 bytes per group.
 * @example aggregate({ op: 'sum', by: ['job'], stepMs: 60_000 })
 */
export const aggregate: Factory<z.ZodType<Parsed, AggregateOptions>, Processor> = defineProcessor({
  name: 'aggregate',
  options: schema,
  create(opts) {
    let groups = new Groups(opts);
    let windows = new Windows(opts.op, opts.stepMs);
    const guard = new RegistryGuard();
    const emitter =
      (b: MetricBatchBuilder): EmitWindow =>
      (g, start, value) =>
        b.push(groups.outputId(g), start, value);

    return {
      ...(opts.name ? { name: opts.name } : {}),
      process(batch, ctx): MetricBatch {
        if (guard.changed(ctx.series)) {
          groups = new Groups(opts);
          windows = new Windows(opts.op, opts.stepMs);
        }
        if (batch.length === 0) return batch;
        const b = new MetricBatchBuilder(16);
        const emit = emitter(b);
        let late = 0;
        for (let i = 0; i < batch.length; i++) {
          const id = batch.series[i]!;
          if (id < 0 || batch.stale?.[i] === 1) continue;
          const g = groups.of(id, ctx);
          if (g >= 0 && !windows.add(g, batch.timestamps[i]!, batch.values[i]!, emit)) late++;
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

/** Maps input series ids to dense group indexes, once per series (4 bytes per series id, 4 per group). */
class Groups {
  private groupOf = new Int32Array(0); // group index + 1; 0 = series not seen yet
  private ids = new Int32Array(0); // output series id per group
  private readonly index = new Map<number, number>();

  constructor(private readonly opts: Parsed) {}

  /** The group of input series `id`, or -1 when its output series was refused by the series cap. */
  of(id: number, ctx: StageContext): number {
    if (id >= this.groupOf.length) this.groupOf = growI32(this.groupOf, id + 1);
    const g = this.groupOf[id]!;
    return g !== 0 ? g - 1 : this.resolve(id, ctx);
  }

  outputId(group: number): number {
    return this.ids[group]!;
  }

  private resolve(id: number, ctx: StageContext): number {
    const out = ctx.series.intern(groupLabels(ctx.series.labels(id), this.opts));
    if (out === SERIES_REJECTED) {
      ctx.metrics.count('seriesRejected');
      return -1;
    }
    let g = this.index.get(out);
    if (g === undefined) {
      g = this.index.size;
      this.index.set(out, g);
      this.ids = growI32(this.ids, g + 1);
      this.ids[g] = out;
    }
    this.groupOf[id] = g + 1;
    return g;
  }
}
