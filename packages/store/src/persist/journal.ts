import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Labels } from '@argus/core';
import type { Journal } from '../internal/state.js';
import type { StoredAlert, StoredFinding } from '../types.js';
import { frame } from './frame.js';
import { formatRecord, jsonRecord, REC, seriesRecord } from './records.js';

/** Columns of samples waiting to be framed. */
export class SampleBuf {
  n = 0;
  id: Uint32Array = new Uint32Array(1024);
  t: Float64Array = new Float64Array(1024);
  v: Float64Array = new Float64Array(1024);
  s: Uint8Array = new Uint8Array(1024);

  push(id: number, t: number, v: number, s: number): void {
    if (this.n === this.id.length) this.grow();
    const i = this.n++;
    this.id[i] = id;
    this.t[i] = t;
    this.v[i] = v;
    this.s[i] = s;
  }

  /** Makes room for `n` samples; what is held may be lost (for a reader about to overwrite it). */
  reserve(n: number): void {
    if (this.id.length >= n) return;
    const c = Math.max(n, this.id.length * 2);
    Object.assign(this, {
      id: new Uint32Array(c),
      t: new Float64Array(c),
      v: new Float64Array(c),
      s: new Uint8Array(c),
    });
  }

  private grow(): void {
    const c = this.id.length * 2;
    const id = new Uint32Array(c);
    id.set(this.id);
    const t = new Float64Array(c);
    t.set(this.t);
    const v = new Float64Array(c);
    v.set(this.v);
    const s = new Uint8Array(c);
    s.set(this.s);
    Object.assign(this, { id, t, v, s });
  }

  /** Columnar samples record: `u8 type | u32 n | u32 id × n | f64 t × n | f64 v × n | u8 stale × n`, value bytes copied raw. */
  toRecord(): Uint8Array {
    const n = this.n;
    const out = new Uint8Array(5 + n * 21);
    out[0] = REC.samples;
    new DataView(out.buffer).setUint32(1, n, true);
    let o = 5;
    out.set(new Uint8Array(this.id.buffer, 0, n * 4), o);
    o += n * 4;
    out.set(new Uint8Array(this.t.buffer, 0, n * 8), o);
    o += n * 8;
    out.set(new Uint8Array(this.v.buffer, 0, n * 8), o);
    o += n * 8;
    out.set(this.s.subarray(0, n), o);
    this.n = 0;
    return out;
  }
}

/**
 * Decodes a samples record into `into`'s columns (value bits untouched) and returns it: a store loading its files
 * reuses one buffer (a record per series, four arrays each, were most of the `ArrayBuffer`s opening made).
 */
export function readSamples(p: Uint8Array, into: SampleBuf = new SampleBuf()): SampleBuf {
  const n = new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(1, true);
  into.reserve(n);
  const bytes = (a: Uint32Array | Float64Array, size: number): Uint8Array =>
    new Uint8Array(a.buffer, 0, n * size);
  let o = 5;
  bytes(into.id, 4).set(p.subarray(o, o + n * 4));
  o += n * 4;
  bytes(into.t, 8).set(p.subarray(o, o + n * 8));
  o += n * 8;
  bytes(into.v, 8).set(p.subarray(o, o + n * 8));
  o += n * 8;
  into.s.set(p.subarray(o, o + n));
  into.n = n;
  return into;
}

/**
 * The append-only segment writer: records are buffered in memory and written by `flush()` (on a timer),
 * so a crash loses at most one flush interval. Samples are batched into columnar records.
 */
export class SegmentJournal implements Journal {
  private pending: Uint8Array[] = [];
  private readonly samples = new SampleBuf();
  private fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
    // a segment is always a new file (never appended to after a restart): it opens with its format
    this.pending.push(frame(formatRecord()));
  }

  series(id: number, labels: Labels): void {
    this.cut();
    this.pending.push(frame(seriesRecord(id, labels)));
  }

  sample(id: number, t: number, v: number, stale: number): void {
    this.samples.push(id, t, v, stale);
    if (this.samples.n >= 65_536) this.cut();
  }

  finding(f: StoredFinding): void {
    this.cut();
    this.pending.push(frame(jsonRecord(REC.finding, f)));
  }

  alert(a: StoredAlert): void {
    this.cut();
    this.pending.push(frame(jsonRecord(REC.alert, a)));
  }

  private cut(): void {
    if (this.samples.n > 0) this.pending.push(frame(this.samples.toRecord()));
  }

  /** Writes everything buffered to the file (one write call). */
  flush(sync = false): void {
    this.cut();
    if (this.pending.length === 0) return;
    let n = 0;
    for (const p of this.pending) n += p.length;
    const buf = new Uint8Array(n);
    let o = 0;
    for (const p of this.pending) {
      buf.set(p, o);
      o += p.length;
    }
    let done = 0;
    while (done < buf.length) done += writeSync(this.fd, buf, done);
    // cleared only once written: a failed write is retried whole on the next flush
    this.pending = [];
    if (sync) fsyncSync(this.fd);
  }

  /** Flushes and closes the file. */
  close(): void {
    this.flush(true);
    closeSync(this.fd);
  }
}
