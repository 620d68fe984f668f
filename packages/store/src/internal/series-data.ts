import type { Labels } from '@argus/core';
import { chunkScale, decodeChunk, decodeInto, encodeChunk } from '../chunk/chunk.js';
import { sameBits } from '../chunk/float-bits.js';
import { type Cols, cols, lowerBound, type MergeCounts, mergeCols, NO_COLS } from './merge.js';

/** A sealed, encoded chunk and its time bounds. */
export interface SealedChunk {
  readonly minT: number;
  readonly maxT: number;
  readonly n: number;
  readonly bytes: Uint8Array;
}

/** What appending one sample did (see {@link SeriesData.append}). */
export const Append = {
  Ok: 0,
  Duplicate: 1,
  DuplicateRejected: 2,
  DuplicateOverwritten: 3,
  OutOfOrder: 4,
  TooOld: 5,
} as const;
/** One of the {@link Append} outcomes. */
export type AppendResult = (typeof Append)[keyof typeof Append];

/** Per-series settings shared by every series of a store. */
export interface SeriesConfig {
  readonly chunkSamples: number;
  readonly oooWindowMs: number;
  readonly overwrite: boolean;
  /** Called with each chunk sealed (for persistence and byte accounting). */
  readonly onSeal: (s: SeriesData, c: SealedChunk) => void;
}

/** Bytes a head sample takes in memory: two float64 and a flag. */
export const HEAD_SAMPLE_BYTES = 17;

/**
 * One series: sealed Gorilla chunks, a raw head being filled in time order, and a small sorted buffer
 * of out-of-order samples merged at query time and folded into the chunks once it fills up.
 */
export class SeriesData {
  chunks: SealedChunk[] = [];
  head: Cols = cols(8);
  // most series never get an out-of-order sample: they share one empty buffer
  ooo: Cols = NO_COLS;
  /** Newest timestamp accepted in order. */
  maxT: number = Number.NEGATIVE_INFINITY;
  private scale = -1;
  /** Samples per sealed chunk (copied from the config for the append fast path). */
  readonly chunkSamples: number;

  constructor(
    readonly id: number,
    readonly labels: Labels,
    readonly key: string,
    private readonly cfg: SeriesConfig,
  ) {
    this.chunkSamples = cfg.chunkSamples;
  }

  /** Appends one sample; the result says whether it was stored and how. */
  append(t: number, v: number, stale: number): AppendResult {
    let h = this.head;
    if (t > this.maxT) {
      if (h.n === h.t.length) h = this.growHead();
      h.t[h.n] = t;
      h.v[h.n] = v;
      h.s[h.n++] = stale;
      this.maxT = t;
      if (h.n === this.cfg.chunkSamples || stale) this.seal();
      return Append.Ok;
    }
    if (h.n > 0 && t === h.t[h.n - 1]) {
      const i = h.n - 1;
      if (sameBits(h.v[i]!, v) && h.s[i] === stale) return Append.Duplicate;
      if (!this.cfg.overwrite) return Append.DuplicateRejected;
      h.v[i] = v;
      h.s[i] = stale;
      return Append.DuplicateOverwritten;
    }
    if (t < this.maxT - this.cfg.oooWindowMs) return Append.TooOld;
    return this.insertOoo(t, v, stale);
  }

  private insertOoo(t: number, v: number, stale: number): AppendResult {
    const o = this.ooo;
    const i = lowerBound(o.t, o.n, t);
    if (i < o.n && o.t[i] === t) {
      if (sameBits(o.v[i]!, v) && o.s[i] === stale) return Append.Duplicate;
      if (!this.cfg.overwrite) return Append.DuplicateRejected;
      o.v[i] = v;
      o.s[i] = stale;
      return Append.DuplicateOverwritten;
    }
    if (o.n === o.t.length) {
      const g = cols(Math.max(8, o.n * 2));
      g.t.set(o.t);
      g.v.set(o.v);
      g.s.set(o.s);
      g.n = o.n;
      this.ooo = g;
    }
    const b = this.ooo;
    b.t.copyWithin(i + 1, i, b.n);
    b.v.copyWithin(i + 1, i, b.n);
    b.s.copyWithin(i + 1, i, b.n);
    b.t[i] = t;
    b.v[i] = v;
    b.s[i] = stale;
    b.n++;
    return Append.OutOfOrder;
  }

  /** Whether the out-of-order buffer is due to be folded in. */
  get oooFull(): boolean {
    return this.ooo.n >= this.cfg.chunkSamples;
  }

  /** Encodes the head into a sealed chunk. */
  seal(): void {
    const h = this.head;
    if (h.n === 0) return;
    this.pushChunk(h, 0, h.n);
    // a series that went stale usually ends: give its head memory back; otherwise reuse the buffers
    if (h.s[h.n - 1]) this.head = NO_COLS;
    else {
      h.s.fill(0, 0, h.n);
      h.n = 0;
    }
  }

  private pushChunk(c: Cols, start: number, n: number): void {
    const bytes = encodeChunk(c.t, c.v, c.s, start, n, this.scale);
    this.scale = chunkScale(bytes);
    const chunk = { minT: c.t[start]!, maxT: c.t[start + n - 1]!, n, bytes };
    this.chunks.push(chunk);
    this.cfg.onSeal(this, chunk);
  }

  /** Adds a chunk read from a snapshot (they come oldest first, before the head's samples). */
  restoreChunk(bytes: Uint8Array): void {
    const d = decodeChunk(bytes);
    const chunk = { minT: d.t[0]!, maxT: d.t[d.n - 1]!, n: d.n, bytes };
    this.chunks.push(chunk);
    this.maxT = Math.max(this.maxT, chunk.maxT);
    this.scale = chunkScale(bytes);
    this.cfg.onSeal(this, chunk);
  }

  private growHead(): Cols {
    const h = this.head;
    const g = cols(Math.min(Math.max(8, h.t.length * 2), this.cfg.chunkSamples));
    g.t.set(h.t);
    g.v.set(h.v);
    g.s.set(h.s);
    g.n = h.n;
    this.head = g;
    return g;
  }

  /**
   * Folds the out-of-order buffer into the chunks: decodes the chunks it overlaps and the head, merges,
   * re-encodes. Returns the chunks replaced (for byte accounting).
   */
  foldOoo(counts: MergeCounts): SealedChunk[] {
    if (this.ooo.n === 0) return [];
    const from = this.ooo.t[0]!;
    let j = this.chunks.length;
    while (j > 0 && this.chunks[j - 1]!.maxT >= from) j--;
    const replaced = this.chunks.splice(j);
    const merged = mergeCols(
      concat([...replaced.map(decodeCols), this.head]),
      this.ooo,
      this.cfg.overwrite,
      counts,
    );
    this.ooo = NO_COLS;
    const size = this.cfg.chunkSamples;
    let i = 0;
    for (; merged.n - i >= size; i += size) this.pushChunk(merged, i, size);
    const rest = cols(Math.max(8, merged.n - i));
    rest.t.set(merged.t.subarray(i, merged.n));
    rest.v.set(merged.v.subarray(i, merged.n));
    rest.s.set(merged.s.subarray(i, merged.n));
    rest.n = merged.n - i;
    this.head = rest;
    this.maxT = Math.max(this.maxT, merged.n > 0 ? merged.t[merged.n - 1]! : this.maxT);
    return replaced;
  }

  /** Samples with from ≤ t < to, chunks + head + out-of-order buffer merged, in time order. */
  read(from: number, to: number, counts?: MergeCounts): Cols {
    // chunks are in time order and do not overlap: binary-search the first one that can hold `from`
    const cs = this.chunks;
    let lo = 0;
    let hi = cs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cs[mid]!.maxT < from) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    let n = this.head.n;
    for (; end < cs.length && cs[end]!.minT < to; end++) n += cs[end]!.n;
    let all = cols(n);
    let k = 0;
    for (let i = lo; i < end; i++) {
      decodeInto(cs[i]!.bytes, all.t, all.v, all.s, k);
      k += cs[i]!.n;
    }
    const h = this.head;
    all.t.set(h.t.subarray(0, h.n), k);
    all.v.set(h.v.subarray(0, h.n), k);
    all.s.set(h.s.subarray(0, h.n), k);
    all.n = n;
    if (this.ooo.n > 0) all = mergeCols(all, this.ooo, this.cfg.overwrite, counts);
    const a = lowerBound(all.t, all.n, from);
    const b = lowerBound(all.t, all.n, to);
    return { t: all.t.subarray(a, b), v: all.v.subarray(a, b), s: all.s.subarray(a, b), n: b - a };
  }

  /** Oldest timestamp held raw, or +Infinity when none. */
  get minT(): number {
    const first = this.chunks[0]?.minT ?? (this.head.n > 0 ? this.head.t[0]! : Number.POSITIVE_INFINITY);
    return Math.min(first, this.ooo.n > 0 ? this.ooo.t[0]! : Number.POSITIVE_INFINITY);
  }

  /** In-memory bytes of the head and out-of-order buffers. */
  get bufferBytes(): number {
    return (this.head.t.length + this.ooo.t.length) * HEAD_SAMPLE_BYTES;
  }
}

/** Decodes a sealed chunk into columns. */
export function decodeCols(c: SealedChunk): Cols {
  const d = decodeChunk(c.bytes);
  return { t: d.t, v: d.v, s: d.stale ?? new Uint8Array(d.n), n: d.n };
}

/** Concatenates sorted, non-overlapping column runs. */
export function concat(parts: readonly Cols[]): Cols {
  let n = 0;
  for (const p of parts) n += p.n;
  const out = cols(n);
  let k = 0;
  for (const p of parts) {
    out.t.set(p.t.subarray(0, p.n), k);
    out.v.set(p.v.subarray(0, p.n), k);
    out.s.set(p.s.subarray(0, p.n), k);
    k += p.n;
  }
  out.n = n;
  return out;
}
