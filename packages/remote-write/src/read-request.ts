// Decodes a Prometheus remote-write 1.0 `WriteRequest` (protobuf wire format, already un-snappied): the inverse of
// write-request.ts. Fields other than labels and float samples (metadata, exemplars, native histograms) are
// skipped, as their wire types allow; anything malformed throws with the byte offset.
//
//   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3;
//                  repeated Histogram histograms = 4; }

import { Reader } from './protobuf-reader.js';

/** One decoded series: its labels and float samples (ms timestamps). */
export interface DecodedSeries {
  readonly labels: Record<string, string>;
  readonly timestamps: number[];
  readonly values: number[];
  /** 1 where the sample is Prometheus's staleness marker (a NaN with one exact bit pattern). */
  readonly stale: number[];
  /** Native-histogram samples seen and skipped (Argus stores float samples only). */
  readonly histograms: number;
}

function readLabel(r: Reader, into: Record<string, string>): void {
  let name = '';
  let value = '';
  while (r.more) {
    const key = r.varint();
    if (key === ((1 << 3) | 2)) name = r.string();
    else if (key === ((2 << 3) | 2)) value = r.string();
    else r.skip(key & 7);
  }
  if (name === '') r.fail('a label without a name');
  into[name] = value;
}

function readSample(r: Reader, s: DecodedSeries): void {
  let value = 0;
  let stale = false;
  let timestamp = 0;
  while (r.more) {
    const key = r.varint();
    if (key === ((1 << 3) | 1)) [value, stale] = r.double();
    else if (key === ((2 << 3) | 0)) timestamp = r.int64();
    else r.skip(key & 7);
  }
  s.values.push(value);
  s.stale.push(stale ? 1 : 0);
  s.timestamps.push(timestamp);
}

function readSeries(r: Reader): DecodedSeries {
  const s = {
    labels: {} as Record<string, string>,
    timestamps: [] as number[],
    values: [] as number[],
    stale: [] as number[],
    histograms: 0,
  };
  while (r.more) {
    const key = r.varint();
    if (key === ((1 << 3) | 2)) readLabel(r.sub(), s.labels);
    else if (key === ((2 << 3) | 2)) readSample(r.sub(), s);
    else if (key === ((4 << 3) | 2)) {
      r.skip(2);
      s.histograms++;
    } else r.skip(key & 7);
  }
  return s;
}

/** Decodes a `WriteRequest`; throws `Error('malformed WriteRequest at byte …')` on bad input. */
export function decodeWriteRequest(buf: Uint8Array): DecodedSeries[] {
  const r = new Reader(buf, 0, buf.length, 'WriteRequest');
  const out: DecodedSeries[] = [];
  while (r.more) {
    const key = r.varint();
    if (key === ((1 << 3) | 2)) out.push(readSeries(r.sub()));
    else r.skip(key & 7);
  }
  return out;
}
