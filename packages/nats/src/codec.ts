import { type Labels, type MetricBatch, metricBatch, type SeriesRegistry } from '@argus/core';

// A metric batch on the wire: a 4-byte little-endian header length, a JSON header naming each distinct series
// once (a batch's ids belong to the sender's registry, so they travel as label sets), then the columns as raw
// little-endian bytes: series index (int32), timestamps and values (float64, NaN and ±Inf exact), and the stale
// flags (uint8) when any sample is stale. The columns start 8-byte aligned so the receiver reads them in place.

const VERSION = 1;

interface Header {
  v: number;
  kind: 'metrics';
  n: number;
  series: Labels[];
  stale: boolean;
}

const align8 = (n: number): number => (n + 7) & ~7;

/** Encodes a metric batch, resolving its series ids to label sets through `registry`. */
export function encodeMetrics(batch: MetricBatch, registry: SeriesRegistry): Uint8Array {
  const n = batch.length;
  const index = new Map<number, number>();
  const series: Labels[] = [];
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = batch.series[i]!;
    let k = index.get(id);
    if (k === undefined) {
      k = series.length;
      index.set(id, k);
      series.push(registry.labels(id));
    }
    rows[i] = k;
  }
  const stale = batch.stale ? batch.stale.some((s) => s === 1) : false;
  const header: Header = { v: VERSION, kind: 'metrics', n, series, stale };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align8(4 + json.length);
  const size = start + 16 * n + align8(4 * n) + (stale ? n : 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let at = start;
  out.set(new Uint8Array(batch.timestamps.buffer, batch.timestamps.byteOffset, 8 * n), at);
  at += 8 * n;
  out.set(new Uint8Array(batch.values.buffer, batch.values.byteOffset, 8 * n), at);
  at += 8 * n;
  out.set(new Uint8Array(rows.buffer), at);
  at += align8(4 * n);
  if (stale) out.set(batch.stale!.subarray(0, n), at);
  return out;
}

/** Reads the JSON header of any framed batch: its kind tells which decoder applies. */
export function readHeader(bytes: Uint8Array): { kind: string; v: number; length: number; header: unknown } {
  if (bytes.length < 4) throw new Error(`batch of ${bytes.length} bytes is too short for its header`);
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + len > bytes.length)
    throw new Error(`header of ${len} bytes overruns the ${bytes.length}-byte batch`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as {
    kind: string;
    v: number;
  };
  return { kind: header.kind, v: header.v, length: len, header };
}

/** Decodes what {@link encodeMetrics} wrote, interning its series in `registry`. Throws naming what is wrong. */
export function decodeMetrics(
  bytes: Uint8Array,
  registry: SeriesRegistry,
  read: ReturnType<typeof readHeader> = readHeader(bytes),
): MetricBatch {
  const { header: h, length: len } = read;
  const header = h as Header;
  if (header.v !== VERSION || header.kind !== 'metrics')
    throw new Error(
      `unknown batch format (v ${header.v}, kind ${header.kind}); this reader knows v ${VERSION} metrics`,
    );
  const n = header.n;
  const start = align8(4 + len);
  const want = start + 16 * n + align8(4 * n) + (header.stale ? n : 0);
  if (bytes.length !== want)
    throw new Error(`batch of ${n} samples should be ${want} bytes, got ${bytes.length}`);
  // copy into fresh, aligned buffers: the message's bytes may sit at any offset of a larger buffer
  const col = (at: number, bytesLen: number): ArrayBuffer =>
    bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + bytesLen) as ArrayBuffer;
  const timestamps = new Float64Array(col(start, 8 * n));
  const values = new Float64Array(col(start + 8 * n, 8 * n));
  const rows = new Int32Array(col(start + 16 * n, 4 * n));
  const ids = header.series.map((l) => registry.intern(l));
  const series = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = ids[rows[i]!];
    if (id === undefined) throw new Error(`sample ${i} names series ${rows[i]}, the batch has ${ids.length}`);
    series[i] = id;
  }
  const stale = header.stale ? new Uint8Array(col(start + 16 * n + align8(4 * n), n)) : undefined;
  return metricBatch(series, timestamps, values, stale);
}
