import type { Labels } from '@argus/core';
import { chunkScale, decodeChunk, decodeFirstT, decodeInto, encodeChunk } from '../chunk/chunk.js';
import { sameBits } from '../chunk/float-bits.js';
import { type Cols, cols, lowerBound, type MergeCounts, mergeCols, NO_COLS } from './merge.js';
import type { RawSlab } from './raw-slab.js';

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
  /** Where the heads' raw samples live ({@link RAW_SAMPLES} per slot). */
  readonly raw: RawSlab;
  /** Called with each chunk sealed (for persistence and byte accounting). */
  readonly onSeal: (s: SeriesData, c: SealedChunk) => void;
}

/** A series that has sealed no chunk yet shares this (never written: `pushChunk` replaces it first). */
const NO_CHUNKS: SealedChunk[] = Object.freeze([]) as unknown as SealedChunk[];

/** Bytes a raw head sample takes in memory: two float64. */
export const HEAD_SAMPLE_BYTES = 16;

/**
 * Raw samples a series holds before they are encoded into its open chunk. Every series holds this many raw, so it
 * bounds the head's memory (16 × 16 bytes); each flush re-encodes the open chunk, so it also sets how often.
 */
export const RAW_SAMPLES = 16;

/**
 * Reused by every encode and decode of the head: encoding is synchronous, and a series holds at most a chunk's
 * samples unsealed, so these grow to the largest `chunkSamples` once.
 */
let scratch: Cols = cols(128);
function scratchFor(n: number): Cols {
  if (scratch.t.length < n) scratch = cols(n);
  scratch.s.fill(0, 0, n);
  scratch.n = 0;
  return scratch;
}

/**
 * One series: sealed Gorilla chunks, a compressed head being filled in time order, and a small sorted buffer
 * of out-of-order samples merged at query time and folded into the chunks once it fills up.
 *
 * The head is the chunk being filled: its older samples already encoded (`open`, the store's chunk format) and
 * the newest {@link RAW_SAMPLES} raw, in a slot of the store's {@link RawSlab}. Once the raw part fills, all but its
 * newest sample are encoded into `open` (decode, append, re-encode); at `chunkSamples` the whole head is sealed. A
 * head of 120 raw samples in typed arrays cost ~2.3 kB a series; this one costs its encoded bytes plus 16 raw samples.
 * Every field is one a series needs: a store holds one of these per series.
 */
export class SeriesData {
  /** Sealed chunks, oldest first (a shared empty array until the first). */
  chunks: SealedChunk[] = NO_CHUNKS;
  /** The head's encoded samples (undefined: none), and how many. */
  open: Uint8Array | undefined = undefined;
  openN = 0;
  /** The head's slot in the raw slab (-1: none), holding `rawN` samples. */
  slot = -1;
  rawN = 0;
  /** Stale flags of the raw samples, bit i for sample i. */
  rawStale = 0;
  // most series never get an out-of-order sample: they share one empty buffer
  ooo: Cols = NO_COLS;
  /** Newest timestamp accepted in order. */
  maxT: number = Number.NEGATIVE_INFINITY;
  private scale = -1;

  constructor(
    readonly id: number,
    readonly labels: Labels,
    private readonly cfg: SeriesConfig,
  ) {}

  /** Samples in the head (encoded and raw). */
  get headN(): number {
    return this.openN + this.rawN;
  }

  /**
   * Appends a sample newer than `maxT` and not stale (the hot path; the caller checks both). Returns nothing:
   * it is always stored.
   */
  push(t: number, v: number): void {
    const k = this.put(t, v);
    if (this.openN + k + 1 >= this.cfg.chunkSamples) this.seal();
    else if (k + 1 === RAW_SAMPLES) this.flushRaw();
  }

  /**
   * Writes a sample newer than `maxT` to the raw part; returns its index there. There is always room: a push that
   * fills the raw part flushes it, and one that fills the chunk seals it.
   */
  private put(t: number, v: number): number {
    if (this.slot < 0) this.slot = this.cfg.raw.alloc();
    const k = this.rawN;
    const raw = this.cfg.raw;
    const p = raw.page(this.slot);
    const o = raw.offset(this.slot) + 2 * k;
    p[o] = t;
    p[o + 1] = v;
    this.rawN = k + 1;
    this.maxT = t;
    return k;
  }

  /** Raw sample `k`'s timestamp. */
  private rawT(k: number): number {
    return this.cfg.raw.page(this.slot)[this.cfg.raw.offset(this.slot) + 2 * k]!;
  }

  private rawValue(k: number): number {
    return this.cfg.raw.page(this.slot)[this.cfg.raw.offset(this.slot) + 2 * k + 1]!;
  }

  private setRaw(k: number, t: number, v: number): void {
    const p = this.cfg.raw.page(this.slot);
    const o = this.cfg.raw.offset(this.slot) + 2 * k;
    p[o] = t;
    p[o + 1] = v;
  }

  /** Gives the raw slot back (the head has no raw samples left); a series that gets more takes another. */
  releaseRaw(): void {
    if (this.slot < 0) return;
    this.cfg.raw.release(this.slot);
    this.slot = -1;
    this.rawN = 0;
  }

  /** Appends one sample; the result says whether it was stored and how. */
  append(t: number, v: number, stale: number): AppendResult {
    if (t > this.maxT) {
      if (!stale) this.push(t, v);
      else {
        this.rawStale |= 1 << this.put(t, v);
        this.seal();
      }
      return Append.Ok;
    }
    // the newest sample is always raw (a flush keeps it), so a repeat of its timestamp is checked there
    const k = this.rawN - 1;
    if (k >= 0 && t === this.rawT(k)) {
      const was = (this.rawStale >>> k) & 1;
      if (sameBits(this.rawValue(k), v) && was === stale) return Append.Duplicate;
      if (!this.cfg.overwrite) return Append.DuplicateRejected;
      this.setRaw(k, t, v);
      this.rawStale = stale ? this.rawStale | (1 << k) : this.rawStale & ~(1 << k);
      return Append.DuplicateOverwritten;
    }
    if (t < this.maxT - this.cfg.oooWindowMs) return Append.TooOld;
    return this.insertOoo(t, v, stale);
  }

  /** Encodes all raw samples but the newest into the open chunk. */
  private flushRaw(): void {
    const keep = this.rawN - 1;
    const c = this.headCols(keep);
    // the open chunk's own scale is the best guess for the samples that extend it
    const hint = this.open !== undefined ? chunkScale(this.open) : this.scale;
    this.open = encodeChunk(c.t, c.v, c.s, 0, c.n, hint);
    this.openN = c.n;
    this.setRaw(0, this.rawT(keep), this.rawValue(keep));
    this.rawStale = (this.rawStale >>> keep) & 1;
    this.rawN = 1;
  }

  /**
   * The head's first `openN + rawCount` samples as columns, in the shared scratch buffer (valid until the next
   * encode or decode of any series).
   */
  private headCols(rawCount: number): Cols {
    const c = scratchFor(this.openN + rawCount);
    if (this.open !== undefined) decodeInto(this.open, c.t, c.v, c.s, 0);
    let k = this.openN;
    if (rawCount > 0) {
      const p = this.cfg.raw.page(this.slot);
      const o = this.cfg.raw.offset(this.slot);
      for (let i = 0; i < rawCount; i++, k++) {
        c.t[k] = p[o + 2 * i]!;
        c.v[k] = p[o + 2 * i + 1]!;
        c.s[k] = (this.rawStale >>> i) & 1;
      }
    }
    c.n = k;
    return c;
  }

  /** The head's samples as new columns (for reads, folds and snapshots; the append path never calls it). */
  get head(): Cols {
    const n = this.headN;
    if (n === 0) return NO_COLS;
    const c = this.headCols(this.rawN);
    const out = cols(n);
    out.t.set(c.t.subarray(0, n));
    out.v.set(c.v.subarray(0, n));
    out.s.set(c.s.subarray(0, n));
    out.n = n;
    return out;
  }

  /**
   * Writes the head's samples into `t`/`v`/`s` from index `at` (room for `headN` needed, `s` zeroed there) and
   * returns how many: reads that bring their own buffers (`readInto`) skip the copy `head` makes per call.
   */
  headInto(t: Float64Array, v: Float64Array, s: Uint8Array, at: number): number {
    if (this.open !== undefined) decodeInto(this.open, t, v, s, at);
    if (this.rawN > 0) {
      const p = this.cfg.raw.page(this.slot);
      const o = this.cfg.raw.offset(this.slot);
      for (let i = 0, k = at + this.openN; i < this.rawN; i++, k++) {
        t[k] = p[o + 2 * i]!;
        v[k] = p[o + 2 * i + 1]!;
        s[k] = (this.rawStale >>> i) & 1;
      }
    }
    return this.headN;
  }

  /** Replaces the head with `c`'s samples [start, end). */
  private setHead(c: Cols, start: number, end: number): void {
    this.open = undefined;
    this.openN = 0;
    this.rawN = 0;
    this.rawStale = 0;
    const n = end - start;
    if (n === 0) return;
    if (n > 1) {
      this.open = encodeChunk(c.t, c.v, c.s, start, n - 1, this.scale);
      this.openN = n - 1;
    }
    if (this.slot < 0) this.slot = this.cfg.raw.alloc();
    this.setRaw(0, c.t[end - 1]!, c.v[end - 1]!);
    this.rawStale = c.s[end - 1]!;
    this.rawN = 1;
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
    const n = this.headN;
    if (n === 0) return;
    const c = this.headCols(this.rawN);
    const stale = c.s[n - 1];
    this.open = undefined;
    this.openN = 0;
    this.rawN = 0;
    this.rawStale = 0;
    // a series that went stale usually ends: give its raw slot back; otherwise keep it for the next chunk
    if (stale) this.releaseRaw();
    this.pushChunk(c, 0, n);
  }

  private pushChunk(c: Cols, start: number, n: number): void {
    const bytes = encodeChunk(c.t, c.v, c.s, start, n, this.scale);
    this.scale = chunkScale(bytes);
    const chunk = { minT: c.t[start]!, maxT: c.t[start + n - 1]!, n, bytes };
    this.addChunk(chunk);
  }

  private addChunk(chunk: SealedChunk): void {
    if (this.chunks === NO_CHUNKS) this.chunks = [];
    this.chunks.push(chunk);
    this.cfg.onSeal(this, chunk);
  }

  /** Adds a chunk read from a snapshot (they come oldest first, before the head's samples). */
  restoreChunk(bytes: Uint8Array): void {
    const d = decodeChunk(bytes);
    const chunk = { minT: d.t[0]!, maxT: d.t[d.n - 1]!, n: d.n, bytes };
    this.maxT = Math.max(this.maxT, chunk.maxT);
    this.scale = chunkScale(bytes);
    this.addChunk(chunk);
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
    const replaced = j < this.chunks.length ? this.chunks.splice(j) : [];
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
    this.setHead(merged, i, merged.n);
    this.maxT = Math.max(this.maxT, merged.n > 0 ? merged.t[merged.n - 1]! : this.maxT);
    return replaced;
  }

  /** Samples with from ≤ t < to, chunks + head + out-of-order buffer merged, in time order. */
  read(from: number, to: number, counts?: MergeCounts): Cols {
    const cs = this.chunks;
    const lo = firstChunk(cs, from);
    let end = lo;
    const h = this.head;
    let n = h.n;
    for (; end < cs.length && cs[end]!.minT < to; end++) n += cs[end]!.n;
    // only the head in range (an instant query's usual read): `head` is a fresh copy already, use it as is
    let all = end === lo ? h : cols(n);
    if (end > lo) {
      let k = 0;
      for (let i = lo; i < end; i++) {
        decodeInto(cs[i]!.bytes, all.t, all.v, all.s, k);
        k += cs[i]!.n;
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
    const first = this.chunks[0]?.minT ?? this.headMinT;
    return Math.min(first, this.ooo.n > 0 ? this.ooo.t[0]! : Number.POSITIVE_INFINITY);
  }

  /** Newest timestamp in the head (always raw), or -Infinity when it is empty. */
  get headMaxT(): number {
    return this.rawN > 0 ? this.rawT(this.rawN - 1) : Number.NEGATIVE_INFINITY;
  }

  /** Oldest timestamp in the head, or +Infinity when it is empty. */
  get headMinT(): number {
    if (this.open !== undefined) return decodeFirstT(this.open);
    return this.rawN > 0 ? this.rawT(0) : Number.POSITIVE_INFINITY;
  }

  /** In-memory bytes of the head (encoded and raw) and the out-of-order buffer. */
  get bufferBytes(): number {
    return (
      (this.open?.length ?? 0) +
      (this.slot >= 0 ? RAW_SAMPLES * HEAD_SAMPLE_BYTES : 0) +
      this.ooo.t.length * 17
    );
  }
}

/** Index of the first chunk that can hold `from` (chunks are in time order and never overlap). */
export function firstChunk(cs: readonly SealedChunk[], from: number): number {
  let lo = 0;
  let hi = cs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cs[mid]!.maxT < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
