// Prometheus remote-write 1.0 `WriteRequest` in protobuf wire format, written by hand: the message has four small
// types (WriteRequest, TimeSeries, Label, Sample), so a generated codec and its dependency would weigh more than
// this encoder. Field numbers from prompb/types.proto and prompb/remote.proto.
//
//   WriteRequest { repeated TimeSeries timeseries = 1; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }   // timestamp in ms

/** One series to send: labels sorted by name (`__name__` included), samples in time order. */
export interface SeriesSamples {
  readonly labels: readonly (readonly [name: string, value: string])[];
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

const LEN = 2; // wire type: length-delimited
const I64 = 1; // wire type: 64-bit
const VARINT = 0;
const tag = (field: number, wire: number): number => (field << 3) | wire;

const enc = new TextEncoder();

export function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

export class Writer {
  readonly buf: Uint8Array;
  private readonly view: DataView;
  pos = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  // non-negative integers up to 2^53: timestamps in ms and lengths (no negative int64 reaches here)
  varint(n: number): void {
    while (n >= 128) {
      this.byte((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    this.byte(n);
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  double(x: number): void {
    this.view.setFloat64(this.pos, x, true);
    // V8 quiets the signalling NaN 0x7ff0000000000002 into 0x7ff8000000000002 as soon as it is a JS number, and
    // Prometheus compares the exact bits: put the staleness marker's own bits back (payload 2 only comes from STALE_NAN)
    if (Number.isNaN(x) && this.view.getUint32(this.pos, true) === 2)
      this.view.setUint32(this.pos + 4, 0x7ff00000, true);
    this.pos += 8;
  }
}

/**
 * The staleness marker Prometheus writes when a series disappears. As a JS number it is a quiet NaN with payload 2;
 * the encoder writes Prometheus's exact bits (0x7ff0000000000002) for it.
 */
export const STALE_NAN: number = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

/** Encodes one `WriteRequest` (uncompressed). Timestamps must be integers ≥ 0 (ms since the epoch). */
export function encodeWriteRequest(series: readonly SeriesSamples[]): Uint8Array {
  // sizes first, so the message is written once into an exact buffer
  const labelBytes = series.map((s) => s.labels.map(([n, v]) => [enc.encode(n), enc.encode(v)] as const));
  const labelSizes = labelBytes.map((ls) =>
    ls.map(([n, v]) => 1 + varintSize(n.length) + n.length + 1 + varintSize(v.length) + v.length),
  );
  const sampleSizes = series.map((s) => s.timestamps.map((t) => 1 + 8 + 1 + varintSize(t)));
  const seriesSizes = series.map((_, i) => {
    let size = 0;
    for (const l of labelSizes[i]!) size += 1 + varintSize(l) + l;
    for (const m of sampleSizes[i]!) size += 1 + varintSize(m) + m;
    return size;
  });
  let total = 0;
  for (const s of seriesSizes) total += 1 + varintSize(s) + s;
  const w = new Writer(total);
  series.forEach((s, i) => {
    w.byte(tag(1, LEN));
    w.varint(seriesSizes[i]!);
    labelBytes[i]!.forEach(([n, v], j) => {
      w.byte(tag(1, LEN));
      w.varint(labelSizes[i]![j]!);
      w.byte(tag(1, LEN));
      w.varint(n.length);
      w.bytes(n);
      w.byte(tag(2, LEN));
      w.varint(v.length);
      w.bytes(v);
    });
    for (let k = 0; k < s.timestamps.length; k++) {
      w.byte(tag(2, LEN));
      w.varint(sampleSizes[i]![k]!);
      w.byte(tag(1, I64));
      w.double(s.values[k]!);
      w.byte(tag(2, VARINT));
      w.varint(s.timestamps[k]!);
    }
  });
  return w.buf;
}
