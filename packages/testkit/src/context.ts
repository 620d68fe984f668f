import {
  type Clock,
  createSeriesRegistry,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  memoryStateStore,
  type PluginContext,
  type SeriesRegistry,
  type StageContext,
  type StateStore,
  silentLogger,
  systemClock,
} from '@argus/core';

/** One sample with its labels resolved: what tests write and read instead of series ids. */
export interface SampleRow {
  readonly labels: Labels;
  /** ms since epoch. */
  readonly timestamp: number;
  readonly value: number;
  readonly stale?: boolean;
}

/** Options of {@link testContext}. */
export interface TestContextOptions {
  signal?: AbortSignal;
  /** @default Infinity */
  deadline?: number;
  clock?: Clock;
  series?: SeriesRegistry;
  state?: StateStore;
}

const noMetrics = { count() {}, gauge() {}, observe() {} };

/**
 * A {@link PluginContext} for calling a plugin's hooks directly (`start`, `write`, `stop`, …) outside a pipeline.
 * @example
 * const result = await sink.write(batch, testContext());
 */
export function testContext(options: TestContextOptions = {}): PluginContext {
  return {
    signal: options.signal ?? new AbortController().signal,
    deadline: options.deadline ?? Number.POSITIVE_INFINITY,
    log: silentLogger,
    clock: options.clock ?? systemClock,
    metrics: noMetrics,
    series: options.series ?? createSeriesRegistry(),
    state: options.state ?? memoryStateStore(),
  };
}

/** Options of {@link testStageContext}. */
export interface TestStageContextOptions {
  /** @default 0 */
  now?: number;
  /** @default 'stream' */
  mode?: 'stream' | 'batch';
  series?: SeriesRegistry;
}

/** A {@link StageContext} for calling `process`, `detect` or `evaluate` directly. */
export function testStageContext(options: TestStageContextOptions = {}): StageContext {
  return {
    now: options.now ?? 0,
    mode: options.mode ?? 'stream',
    series: options.series ?? createSeriesRegistry(),
    log: silentLogger,
    metrics: noMetrics,
  };
}

/** Builds a metric batch from labelled rows, interning each label set in `series`. */
export function batchFromRows(series: SeriesRegistry, rows: readonly SampleRow[]): MetricBatch {
  const b = new MetricBatchBuilder(rows.length);
  for (const r of rows) b.pushLabels(series, r.labels, r.timestamp, r.value, r.stale ?? false);
  return b.build();
}

/** The rows of a metric batch with labels resolved through `series`. */
export function rowsOf(series: SeriesRegistry, batch: MetricBatch): SampleRow[] {
  const out: SampleRow[] = [];
  for (let i = 0; i < batch.length; i++) {
    const row = {
      labels: series.labels(batch.series[i]!),
      timestamp: batch.timestamps[i]!,
      value: batch.values[i]!,
    };
    out.push(batch.stale?.[i] === 1 ? { ...row, stale: true } : row);
  }
  return out;
}
