// Decodes an OTLP `ExportMetricsServiceRequest` from protobuf (OTLP/HTTP with Content-Type application/x-protobuf).
// Written by hand like the remote-write decoder: the metrics messages are a dozen small types and the receiver
// reads only what it maps. Field numbers from opentelemetry-proto (collector/metrics/v1, metrics/v1, common/v1):
//
//   ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
//   ResourceMetrics  { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
//   Resource         { repeated KeyValue attributes = 1; }
//   ScopeMetrics     { InstrumentationScope scope = 1; repeated Metric metrics = 2; }
//   InstrumentationScope { string name = 1; string version = 2; }
//   Metric           { string name = 1; string unit = 3; gauge = 5; sum = 7; histogram = 9;
//                      exponential_histogram = 10; summary = 11; }
//   Gauge/Sum/Histogram/ExponentialHistogram/Summary { repeated <Point> data_points = 1;
//                      AggregationTemporality aggregation_temporality = 2 (not Gauge/Summary); bool is_monotonic = 3 (Sum) }
//   NumberDataPoint  { fixed64 time_unix_nano = 3; double as_double = 4; sfixed64 as_int = 6;
//                      repeated KeyValue attributes = 7; uint32 flags = 8; }
//   HistogramDataPoint { fixed64 time_unix_nano = 3; fixed64 count = 4; double sum = 5;
//                      repeated fixed64 bucket_counts = 6; repeated double explicit_bounds = 7;
//                      repeated KeyValue attributes = 9; uint32 flags = 10; }
//   SummaryDataPoint { fixed64 time_unix_nano = 3; fixed64 count = 4; double sum = 5;
//                      repeated ValueAtQuantile quantile_values = 6 { double quantile = 1; double value = 2; };
//                      repeated KeyValue attributes = 7; uint32 flags = 8; }
//   KeyValue         { string key = 1; AnyValue value = 2; }
//   AnyValue         { string = 1; bool = 2; int64 = 3; double = 4; ArrayValue = 5; KeyValueList = 6; bytes = 7; }

import {
  attributeString,
  type HistogramPoint,
  type NumberPoint,
  type OtlpAttributes,
  type OtlpMetric,
  type OtlpResourceMetrics,
  type OtlpScope,
  type SummaryPoint,
} from './otlp-model.js';
import { Reader } from './protobuf-reader.js';

const LEN = 2;
const I64 = 1;
const VARINT = 0;
const key = (field: number, wire: number): number => (field << 3) | wire;
const nsToMs = (ns: number): number => Math.round(ns / 1e6);

function anyValue(r: Reader): unknown {
  let v: unknown = '';
  while (r.more) {
    const k = r.varint();
    if (k === key(1, LEN)) v = r.string();
    else if (k === key(2, VARINT)) v = r.varint() !== 0;
    else if (k === key(3, VARINT)) v = r.int64();
    else if (k === key(4, I64)) v = r.double()[0];
    else if (k === key(5, LEN)) {
      const items: unknown[] = [];
      const a = r.sub();
      while (a.more) {
        const ak = a.varint();
        if (ak === key(1, LEN)) items.push(anyValue(a.sub()));
        else a.skip(ak & 7);
      }
      v = items;
    } else if (k === key(6, LEN)) {
      const obj: Record<string, unknown> = {};
      const l = r.sub();
      while (l.more) {
        const lk = l.varint();
        if (lk === key(1, LEN)) {
          const [name, value] = keyValue(l.sub());
          obj[name] = value;
        } else l.skip(lk & 7);
      }
      v = obj;
    } else if (k === key(7, LEN)) v = r.bytes().slice();
    else r.skip(k & 7);
  }
  return v;
}

function keyValue(r: Reader): [string, unknown] {
  let name = '';
  let value: unknown = '';
  while (r.more) {
    const k = r.varint();
    if (k === key(1, LEN)) name = r.string();
    else if (k === key(2, LEN)) value = anyValue(r.sub());
    else r.skip(k & 7);
  }
  return [name, value];
}

const attribute = (r: Reader, into: OtlpAttributes): void => {
  const [name, value] = keyValue(r);
  into.push([name, attributeString(value)]);
};

const readFixed64 = (r: Reader): number => r.fixed64();
const readDouble = (r: Reader): number => r.double()[0];

function numberPoint(r: Reader): NumberPoint {
  const p: NumberPoint = { attributes: [], timeMs: 0, noRecordedValue: false, value: 0 };
  while (r.more) {
    const k = r.varint();
    if (k === key(3, I64)) p.timeMs = nsToMs(r.fixed64());
    else if (k === key(4, I64)) p.value = r.double()[0];
    else if (k === key(6, I64)) p.value = r.sfixed64();
    else if (k === key(7, LEN)) attribute(r.sub(), p.attributes);
    else if (k === key(8, VARINT)) p.noRecordedValue = (r.varint() & 1) === 1;
    else r.skip(k & 7);
  }
  return p;
}

function histogramPoint(r: Reader): HistogramPoint {
  const p: HistogramPoint = {
    attributes: [],
    timeMs: 0,
    noRecordedValue: false,
    count: 0,
    sum: undefined,
    bucketCounts: [],
    explicitBounds: [],
  };
  while (r.more) {
    const k = r.varint();
    const field = k >>> 3;
    if (k === key(3, I64)) p.timeMs = nsToMs(r.fixed64());
    else if (k === key(4, I64)) p.count = r.fixed64();
    else if (k === key(5, I64)) p.sum = r.double()[0];
    else if (field === 6) r.repeated64(k & 7, readFixed64, p.bucketCounts);
    else if (field === 7) r.repeated64(k & 7, readDouble, p.explicitBounds);
    else if (k === key(9, LEN)) attribute(r.sub(), p.attributes);
    else if (k === key(10, VARINT)) p.noRecordedValue = (r.varint() & 1) === 1;
    else r.skip(k & 7);
  }
  return p;
}

function summaryPoint(r: Reader): SummaryPoint {
  const p: SummaryPoint = {
    attributes: [],
    timeMs: 0,
    noRecordedValue: false,
    count: 0,
    sum: 0,
    quantiles: [],
  };
  while (r.more) {
    const k = r.varint();
    if (k === key(3, I64)) p.timeMs = nsToMs(r.fixed64());
    else if (k === key(4, I64)) p.count = r.fixed64();
    else if (k === key(5, I64)) p.sum = r.double()[0];
    else if (k === key(6, LEN)) {
      const q = r.sub();
      let quantile = 0;
      let value = 0;
      while (q.more) {
        const qk = q.varint();
        if (qk === key(1, I64)) quantile = q.double()[0];
        else if (qk === key(2, I64)) value = q.double()[0];
        else q.skip(qk & 7);
      }
      p.quantiles.push([quantile, value]);
    } else if (k === key(7, LEN)) attribute(r.sub(), p.attributes);
    else if (k === key(8, VARINT)) p.noRecordedValue = (r.varint() & 1) === 1;
    else r.skip(k & 7);
  }
  return p;
}

/** The data of a Gauge/Sum/Histogram/ExponentialHistogram/Summary message: its points and two scalar fields. */
function data<P>(
  r: Reader,
  point: ((r: Reader) => P) | undefined,
): { points: P[]; skipped: number; temporality: number; monotonic: boolean } {
  const out = { points: [] as P[], skipped: 0, temporality: 0, monotonic: false };
  while (r.more) {
    const k = r.varint();
    if (k === key(1, LEN)) {
      const sub = r.sub();
      if (point) out.points.push(point(sub));
      else out.skipped++;
    } else if (k === key(2, VARINT)) out.temporality = r.varint();
    else if (k === key(3, VARINT)) out.monotonic = r.varint() !== 0;
    else r.skip(k & 7);
  }
  return out;
}

function metric(r: Reader): OtlpMetric {
  let name = '';
  let unit = '';
  let m: OtlpMetric | undefined;
  while (r.more) {
    const k = r.varint();
    if (k === key(1, LEN)) name = r.string();
    else if (k === key(3, LEN)) unit = r.string();
    else if (k === key(5, LEN)) m = { name, unit, type: 'gauge', points: data(r.sub(), numberPoint).points };
    else if (k === key(7, LEN)) {
      const d = data(r.sub(), numberPoint);
      m = { name, unit, type: 'sum', monotonic: d.monotonic, temporality: d.temporality, points: d.points };
    } else if (k === key(9, LEN)) {
      const d = data(r.sub(), histogramPoint);
      m = { name, unit, type: 'histogram', temporality: d.temporality, points: d.points };
    } else if (k === key(10, LEN)) {
      m = { name, unit, type: 'exponentialHistogram', points: { length: data(r.sub(), undefined).skipped } };
    } else if (k === key(11, LEN))
      m = { name, unit, type: 'summary', points: data(r.sub(), summaryPoint).points };
    else r.skip(k & 7);
  }
  // name and unit may follow the data on the wire: set them last
  return m ? Object.assign(m, { name, unit }) : { name, unit, type: 'empty', points: { length: 0 } };
}

function scopeMetrics(r: Reader): OtlpScope {
  const s: OtlpScope = { name: '', version: '', metrics: [] };
  while (r.more) {
    const k = r.varint();
    if (k === key(1, LEN)) {
      const scope = r.sub();
      while (scope.more) {
        const sk = scope.varint();
        if (sk === key(1, LEN)) s.name = scope.string();
        else if (sk === key(2, LEN)) s.version = scope.string();
        else scope.skip(sk & 7);
      }
    } else if (k === key(2, LEN)) s.metrics.push(metric(r.sub()));
    else r.skip(k & 7);
  }
  return s;
}

function resourceMetrics(r: Reader): OtlpResourceMetrics {
  const out: OtlpResourceMetrics = { resource: [], scopes: [] };
  while (r.more) {
    const k = r.varint();
    if (k === key(1, LEN)) {
      const res = r.sub();
      while (res.more) {
        const rk = res.varint();
        if (rk === key(1, LEN)) attribute(res.sub(), out.resource);
        else res.skip(rk & 7);
      }
    } else if (k === key(2, LEN)) out.scopes.push(scopeMetrics(r.sub()));
    else r.skip(k & 7);
  }
  return out;
}

/** Decodes an `ExportMetricsServiceRequest`; throws `Error('malformed ExportMetricsServiceRequest at byte …')`. */
export function decodeOtlpProtobuf(buf: Uint8Array): OtlpResourceMetrics[] {
  const r = new Reader(buf, 0, buf.length, 'ExportMetricsServiceRequest');
  const out: OtlpResourceMetrics[] = [];
  while (r.more) {
    const k = r.varint();
    if (k === key(1, LEN)) out.push(resourceMetrics(r.sub()));
    else r.skip(k & 7);
  }
  return out;
}
