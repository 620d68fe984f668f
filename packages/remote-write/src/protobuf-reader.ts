// A protobuf wire-format reader for the few messages this package decodes by hand (remote-write's WriteRequest,
// OTLP's ExportMetricsServiceRequest): bounds-checked, and every error names the message and the byte offset.

const dec = new TextDecoder('utf-8', { fatal: true });

/** Reads one message (or a sub-message) between `start` and `end` of `buf`. */
export class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
    /** The top-level message's name, for errors. */
    readonly message: string,
  ) {
    this.pos = start;
  }
  fail(msg: string): never {
    throw new Error(`malformed ${this.message} at byte ${this.pos}: ${msg}`);
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
  private view(size: number): DataView {
    if (this.pos + size > this.end) this.fail(`truncated ${size * 8}-bit field`);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, size);
    this.pos += size;
    return view;
  }
  /** A double and whether its bits are the staleness marker 0x7ff0000000000002 (NaN payloads do not survive JS). */
  double(): [value: number, stale: boolean] {
    const view = this.view(8);
    const stale = view.getUint32(0, true) === 2 && view.getUint32(4, true) === 0x7ff00000;
    return [view.getFloat64(0, true), stale];
  }
  /** A `fixed64` as a number (exact up to 2^53; nanosecond timestamps lose under a microsecond, fine for ms). */
  fixed64(): number {
    const view = this.view(8);
    return view.getUint32(4, true) * 4_294_967_296 + view.getUint32(0, true);
  }
  /** An `sfixed64` as a number (exact up to ±2^53). */
  sfixed64(): number {
    return Number(this.view(8).getBigInt64(0, true));
  }
  sub(): Reader {
    const len = this.varint();
    if (this.pos + len > this.end) this.fail(`length ${len} past the end`);
    const r = new Reader(this.buf, this.pos, this.pos + len, this.message);
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
  /** The raw bytes of a length-delimited field. */
  bytes(): Uint8Array {
    const r = this.sub();
    return this.buf.subarray(r.pos, r.end);
  }
  /**
   * A repeated 64-bit field (`fixed64` or `double`): proto3 writes it packed (wire type 2), older writers one
   * element per tag (wire type 1); both are read into `into`.
   */
  repeated64(wire: number, read: (r: Reader) => number, into: number[]): void {
    if (wire === 1) return void into.push(read(this));
    if (wire !== 2) this.fail(`wire type ${wire} for a repeated 64-bit field`);
    const r = this.sub();
    while (r.more) into.push(read(r));
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
