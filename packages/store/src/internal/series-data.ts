import type { Labels } from '@argus/core';
import { sameBits } from '../chunk/float-bits.js';
import type { Heads } from './heads.js';
import { type Cols, cols, lowerBound, type MergeCounts, mergeCols, NO_COLS } from './merge.js';
import { NONE, type SealedChunks } from './sealed-chunks.js';

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
  /** Where the heads are encoded, and their state by series id. */
  readonly heads: Heads;
  /** The sealed chunks of every series, by series id. */
  readonly chunks: SealedChunks;
  /** Called with each chunk sealed (+1) or dropped by a fold (-1): its bytes and samples (for byte accounting). */
  readonly onChunk: (bytes: number, n: number, sign: 1 | -1) => void;
}

/**
 * Reused by every seal and head copy: they are synchronous, and a series holds at most a chunk's samples unsealed
 * (one more with the stale marker that seals it), so these grow to the largest `chunkSamples` once.
 */
let scratch: Cols = cols(128);
function scratchFor(n: number): Cols {
  if (scratch.t.length < n) scratch = cols(n);
  scratch.n = 0;
  return scratch;
}

/**
 * One series: sealed Gorilla chunks, a compressed head being filled in time order, and a small sorted buffer
 * of out-of-order samples merged at query time and folded into the chunks once it fills up.
 *
 * The head is the chunk being filled, encoded sample by sample as it comes ({@link Heads}, by series id); at
 * `chunkSamples` it is sealed into the store's chunk format. Every field is one a series needs: a store holds one of
 * these per series, so the head's state and the sealed chunks live in the store's columns ({@link SealedChunks}),
 * not here.
 */
export class SeriesData {
  // most series never get an out-of-order sample: they share one empty buffer
  ooo: Cols = NO_COLS;

  constructor(
    readonly id: number,
    readonly labels: Labels,
    private readonly cfg: SeriesConfig,
  ) {
    cfg.heads.init(id);
    cfg.chunks.initSeries(id);
  }

  /** The store's sealed chunks (this series' by its id). */
  get sealed(): SealedChunks {
    return this.cfg.chunks;
  }

  /** Whether the series holds any sealed chunk. */
  get hasChunks(): boolean {
    return this.cfg.chunks.oldest(this.id) !== NONE;
  }

  /** Newest timestamp accepted in order. */
  get maxT(): number {
    return this.cfg.heads.maxT[this.id]!;
  }

  /** Samples in the head. */
  get headN(): number {
    return this.cfg.heads.n[this.id]!;
  }

  /**
   * Appends a sample newer than `maxT` and not stale (the hot path; the caller checks both). Returns nothing:
   * it is always stored.
   */
  push(t: number, v: number): void {
    const h = this.cfg.heads;
    h.append(this.id, t, v);
    if (h.n[this.id]! >= this.cfg.chunkSamples) this.seal();
  }

  /** Gives the head's slot back (a series that ends); a series that gets more takes another. */
  releaseHead(): void {
    this.cfg.heads.clear(this.id);
  }

  /** Appends one sample; the result says whether it was stored and how. */
  append(t: number, v: number, stale: number): AppendResult {
    const h = this.cfg.heads;
    const id = this.id;
    if (t > this.maxT) {
      if (!stale) this.push(t, v);
      else this.sealWith(t, v);
      return Append.Ok;
    }
    // a repeat of the head's newest timestamp is checked here; anything older goes through the out-of-order buffer
    const n = h.n[id]!;
    if (n > 0 && t === h.last(id)) {
      if (sameBits(h.lastValue(id), v) && h.lastStale(id) === stale) return Append.Duplicate;
      if (!this.cfg.overwrite) return Append.DuplicateRejected;
      const c = this.headCols();
      c.v[n - 1] = v;
      c.s[n - 1] = stale;
      h.set(id, c, 0, n);
      return Append.DuplicateOverwritten;
    }
    if (t < this.maxT - this.cfg.oooWindowMs) return Append.TooOld;
    return this.insertOoo(t, v, stale);
  }

  /** The head's samples in the shared scratch columns, with room for one more (valid until the next seal or copy). */
  private headCols(): Cols {
    const n = this.headN;
    const c = scratchFor(n + 1);
    this.cfg.heads.decode(this.id, c, 0);
    c.n = n;
    return c;
  }

  /** The head's samples as new columns (for reads, folds and snapshots; the append path never calls it). */
  get head(): Cols {
    const n = this.headN;
    if (n === 0) return NO_COLS;
    const out = cols(n);
    this.cfg.heads.decode(this.id, out, 0);
    out.n = n;
    return out;
  }

  /**
   * Writes the head's samples into `t`/`v`/`s` from index `at` (room for `headN` needed, `s` zeroed there) and
   * returns how many: reads that bring their own buffers (`readInto`) skip the copy `head` makes per call.
   */
  headInto(t: Float64Array, v: Float64Array, s: Uint8Array, at: number): number {
    this.cfg.heads.decode(this.id, { t, v, s, n: 0 }, at);
    return this.headN;
  }

  /** Replaces the head with `c`'s samples [start, end). */
  private setHead(c: Cols, start: number, end: number): void {
    this.cfg.heads.set(this.id, c, start, end);
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
    if (this.headN === 0) return;
    const c = this.headCols();
    this.cfg.heads.clear(this.id);
    this.pushChunk(c, 0, c.n);
  }

  /** Seals the head with a stale marker (newer than `maxT`) as its last sample: a series that ends. */
  private sealWith(t: number, v: number): void {
    const c = this.headCols();
    c.t[c.n] = t;
    c.v[c.n] = v;
    c.s[c.n] = 1;
    this.cfg.heads.clear(this.id);
    this.cfg.heads.maxT[this.id] = t;
    this.pushChunk(c, 0, c.n + 1);
  }

  private pushChunk(c: Cols, start: number, n: number): void {
    const h = this.cfg.heads;
    const ch = this.cfg.chunks;
    h.scale[this.id] = ch.seal(this.id, c, start, n, h.scale[this.id]!);
    this.cfg.onChunk(ch.byteLength(ch.newest(this.id)), n, 1);
  }

  /** Adds a chunk read from a snapshot (they come oldest first, before the head's samples); returns its samples. */
  restoreChunk(bytes: Uint8Array): number {
    const h = this.cfg.heads;
    const ch = this.cfg.chunks;
    h.scale[this.id] = ch.restore(this.id, bytes);
    const c = ch.newest(this.id);
    h.maxT[this.id] = Math.max(this.maxT, ch.maxT[c]!);
    this.cfg.onChunk(bytes.length, ch.n[c]!, 1);
    return ch.n[c]!;
  }

  /**
   * Folds the out-of-order buffer into the chunks: decodes the chunks it overlaps and the head, merges,
   * re-encodes (the chunks replaced are counted off through `onChunk`).
   */
  foldOoo(counts: MergeCounts): void {
    if (this.ooo.n === 0) return;
    const ch = this.cfg.chunks;
    const first = ch.from(this.id, this.ooo.t[0]!);
    let n = this.headN;
    for (let c = first; c !== NONE; c = ch.next[c]!) n += ch.n[c]!;
    const all = cols(n);
    let k = 0;
    for (let c = first; c !== NONE; ) {
      ch.decodeInto(c, all.t, all.v, all.s, k);
      k += ch.n[c]!;
      const nx = ch.next[c]!;
      this.cfg.onChunk(ch.byteLength(c), ch.n[c]!, -1);
      ch.remove(this.id, c);
      c = nx;
    }
    this.cfg.heads.decode(this.id, all, k);
    all.n = n;
    const merged = mergeCols(all, this.ooo, this.cfg.overwrite, counts);
    this.ooo = NO_COLS;
    const size = this.cfg.chunkSamples;
    let i = 0;
    for (; merged.n - i >= size; i += size) this.pushChunk(merged, i, size);
    const maxT = Math.max(this.maxT, merged.n > 0 ? merged.t[merged.n - 1]! : this.maxT);
    this.setHead(merged, i, merged.n);
    this.cfg.heads.maxT[this.id] = maxT;
  }

  /** Samples with from ≤ t < to, chunks + head + out-of-order buffer merged, in time order. */
  read(from: number, to: number, counts?: MergeCounts): Cols {
    const ch = this.cfg.chunks;
    const lo = ch.from(this.id, from);
    const h = this.head;
    let n = h.n;
    for (let c = lo; c !== NONE && ch.minT[c]! < to; c = ch.next[c]!) n += ch.n[c]!;
    // only the head in range (an instant query's usual read): `head` is a fresh copy already, use it as is
    let all = n === h.n ? h : cols(n);
    if (n > h.n) {
      let k = 0;
      for (let c = lo; c !== NONE && ch.minT[c]! < to; c = ch.next[c]!) {
        ch.decodeInto(c, all.t, all.v, all.s, k);
        k += ch.n[c]!;
      }
      all.t.set(h.t.subarray(0, h.n), k);
      all.v.set(h.v.subarray(0, h.n), k);
      all.s.set(h.s.subarray(0, h.n), k);
      all.n = n;
    }
    if (this.ooo.n > 0) all = mergeCols(all, this.ooo, this.cfg.overwrite, counts);
    const a = lowerBound(all.t, all.n, from);
    const b = lowerBound(all.t, all.n, to);
    return { t: all.t.subarray(a, b), v: all.v.subarray(a, b), s: all.s.subarray(a, b), n: b - a };
  }

  /** Oldest timestamp held raw, or +Infinity when none. */
  get minT(): number {
    const ch = this.cfg.chunks;
    const oldest = ch.oldest(this.id);
    const first = oldest !== NONE ? ch.minT[oldest]! : this.headMinT;
    return Math.min(first, this.ooo.n > 0 ? this.ooo.t[0]! : Number.POSITIVE_INFINITY);
  }

  /** Newest timestamp in the head, or -Infinity when it is empty. */
  get headMaxT(): number {
    return this.headN > 0 ? this.cfg.heads.last(this.id) : Number.NEGATIVE_INFINITY;
  }

  /** Oldest timestamp in the head, or +Infinity when it is empty. */
  get headMinT(): number {
    return this.cfg.heads.first(this.id);
  }

  /** In-memory bytes of the head's slot and the out-of-order buffer. */
  get bufferBytes(): number {
    return this.cfg.heads.bytes(this.id) + this.ooo.t.length * 17;
  }
}
