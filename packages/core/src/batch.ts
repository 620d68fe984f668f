import type { Labels } from './labels.js';
import type { SeriesRegistry } from './series.js';
import { SERIES_REJECTED } from './series.js';

/**
 * Columnar samples: row `i` is sample (`series[i]`, `timestamps[i]` ms since epoch, `values[i]`).
 * NaN and ±Inf are ordinary values. Prometheus staleness is explicit in `stale` (1 = stale marker),
 * never only the NaN bit pattern, which arithmetic and object fields do not preserve.
 */
export interface MetricBatch {
  readonly kind: 'metrics';
  readonly length: number;
  readonly series: Int32Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** Per-sample staleness flag; absent when no sample in the batch is stale. */
  readonly stale?: Uint8Array;
}

/** One log line or event with its labels and fields. */
export interface LogRecord {
  readonly timestamp: number;
  readonly labels: Labels;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly severity?: string;
}

/** A batch of log records. */
export interface LogBatch {
  readonly kind: 'logs';
  readonly records: readonly LogRecord[];
}

/** An alert raised by another system (Azure Monitor, Prometheus, …), to be managed with Argus's own. */
export interface AlertEvent {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly status: 'firing' | 'resolved';
  readonly startsAt: number;
  readonly endsAt?: number;
  /** Where the event came from, e.g. `azure-monitor`. */
  readonly origin: string;
  readonly generatorURL?: string;
}

/** A batch of external alert events. */
export interface AlertEventBatch {
  readonly kind: 'alertEvents';
  readonly events: readonly AlertEvent[];
}

/** What a source produces. */
export type SourceBatch = MetricBatch | LogBatch | AlertEventBatch;

/** An empty metric batch. */
export const EMPTY_METRICS: MetricBatch = Object.freeze({
  kind: 'metrics',
  length: 0,
  series: new Int32Array(0),
  timestamps: new Float64Array(0),
  values: new Float64Array(0),
}) as MetricBatch;

/** Wraps columns in a batch, checking their lengths agree. */
export function metricBatch(
  series: Int32Array,
  timestamps: Float64Array,
  values: Float64Array,
  stale?: Uint8Array,
): MetricBatch {
  const n = series.length;
  if (timestamps.length !== n || values.length !== n || (stale && stale.length !== n)) {
    throw new RangeError(
      `metricBatch: column lengths differ (series ${n}, timestamps ${timestamps.length}, values ${values.length}${stale ? `, stale ${stale.length}` : ''})`,
    );
  }
  return stale
    ? { kind: 'metrics', length: n, series, timestamps, values, stale }
    : { kind: 'metrics', length: n, series, timestamps, values };
}

/** A view of rows [start, end) of a batch; no copying. */
export function sliceBatch(batch: MetricBatch, start: number, end: number): MetricBatch {
  return metricBatch(
    batch.series.subarray(start, end),
    batch.timestamps.subarray(start, end),
    batch.values.subarray(start, end),
    batch.stale?.subarray(start, end),
  );
}

/**
 * Builds a metric batch row by row, growing typed arrays geometrically. Samples whose series
 * was rejected by the registry's cap are skipped and counted in `rejected`.
 */
export class MetricBatchBuilder {
  private s: Int32Array;
  private t: Float64Array;
  private v: Float64Array;
  private st: Uint8Array | undefined;
  private n = 0;
  /** Samples skipped because their series id was {@link SERIES_REJECTED}. */
  rejected = 0;

  constructor(capacity = 256) {
    const c = Math.max(1, capacity);
    this.s = new Int32Array(c);
    this.t = new Float64Array(c);
    this.v = new Float64Array(c);
  }

  /** Number of rows so far. */
  get length(): number {
    return this.n;
  }

  /** Appends one sample. */
  push(series: number, timestamp: number, value: number, stale = false): void {
    if (series === SERIES_REJECTED) {
      this.rejected++;
      return;
    }
    if (this.n === this.s.length) this.grow();
    const i = this.n++;
    this.s[i] = series;
    this.t[i] = timestamp;
    this.v[i] = value;
    if (stale) {
      this.st ??= new Uint8Array(this.s.length);
      this.st[i] = 1;
    }
  }

  /** Interns the labels with `registry` and appends the sample. */
  pushLabels(
    registry: SeriesRegistry,
    labels: Labels,
    timestamp: number,
    value: number,
    stale = false,
  ): void {
    this.push(registry.intern(labels), timestamp, value, stale);
  }

  /** Returns the batch (views trimmed to length) and resets the builder. */
  build(): MetricBatch {
    const n = this.n;
    const batch = metricBatch(
      this.s.slice(0, n),
      this.t.slice(0, n),
      this.v.slice(0, n),
      this.st?.slice(0, n),
    );
    this.n = 0;
    this.st = undefined;
    return batch;
  }

  private grow(): void {
    const c = this.s.length * 2;
    const s = new Int32Array(c);
    s.set(this.s);
    const t = new Float64Array(c);
    t.set(this.t);
    const v = new Float64Array(c);
    v.set(this.v);
    this.s = s;
    this.t = t;
    this.v = v;
    if (this.st) {
      const st = new Uint8Array(c);
      st.set(this.st);
      this.st = st;
    }
  }
}
