// The parts of an OTLP `ExportMetricsServiceRequest` the receiver uses, decoded from protobuf (otlp-protobuf.ts)
// or JSON (otlp-json.ts) into one shape, so the mapping to series (otlp-series.ts) is written once.
// Attribute values are already strings, as Prometheus labels need them.

/** Attributes as `[key, value]` pairs, values turned into strings. */
export type OtlpAttributes = [key: string, value: string][];

interface PointBase {
  attributes: OtlpAttributes;
  /** `time_unix_nano` in ms; 0 when the sender left it out. */
  timeMs: number;
  /** `flags` bit 0: FLAG_NO_RECORDED_VALUE (the series went away; becomes a staleness marker). */
  noRecordedValue: boolean;
}

export interface NumberPoint extends PointBase {
  value: number;
}

export interface HistogramPoint extends PointBase {
  count: number;
  /** Absent when the sender did not record it (optional in OTLP, e.g. for negative measurements). */
  sum: number | undefined;
  bucketCounts: number[];
  explicitBounds: number[];
}

export interface SummaryPoint extends PointBase {
  count: number;
  sum: number;
  quantiles: [quantile: number, value: number][];
}

/** `AggregationTemporality`: 0 unspecified, 1 delta, 2 cumulative. */
export const DELTA = 1;
export const CUMULATIVE = 2;

export type OtlpMetric = {
  name: string;
  unit: string;
} & (
  | { type: 'gauge'; points: NumberPoint[] }
  | { type: 'sum'; monotonic: boolean; temporality: number; points: NumberPoint[] }
  | { type: 'histogram'; temporality: number; points: HistogramPoint[] }
  /** Exponential histograms are counted as rejected points, not mapped. */
  | { type: 'exponentialHistogram'; points: { length: number } }
  /** A metric without a data field. */
  | { type: 'empty'; points: { length: number } }
  | { type: 'summary'; points: SummaryPoint[] }
);

export interface OtlpScope {
  name: string;
  version: string;
  metrics: OtlpMetric[];
}

export interface OtlpResourceMetrics {
  resource: OtlpAttributes;
  scopes: OtlpScope[];
}

/** Turns an OTLP `AnyValue` into a label value as the OTel→Prometheus compatibility spec says (arrays as JSON). */
export function attributeString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return JSON.stringify(v) ?? '';
}
