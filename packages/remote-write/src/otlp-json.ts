// Decodes an OTLP `ExportMetricsServiceRequest` from OTLP/JSON (Content-Type application/json): the protobuf
// messages in proto3's JSON mapping with lowerCamelCase names, 64-bit integers as decimal strings or numbers,
// enums as integers, bytes as base64. Unknown fields are ignored, as the OTLP spec requires of receivers;
// a field of the wrong type throws an error that names its path.

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

type Obj = Record<string, unknown>;

const fail = (path: string, expected: string): never => {
  throw new Error(`invalid OTLP/JSON at ${path}: expected ${expected}`);
};

function obj(v: unknown, path: string): Obj {
  if (v === undefined || v === null) return {};
  return typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : fail(path, 'an object');
}

function list(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : fail(path, 'an array');
}

const NUMERIC = /^-?(\d+(\.\d*)?([eE][-+]?\d+)?|NaN|Infinity)$/;

// proto3 JSON writes 64-bit integers as strings and lets doubles be "NaN", "Infinity" or "-Infinity"
function num(v: unknown, path: string, absent = 0): number {
  if (v === undefined || v === null) return absent;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return fail(path, 'a number or a numeric string');
}

function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : fail(path, 'a string');
}

// nanoseconds as a decimal string need BigInt to reach ms exactly; numbers are already rounded past 2^53
function nanosToMs(v: unknown, path: string): number {
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number((BigInt(v) + 500_000n) / 1_000_000n);
  return Math.round(num(v, path) / 1e6);
}

function anyValue(v: unknown, path: string): unknown {
  const o = obj(v, path);
  if ('stringValue' in o) return str(o.stringValue, `${path}.stringValue`);
  if ('boolValue' in o) return o.boolValue === true;
  if ('intValue' in o) return num(o.intValue, `${path}.intValue`);
  if ('doubleValue' in o) return num(o.doubleValue, `${path}.doubleValue`);
  if ('bytesValue' in o) return Buffer.from(str(o.bytesValue, `${path}.bytesValue`), 'base64');
  if ('arrayValue' in o) {
    const values = list(obj(o.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return values.map((x, i) => anyValue(x, `${path}.arrayValue.values[${i}]`));
  }
  if ('kvlistValue' in o) {
    const values = list(obj(o.kvlistValue, `${path}.kvlistValue`).values, `${path}.kvlistValue.values`);
    const out: Obj = {};
    values.forEach((kv, i) => {
      const p = `${path}.kvlistValue.values[${i}]`;
      const e = obj(kv, p);
      out[str(e.key, `${p}.key`)] = anyValue(e.value, `${p}.value`);
    });
    return out;
  }
  return '';
}

function attributes(v: unknown, path: string): OtlpAttributes {
  return list(v, path).map((kv, i) => {
    const p = `${path}[${i}]`;
    const e = obj(kv, p);
    return [str(e.key, `${p}.key`), attributeString(anyValue(e.value, `${p}.value`))];
  });
}

function base(o: Obj, path: string): Pick<NumberPoint, 'attributes' | 'timeMs' | 'noRecordedValue'> {
  return {
    attributes: attributes(o.attributes, `${path}.attributes`),
    timeMs: nanosToMs(o.timeUnixNano, `${path}.timeUnixNano`),
    noRecordedValue: (num(o.flags, `${path}.flags`) & 1) === 1,
  };
}

const numberPoint = (o: Obj, path: string): NumberPoint => ({
  ...base(o, path),
  value: 'asInt' in o ? num(o.asInt, `${path}.asInt`) : num(o.asDouble, `${path}.asDouble`),
});

const histogramPoint = (o: Obj, path: string): HistogramPoint => ({
  ...base(o, path),
  count: num(o.count, `${path}.count`),
  sum: o.sum === undefined || o.sum === null ? undefined : num(o.sum, `${path}.sum`),
  bucketCounts: list(o.bucketCounts, `${path}.bucketCounts`).map((c, i) =>
    num(c, `${path}.bucketCounts[${i}]`),
  ),
  explicitBounds: list(o.explicitBounds, `${path}.explicitBounds`).map((b, i) =>
    num(b, `${path}.explicitBounds[${i}]`),
  ),
});

const summaryPoint = (o: Obj, path: string): SummaryPoint => ({
  ...base(o, path),
  count: num(o.count, `${path}.count`),
  sum: num(o.sum, `${path}.sum`),
  quantiles: list(o.quantileValues, `${path}.quantileValues`).map((q, i) => {
    const p = `${path}.quantileValues[${i}]`;
    const e = obj(q, p);
    return [num(e.quantile, `${p}.quantile`), num(e.value, `${p}.value`)] as [number, number];
  }),
});

const TEMPORALITY: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
const temporality = (v: unknown, path: string): number =>
  typeof v === 'string' && v in TEMPORALITY ? TEMPORALITY[v]! : num(v, path);

function points<P>(d: Obj, path: string, point: (o: Obj, path: string) => P): P[] {
  return list(d.dataPoints, `${path}.dataPoints`).map((p, i) => {
    const pp = `${path}.dataPoints[${i}]`;
    return point(obj(p, pp), pp);
  });
}

function metric(v: unknown, path: string): OtlpMetric {
  const o = obj(v, path);
  const name = str(o.name, `${path}.name`);
  const unit = str(o.unit, `${path}.unit`);
  if (o.gauge !== undefined) {
    return {
      name,
      unit,
      type: 'gauge',
      points: points(obj(o.gauge, `${path}.gauge`), `${path}.gauge`, numberPoint),
    };
  }
  if (o.sum !== undefined) {
    const p = `${path}.sum`;
    const d = obj(o.sum, p);
    return {
      name,
      unit,
      type: 'sum',
      monotonic: d.isMonotonic === true,
      temporality: temporality(d.aggregationTemporality, `${p}.aggregationTemporality`),
      points: points(d, p, numberPoint),
    };
  }
  if (o.histogram !== undefined) {
    const p = `${path}.histogram`;
    const d = obj(o.histogram, p);
    return {
      name,
      unit,
      type: 'histogram',
      temporality: temporality(d.aggregationTemporality, `${p}.aggregationTemporality`),
      points: points(d, p, histogramPoint),
    };
  }
  if (o.exponentialHistogram !== undefined) {
    const p = `${path}.exponentialHistogram`;
    const n = list(obj(o.exponentialHistogram, p).dataPoints, `${p}.dataPoints`).length;
    return { name, unit, type: 'exponentialHistogram', points: { length: n } };
  }
  if (o.summary !== undefined) {
    const p = `${path}.summary`;
    return { name, unit, type: 'summary', points: points(obj(o.summary, p), p, summaryPoint) };
  }
  return { name, unit, type: 'empty', points: { length: 0 } };
}

function scopeMetrics(v: unknown, path: string): OtlpScope {
  const o = obj(v, path);
  const scope = obj(o.scope, `${path}.scope`);
  return {
    name: str(scope.name, `${path}.scope.name`),
    version: str(scope.version, `${path}.scope.version`),
    metrics: list(o.metrics, `${path}.metrics`).map((m, i) => metric(m, `${path}.metrics[${i}]`)),
  };
}

/** Decodes an OTLP/JSON `ExportMetricsServiceRequest` (already parsed); throws `Error('invalid OTLP/JSON at …')`. */
export function decodeOtlpJson(body: unknown): OtlpResourceMetrics[] {
  const req = obj(body, '$');
  return list(req.resourceMetrics, '$.resourceMetrics').map((rm, i) => {
    const path = `$.resourceMetrics[${i}]`;
    const o = obj(rm, path);
    return {
      resource: attributes(obj(o.resource, `${path}.resource`).attributes, `${path}.resource.attributes`),
      scopes: list(o.scopeMetrics, `${path}.scopeMetrics`).map((s, j) =>
        scopeMetrics(s, `${path}.scopeMetrics[${j}]`),
      ),
    };
  });
}
