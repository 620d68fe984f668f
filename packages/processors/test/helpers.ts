import {
  createSeriesRegistry,
  formatLabels,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  type SeriesRegistry,
  type StageContext,
  silentLogger,
} from '@argus/core';

/** A stage context over `series`, recording what the plugin counts. */
export function stageContext(
  series: SeriesRegistry = createSeriesRegistry(),
): StageContext & { counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  return {
    now: 0,
    mode: 'stream',
    series,
    log: silentLogger,
    counts,
    metrics: {
      count: (name, value = 1) => {
        counts[name] = (counts[name] ?? 0) + value;
      },
      gauge: () => {},
      observe: () => {},
    },
  };
}

/** A row given with labels instead of an id: [labels, t, v, stale?]. */
export type Row = [labels: Labels, t: number, v: number, stale?: boolean];

/** Builds a batch, interning the labels of each row in `series`. */
export function batchOf(series: SeriesRegistry, rows: Row[]): MetricBatch {
  const b = new MetricBatchBuilder();
  for (const [labels, t, v, stale] of rows) b.pushLabels(series, labels, t, v, stale ?? false);
  return b.build();
}

/** A batch as readable rows: [series as PromQL text, t, v] (plus `'stale'` for stale markers). */
export function readRows(series: SeriesRegistry, batch: MetricBatch | undefined): unknown[][] {
  const out: unknown[][] = [];
  if (!batch) return out;
  for (let i = 0; i < batch.length; i++) {
    const row: unknown[] = [
      formatLabels(series.labels(batch.series[i]!)),
      batch.timestamps[i],
      batch.values[i],
    ];
    if (batch.stale?.[i] === 1) row.push('stale');
    out.push(row);
  }
  return out;
}

/** Copies a batch's columns so a test can check they were not modified. */
export function copyColumns(b: MetricBatch): unknown {
  return {
    series: Array.from(b.series),
    timestamps: Array.from(b.timestamps),
    values: Array.from(b.values),
    stale: b.stale ? Array.from(b.stale) : undefined,
  };
}

/** Runs `fn` expecting an `ERR_PLUGIN_OPTIONS` error and returns its message. */
export function optionsError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (e.code !== 'ERR_PLUGIN_OPTIONS') throw err;
    return e.message;
  }
  throw new Error('expected ERR_PLUGIN_OPTIONS, nothing was thrown');
}
