import {
  API_VERSION,
  MetricBatchBuilder,
  type PluginContext,
  parseOptions,
  type Sink,
  type SinkBatch,
  type SinkInputKind,
  type Source,
  type SourceBatch,
  type TimeRange,
  type WriteResult,
} from '@argus/core';
import { z } from 'zod';
import type { Store } from './store.js';

/** Options of {@link storeSink}. */
export interface StoreSinkOptions {
  /** Plugin name. @default 'store' */
  name?: string;
  /** What to record. @default ['metrics', 'findings', 'alerts'] */
  accepts?: ('metrics' | 'findings' | 'alerts')[];
}

const sinkSchema: z.ZodType<Required<StoreSinkOptions>, StoreSinkOptions> = z
  .object({
    name: z.string().min(1).default('store').describe('Plugin name, unique within the pipeline.'),
    accepts: z
      .array(z.enum(['metrics', 'findings', 'alerts']))
      .min(1)
      .default(['metrics', 'findings', 'alerts'])
      .describe('What the sink records: samples, findings and/or alert changes.'),
  })
  .strict();

/**
 * A sink that records every batch into `store`: samples (labels resolved through `ctx.series`), findings
 * and alert changes. `start` opens the store (loading its data directory), `flush`/`stop` flush it; closing
 * the store stays with its owner.
 * @example createPipeline({ sources, detectors, sinks: [storeSink(store)] })
 */
export function storeSink(store: Store, options: StoreSinkOptions = {}): Sink {
  const o = parseOptions(sinkSchema, options, 'store');
  let stopped = false;
  return {
    kind: 'sink',
    name: o.name,
    apiVersion: API_VERSION,
    accepts: o.accepts as SinkInputKind[],
    start: (ctx) => store.open({ log: (m) => ctx.log.warn(m) }),
    write(batch: SinkBatch, ctx: PluginContext): WriteResult {
      if (stopped) return { ok: false, retryable: false, error: new Error(`${o.name}: write after stop`) };
      try {
        if (batch.kind === 'metrics') store.appendBatch(batch, ctx.series);
        else if (batch.kind === 'findings') store.recordFindings(batch.findings, ctx.series);
        else if (batch.kind === 'alerts') store.recordAlerts(batch.alerts);
        return { ok: true };
      } catch (err) {
        return { ok: false, retryable: false, error: err instanceof Error ? err : new Error(String(err)) };
      }
    },
    flush: () => store.flush(),
    async stop() {
      stopped = true;
      await store.flush();
    },
  };
}

/** Options of {@link storeSource}. */
export interface StoreSourceOptions {
  /** Plugin name. @default 'store' */
  name?: string;
  /** Which series to replay, as a PromQL selector. @default every series */
  matchers?: string;
  /** Most samples per emitted batch. @default 8192 */
  batchSamples?: number;
  /** Where raw data has been rolled up, replay one point per bucket with its `avg` or `last`, or skip it. @default 'avg' */
  rollups?: 'avg' | 'last' | 'none';
}

const sourceSchema: z.ZodType<Required<StoreSourceOptions>, StoreSourceOptions> = z
  .object({
    name: z.string().min(1).default('store').describe('Plugin name, unique within the pipeline.'),
    matchers: z.string().default('{__name__=~".*"}').describe('PromQL selector of the series to replay.'),
    batchSamples: z.number().int().positive().default(8192).describe('Most samples per emitted batch.'),
    rollups: z
      .enum(['avg', 'last', 'none'])
      .default('avg')
      .describe('Where raw data was rolled up: replay one point per bucket (its avg or last), or none.'),
  })
  .strict();

/**
 * A source that replays recorded samples for `pipeline.runBatch`, merged across series in time order
 * (backtests and trend reports in embedded mode); older history that only survives as rollups is replayed
 * as one point per bucket. It has no `poll`: it reads history only.
 * @example await createPipeline({ sources: [storeSource(store)], detectors }).runBatch({ from, to, stepMs: 15_000 })
 */
export function storeSource(store: Store, options: StoreSourceOptions = {}): Source {
  const o = parseOptions(sourceSchema, options, 'store');
  return {
    kind: 'source',
    name: o.name,
    apiVersion: API_VERSION,
    start: (ctx) => store.open({ log: (m) => ctx.log.warn(m) }),
    readRange: (range: TimeRange, ctx: PluginContext) => replay(store, o, range, ctx),
  };
}

async function* replay(
  store: Store,
  o: Required<StoreSourceOptions>,
  range: TimeRange,
  ctx: PluginContext,
): AsyncIterable<SourceBatch> {
  const rows = store.readSeries(o.matchers, range.from, range.to, o.rollups);
  const ids = rows.map((r) => ctx.series.intern(r.labels));
  let n = 0;
  for (const r of rows) n += r.timestamps.length;
  const t = new Float64Array(n);
  const row = new Int32Array(n);
  const at = new Int32Array(n);
  let j = 0;
  rows.forEach((r, k) => {
    t.set(r.timestamps, j);
    for (let i = 0; i < r.timestamps.length; i++, j++) {
      row[j] = k;
      at[j] = i;
    }
  });
  // stable order by time: ties keep series order, each series' own order is kept
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, c) => t[a]! - t[c]! || a - c);
  let b = new MetricBatchBuilder(Math.min(o.batchSamples, 1024));
  for (const q of order) {
    if (ctx.signal.aborted) return;
    const r = rows[row[q]!]!;
    const i = at[q]!;
    b.push(ids[row[q]!]!, t[q]!, r.values[i]!, r.stale[i] === 1);
    if (b.length >= o.batchSamples) {
      yield b.build();
      b = new MetricBatchBuilder(Math.min(o.batchSamples, 1024));
    }
  }
  if (b.length > 0) yield b.build();
}
