// Decodes a Prometheus remote-write 1.0 `WriteRequest` (protobuf wire format, already un-snappied): the inverse of
// write-request.ts. Fields other than labels and float samples (metadata, exemplars, native histograms) are
// skipped, as their wire types allow; anything malformed throws with the byte offset.
//
//   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3;
//                  repeated Histogram histograms = 4; }

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

const dec = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  fail(msg: string): never {
    throw new Error(`malformed WriteRequest at byte ${this.pos}: ${msg}`);
  }
  // uint64 varint as a JS number; int64 values (timestamps) go through int64() for the sign
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }
  int64(): number {
    const start = this.pos;
    const n = this.varint();
    if (this.pos - start < 10) return n;
    // a negative int64 is written as its 64-bit two's complement in 10 bytes; a double cannot hold 2^64 - 1
    // exactly (-1 would come back as 0), so the long form is re-read exactly with BigInt
    let big = 0n;
    for (let i = 0; i < 10; i++) big |= BigInt(this.buf[start + i]! & 0x7f) << BigInt(7 * i);
    return Number(BigInt.asIntN(64, big));
  }
  /** A double and whether its bits are the staleness marker 0x7ff0000000000002 (NaN payloads do not survive JS). */
  double(): [value: number, stale: boolean] {
    if (this.pos + 8 > this.end) this.fail('truncated double');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    const stale = view.getUint32(0, true) === 2 && view.getUint32(4, true) === 0x7ff00000;
    return [view.getFloat64(0, true), stale];
  }
  sub(): Reader {
    const len = this.varint();
    if (this.pos + len > this.end) this.fail(`length ${len} past the end`);
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }
  string(): string {
    const r = this.sub();
    try {
      return dec.decode(this.buf.subarray(r.pos, r.end));
    } catch {
      return this.fail('a string that is not UTF-8');
    }
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.sub();
    else if (wire === 5) this.pos += 4;
    else this.fail(`unsupported wire type ${wire}`);
    if (this.pos > this.end) this.fail('truncated field');
  }
  get more(): boolean {
    return this.pos < this.end;
  }
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
  const r = new Reader(buf, 0, buf.length);
  const out: DecodedSeries[] = [];
  while (r.more) {
    const key = r.varint();
    if (key === ((1 << 3) | 2)) out.push(readSeries(r.sub()));
    else r.skip(key & 7);
  }
  return out;
}
