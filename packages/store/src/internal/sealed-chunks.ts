import {
  chunkLength,
  chunkScale,
  chunkTimeBounds,
  decodeInto,
  stageChunk,
  writeStaged,
} from '../chunk/chunk.js';
import { ChunkPages } from './chunk-pages.js';
import { widen } from './columns.js';
import type { Cols } from './merge.js';

/** No chunk (an empty list's ends, the end of a list). */
export const NONE = -1;

/** The time bounds of a chunk being restored (loading is synchronous). */
const bounds = { minT: 0, maxT: 0 };

/**
 * The sealed chunks of every series of a store. A chunk is an id into typed columns (its time bounds, sample count,
 * and where its bytes are in {@link ChunkPages}); a series' chunks are a list, oldest first, linked both ways through
 * those columns, with its ends in columns by series id. An object and a `Uint8Array` per chunk and an array per
 * series cost ~400 bytes of heap for each chunk of ~190 bytes; these columns cost 36.
 *
 * Lists are linked rather than arrays so that a series needs no array of its own: chunks are added at the newest end,
 * dropped at the oldest (retention) or from some chunk on to the newest (an out-of-order fold), and reads find the
 * first chunk they need by walking back from the newest (the recent ones are what queries read).
 */
export class SealedChunks {
  private readonly pages = new ChunkPages();
  private cap = 0;
  /** Chunk ids never handed out start here; freed ids are linked through `next` from `freeId`. */
  private top = 0;
  private freeId = NONE;
  minT: Float64Array = new Float64Array(0);
  maxT: Float64Array = new Float64Array(0);
  /** Samples in the chunk. */
  n: Uint16Array = new Uint16Array(0);
  /** Next newer / older chunk of the same series, or {@link NONE}. */
  next: Int32Array = new Int32Array(0);
  prev: Int32Array = new Int32Array(0);
  private page = new Int32Array(0);
  private offset = new Uint16Array(0);
  private len = new Uint32Array(0);
  private seriesCap = 0;
  private oldestOf = new Int32Array(0);
  private newestOf = new Int32Array(0);

  /** Makes `sid` a series without chunks (giving back those an earlier series of that id still held). */
  initSeries(sid: number): void {
    if (sid >= this.seriesCap) this.growSeries(sid + 1);
    while (this.oldestOf[sid] !== NONE) this.remove(sid, this.oldestOf[sid]!);
  }

  /** The oldest chunk of series `sid`, or {@link NONE}. */
  oldest(sid: number): number {
    return this.oldestOf[sid]!;
  }

  /** The newest chunk of series `sid`, or {@link NONE}. */
  newest(sid: number): number {
    return this.newestOf[sid]!;
  }

  /** The oldest chunk of `sid` that ends at or after `from` (the first a read from `from` needs), or {@link NONE}. */
  from(sid: number, from: number): number {
    let c = this.newestOf[sid]!;
    if (c === NONE || this.maxT[c]! < from) return NONE;
    for (let p = this.prev[c]!; p !== NONE && this.maxT[p]! >= from; p = this.prev[p]!) c = p;
    return c;
  }

  /** Encodes samples [start, start + n) of `c` as the newest chunk of `sid`; returns the chunk's scale (-1: XOR). */
  seal(sid: number, c: Cols, start: number, n: number, scaleHint: number): number {
    const len = stageChunk(c.t, c.v, c.s, start, n, scaleHint);
    const p = this.pages.reserve(len);
    const at = this.pages.at;
    writeStaged(this.pages.page(p), at);
    this.link(sid, p, at, len, c.t[start]!, c.t[start + n - 1]!, n);
    return chunkScale(this.pages.page(p), at);
  }

  /** Copies an encoded chunk (read from a snapshot) in as the newest chunk of `sid`; returns its scale. */
  restore(sid: number, bytes: Uint8Array): number {
    // its timestamps only: decoding it whole made three arrays per chunk loaded
    chunkTimeBounds(bytes, bounds);
    const p = this.pages.reserve(bytes.length);
    const at = this.pages.at;
    this.pages.page(p).set(bytes, at);
    this.link(sid, p, at, bytes.length, bounds.minT, bounds.maxT, chunkLength(bytes));
    return chunkScale(bytes);
  }

  /** Unlinks chunk `id` from the list of `sid` and gives its bytes and id back. */
  remove(sid: number, id: number): void {
    const p = this.prev[id]!;
    const nx = this.next[id]!;
    if (p === NONE) this.oldestOf[sid] = nx;
    else this.next[p] = nx;
    if (nx === NONE) this.newestOf[sid] = p;
    else this.prev[nx] = p;
    this.pages.release(this.page[id]!, this.len[id]!);
    this.next[id] = this.freeId;
    this.freeId = id;
  }

  /** Decodes chunk `id` into `t`/`v`/`s` from index `at` (stale flags: only the 1s are written). */
  decodeInto(id: number, t: Float64Array, v: Float64Array, s: Uint8Array, at: number): void {
    decodeInto(this.pages.page(this.page[id]!), t, v, s, at, this.offset[id]!, this.len[id]!);
  }

  /** The encoded bytes of chunk `id`: a view into its page, valid while the chunk is held. */
  bytes(id: number): Uint8Array {
    const at = this.offset[id]!;
    return this.pages.page(this.page[id]!).subarray(at, at + this.len[id]!);
  }

  /** Length in bytes of chunk `id`. */
  byteLength(id: number): number {
    return this.len[id]!;
  }

  /** Bytes of every page of chunks. */
  get pageBytes(): number {
    return this.pages.bytes;
  }

  private link(sid: number, p: number, at: number, len: number, minT: number, maxT: number, n: number): void {
    const id = this.takeId();
    this.page[id] = p;
    this.offset[id] = at;
    this.len[id] = len;
    this.minT[id] = minT;
    this.maxT[id] = maxT;
    this.n[id] = n;
    const last = this.newestOf[sid]!;
    this.prev[id] = last;
    this.next[id] = NONE;
    if (last === NONE) this.oldestOf[sid] = id;
    else this.next[last] = id;
    this.newestOf[sid] = id;
  }

  private takeId(): number {
    if (this.freeId !== NONE) {
      const id = this.freeId;
      this.freeId = this.next[id]!;
      return id;
    }
    if (this.top === this.cap) this.grow(Math.max(64, Math.ceil(this.cap * 1.5)));
    return this.top++;
  }

  private grow(cap: number): void {
    this.minT = widen(this.minT, new Float64Array(cap));
    this.maxT = widen(this.maxT, new Float64Array(cap));
    this.n = widen(this.n, new Uint16Array(cap));
    this.next = widen(this.next, new Int32Array(cap));
    this.prev = widen(this.prev, new Int32Array(cap));
    this.page = widen(this.page, new Int32Array(cap));
    this.offset = widen(this.offset, new Uint16Array(cap));
    this.len = widen(this.len, new Uint32Array(cap));
    this.cap = cap;
  }

  private growSeries(min: number): void {
    const cap = Math.max(min, Math.ceil(this.seriesCap * 1.5), 64);
    this.oldestOf = widen(this.oldestOf, new Int32Array(cap).fill(NONE));
    this.newestOf = widen(this.newestOf, new Int32Array(cap).fill(NONE));
    this.seriesCap = cap;
  }
}
