// Bounded memory for imports: samples are buffered in columns; a full buffer is sorted by (series, time) and
// written to one spill file as one run per series. At the end each series is read back from its runs alone,
// so memory holds the buffer, the label sets, and one series at a time, whatever the file's order.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** One series read back: times ascending; `line` is the input line of each sample (for messages). */
export interface SpilledSeries {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly line: Uint32Array;
}

export class SpillRuns {
  private n = 0;
  private readonly id: Uint32Array;
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private readonly line: Uint32Array;
  /** Per series: [byte offset, count] of each run. */
  private readonly runs: [number, number][][] = [];
  private offset = 0;
  private readonly fd: number;

  constructor(
    path: string,
    private readonly capacity: number,
  ) {
    this.id = new Uint32Array(capacity);
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    this.line = new Uint32Array(capacity);
    this.fd = openSync(path, 'w+');
  }

  push(series: number, t: number, v: number, line: number): void {
    if (this.n === this.capacity) this.spill();
    const i = this.n++;
    this.id[i] = series;
    this.t[i] = t;
    this.v[i] = v;
    this.line[i] = line;
  }

  /** Writes the buffer as sorted runs: per run, the times, then the values (raw bits), then the line numbers. */
  spill(): void {
    const order = Array.from({ length: this.n }, (_, i) => i);
    // stable: equal times keep input order, so the first of two duplicates is the earlier line
    order.sort((a, b) => this.id[a]! - this.id[b]! || this.t[a]! - this.t[b]!);
    for (let s = 0; s < order.length; ) {
      const sid = this.id[order[s]!]!;
      let e = s;
      while (e < order.length && this.id[order[e]!] === sid) e++;
      const k = e - s;
      const t = new Float64Array(k);
      const v = new Float64Array(k);
      const line = new Uint32Array(k);
      for (let j = 0; j < k; j++) {
        const i = order[s + j]!;
        t[j] = this.t[i]!;
        v[j] = this.v[i]!;
        line[j] = this.line[i]!;
      }
      (this.runs[sid] ??= []).push([this.offset, k]);
      for (const a of [t, v, line]) this.write(new Uint8Array(a.buffer));
      s = e;
    }
    this.n = 0;
  }

  /** Series ids that have samples. */
  seriesIds(): number[] {
    return this.runs.flatMap((r, i) => (r ? [i] : []));
  }

  /** All samples of one series, merged from its runs in time order (ties in input order). */
  read(series: number): SpilledSeries {
    const runs = this.runs[series] ?? [];
    const total = runs.reduce((a, [, k]) => a + k, 0);
    const parts = runs.map(([off, k]) => {
      const buf = new Uint8Array(k * 20);
      readSync(this.fd, buf, 0, buf.length, off);
      return {
        t: new Float64Array(buf.buffer, 0, k),
        v: new Float64Array(buf.buffer, k * 8, k),
        line: new Uint32Array(buf.buffer, k * 16, k),
      };
    });
    if (parts.length === 1) return parts[0]!;
    // each run is sorted: merge them, taking the earliest run on equal times (input order)
    const out = { t: new Float64Array(total), v: new Float64Array(total), line: new Uint32Array(total) };
    const at = new Array<number>(parts.length).fill(0);
    for (let i = 0; i < total; i++) {
      let r = -1;
      for (let q = 0; q < parts.length; q++)
        if (at[q]! < parts[q]!.t.length && (r < 0 || parts[q]!.t[at[q]!]! < parts[r]!.t[at[r]!]!)) r = q;
      const j = at[r]!++;
      out.t[i] = parts[r]!.t[j]!;
      out.v[i] = parts[r]!.v[j]!;
      out.line[i] = parts[r]!.line[j]!;
    }
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }

  private write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length)
      done += writeSync(this.fd, bytes, done, bytes.length - done, this.offset + done);
    this.offset += bytes.length;
  }
}
