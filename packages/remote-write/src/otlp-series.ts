// Maps decoded OTLP metrics to Argus series the way OpenTelemetry's "Prometheus and OpenMetrics compatibility"
// spec maps them to Prometheus, so a query written for Prometheus's own OTLP receiver finds the same series here:
// - names: invalid characters become `_`, the unit becomes a suffix (`s` → `_seconds`, `By` → `_bytes`, `1` on a
//   gauge → `_ratio`), monotonic sums get `_total`;
// - attributes become labels (invalid characters `_`, values of names that collide joined with `;`);
// - `service.namespace`/`service.name` becomes `job`, `service.instance.id` becomes `instance`, the other resource
//   attributes go on one `target_info` series per resource; the scope adds `otel_scope_name`/`otel_scope_version`;
// - cumulative histograms become `_bucket{le}` (cumulative counts, `+Inf` = count), `_sum` and `_count`;
//   summaries become `{quantile}`, `_sum`, `_count`;
// - a point flagged "no recorded value" becomes a staleness marker.
// What Prometheus cannot represent as float series is counted as rejected (OTLP partial success), not guessed at:
// delta temporality (Prometheus drops it too), exponential histograms, histograms whose buckets do not match.

import { type MetricBatch, MetricBatchBuilder, type SeriesRegistry } from '@argus/core';
import {
  CUMULATIVE,
  DELTA,
  type HistogramPoint,
  type NumberPoint,
  type OtlpAttributes,
  type OtlpMetric,
  type OtlpResourceMetrics,
  type SummaryPoint,
} from './otlp-model.js';

const UNITS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};
const PER_UNITS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

const clean = (s: string): string => s.replace(/[^a-zA-Z0-9_:]+/g, '_').replace(/^_+|_+$/g, '');

/** The Prometheus suffix for a UCUM unit; '' when it has none (`{requests}` annotations are dropped). */
export function unitSuffix(unit: string, gauge: boolean): string {
  const u = unit.replace(/\{[^}]*\}/g, '').trim();
  if (u === '1') return gauge ? 'ratio' : '';
  if (u === '') return '';
  const [main = '', per] = u.split('/', 2);
  const parts = [main === '' ? '' : clean(UNITS[main] ?? main)];
  if (per !== undefined && per !== '') parts.push('per', clean(PER_UNITS[per] ?? per));
  return parts.filter((p) => p !== '').join('_');
}

/** The Prometheus metric name of an OTLP metric (before `_bucket`/`_sum`/`_count` for histograms and summaries). */
export function otlpMetricName(name: string, unit: string, kind: 'gauge' | 'counter' | 'other'): string {
  let n = name.replace(/[^a-zA-Z0-9_:]+/g, '_');
  if (/^[0-9]/.test(n)) n = `_${n}`;
  const suffix = unitSuffix(unit, kind === 'gauge');
  if (kind === 'counter' && n.endsWith('_total')) n = n.slice(0, -'_total'.length);
  if (suffix !== '' && !n.split('_').includes(suffix) && !n.endsWith(`_${suffix}`)) n = `${n}_${suffix}`;
  return kind === 'counter' ? `${n}_total` : n;
}

/** A Prometheus label name for an attribute key (`http.method` → `http_method`, `2xx` → `key_2xx`). */
export function otlpLabelName(key: string): string {
  const n = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(n) ? `key_${n}` : n;
}

// attributes whose names collide once sanitized keep all their values, joined with ';' in key order (the spec's rule)
function addAttributes(into: Record<string, string>, attrs: OtlpAttributes): void {
  const byName = new Map<string, [string, string][]>();
  for (const [k, v] of attrs) {
    const name = otlpLabelName(k);
    const list = byName.get(name);
    if (list) list.push([k, v]);
    else byName.set(name, [[k, v]]);
  }
  for (const [name, list] of byName) {
    into[name] =
      list.length === 1
        ? list[0]![1]
        : list
            .sort((a, b) => (a[0] < b[0] ? -1 : 1))
            .map((e) => e[1])
            .join(';');
  }
}

const IDENTITY = new Set(['service.name', 'service.namespace', 'service.instance.id']);

function targetLabels(resource: OtlpAttributes): Record<string, string> {
  const get = (k: string): string | undefined => resource.find((a) => a[0] === k)?.[1];
  const name = get('service.name');
  const ns = get('service.namespace');
  const instance = get('service.instance.id');
  const out: Record<string, string> = {};
  if (name !== undefined) out.job = ns ? `${ns}/${name}` : name;
  if (instance !== undefined) out.instance = instance;
  return out;
}

/** What one request turned into. */
export interface OtlpConversion {
  batch: MetricBatch;
  /** Data points not mapped (OTLP's `rejected_data_points`). */
  rejected: number;
  /** Why, one line per kind of problem with an example metric name (OTLP's `error_message`). */
  errors: string[];
}

class Converter {
  readonly b = new MetricBatchBuilder(64);
  rejected = 0;
  readonly errors = new Map<string, string>();

  constructor(
    readonly series: SeriesRegistry,
    readonly nowMs: number,
  ) {}

  reject(n: number, why: string, metric: string): void {
    if (n === 0) return;
    this.rejected += n;
    if (!this.errors.has(why)) this.errors.set(why, `${why} (e.g. metric "${metric}")`);
  }

  push(labels: Record<string, string>, p: NumberPoint | HistogramPoint | SummaryPoint, value: number): void {
    const t = p.timeMs > 0 ? p.timeMs : this.nowMs;
    this.b.push(this.series.intern(labels), t, p.noRecordedValue ? Number.NaN : value, p.noRecordedValue);
  }

  labels(
    base: Record<string, string>,
    p: { attributes: OtlpAttributes },
    name: string,
  ): Record<string, string> {
    const l: Record<string, string> = {};
    addAttributes(l, p.attributes);
    Object.assign(l, base); // job, instance and the scope win over point attributes of the same name
    l.__name__ = name;
    return l;
  }

  metric(m: OtlpMetric, base: Record<string, string>): void {
    if (m.name === '') this.reject(m.points.length, 'a metric without a name', '');
    else if (m.type === 'gauge') this.numbers(m.points, base, otlpMetricName(m.name, m.unit, 'gauge'));
    else if (m.type === 'summary') this.summaries(m.points, base, otlpMetricName(m.name, m.unit, 'other'));
    else if (m.type === 'exponentialHistogram') {
      const why = 'exponential histograms are not supported: use explicit-bucket histograms';
      this.reject(m.points.length, why, m.name);
    } else if (m.type === 'empty') {
      // a metric with no data field carries no points: nothing to map, nothing rejected
    } else if (m.temporality !== CUMULATIVE) this.rejectTemporality(m, m.temporality);
    else if (m.type === 'sum') {
      const kind = m.monotonic ? 'counter' : 'gauge';
      this.numbers(m.points, base, otlpMetricName(m.name, m.unit, kind));
    } else this.histograms(m.points, base, otlpMetricName(m.name, m.unit, 'other'), m.name);
  }

  rejectTemporality(m: OtlpMetric, temporality: number): void {
    this.reject(
      m.points.length,
      temporality === DELTA
        ? "delta temporality is not supported: export cumulative (OTel JS: temporalityPreference: 'cumulative')"
        : 'aggregation temporality unspecified',
      m.name,
    );
  }

  numbers(points: NumberPoint[], base: Record<string, string>, name: string): void {
    for (const p of points) this.push(this.labels(base, p, name), p, p.value);
  }

  histograms(points: HistogramPoint[], base: Record<string, string>, name: string, otlpName: string): void {
    for (const p of points) {
      const buckets = p.bucketCounts.length;
      if (buckets !== 0 && buckets !== p.explicitBounds.length + 1) {
        this.reject(1, 'a histogram point with bucket_counts not one longer than explicit_bounds', otlpName);
        continue;
      }
      const l = this.labels(base, p, `${name}_bucket`);
      let cumulative = 0;
      for (let i = 0; i < p.explicitBounds.length && buckets > 0; i++) {
        cumulative += p.bucketCounts[i]!;
        this.push({ ...l, le: String(p.explicitBounds[i]) }, p, cumulative);
      }
      this.push({ ...l, le: '+Inf' }, p, p.count);
      this.push({ ...l, __name__: `${name}_count` }, p, p.count);
      if (p.sum !== undefined) this.push({ ...l, __name__: `${name}_sum` }, p, p.sum);
    }
  }

  summaries(points: SummaryPoint[], base: Record<string, string>, name: string): void {
    for (const p of points) {
      const l = this.labels(base, p, name);
      for (const [q, v] of p.quantiles) this.push({ ...l, quantile: String(q) }, p, v);
      this.push({ ...l, __name__: `${name}_count` }, p, p.count);
      this.push({ ...l, __name__: `${name}_sum` }, p, p.sum);
    }
  }

  resource(rm: OtlpResourceMetrics): void {
    const target = targetLabels(rm.resource);
    let latest = 0;
    for (const scope of rm.scopes) {
      const base = { ...target };
      if (scope.name !== '') base.otel_scope_name = scope.name;
      if (scope.version !== '') base.otel_scope_version = scope.version;
      for (const m of scope.metrics) {
        this.metric(m, base);
        if (Array.isArray(m.points))
          for (const p of m.points as { timeMs: number }[]) latest = Math.max(latest, p.timeMs);
      }
    }
    const info = rm.resource.filter(([k]) => !IDENTITY.has(k));
    if (info.length === 0) return;
    const l: Record<string, string> = {};
    addAttributes(l, info);
    Object.assign(l, target, { __name__: 'target_info' });
    this.b.push(this.series.intern(l), latest > 0 ? latest : this.nowMs, 1, false);
  }
}

/** Turns one decoded export request into one columnar batch, counting what it could not map. */
export function otlpToMetricBatch(
  resources: readonly OtlpResourceMetrics[],
  series: SeriesRegistry,
  nowMs: number,
): OtlpConversion {
  const c = new Converter(series, nowMs);
  for (const rm of resources) c.resource(rm);
  return { batch: c.b.build(), rejected: c.rejected, errors: [...c.errors.values()] };
}
