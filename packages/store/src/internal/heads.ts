import { BitReader, BitWriter } from '../chunk/bits.js';
import { exactAt, findScale, POW10 } from '../chunk/decimal.js';
import { fromBits, hiBits, loBits } from '../chunk/float-bits.js';
import { DOD_CODE, type IntCode, readInt, VALUE_CODE, writeInt, writeValueInt } from '../chunk/ints.js';
import { readXorNext, writeXorNext, type XorState } from '../chunk/xor.js';
import { widen } from './columns.js';
import { classWords, HeadArena } from './head-arena.js';
import type { Cols } from './merge.js';

/** The first timestamp: a whole 64-bit integer. */
const FIRST_T: IntCode = { widths: [] };
/** Most bits one sample can take (a delta-of-delta's 68 and an XOR value's 77): the room kept before writing one. */
const MAX_SAMPLE_BITS = 145;
/** Largest scaled decimal a head codes as one (as the chunks' decimal coding). */
const MAX_MANTISSA = 2 ** 50;
/** Value coding of a head with no decimal scale. */
const XOR = -1;

const writer = new BitWriter(2);
/** One reader for every head read of every store: a reader per head read was 0.9 MB per instant query over 10k series. */
const reader = new BitReader(new Uint8Array(0));
const xor: XorState = { hi: 0, lo: 0, lead: 0xff, trail: 0 };

/**
 * The heads (open chunks) of every series of a store, by series id, encoded as they fill — as Prometheus's XOR
 * chunk appender does: each sample's bits are written after the last one's, from state kept per head (the last
 * timestamp, delta and value, and the XOR window), so a head needs no raw samples and is never re-encoded while it
 * fills. The bits live in a slot of the store's {@link HeadArena}; the state in typed columns by series id (a field
 * per series object would cost 8 bytes of pointer, and a boxed double 16 more).
 *
 * Per sample: the timestamp's delta-of-delta (Prometheus's buckets), then the value, either as the difference of
 * scaled decimal integers (`m / 10^k`, when every value of the head is one exactly: gauges with a few digits) or
 * XOR-coded. A value that does not fit the head's scale re-encodes the head once at a scale that fits all, or in
 * XOR. This is the head's own format: sealing decodes it and encodes a chunk in the store's chunk format. Stale
 * flags are rare inside a head (an in-order stale marker seals it), so they are kept aside.
 */
export class Heads {
  private readonly arena = new HeadArena();
  private cap = 0;
  /** Samples in the head. */
  n: Uint16Array = new Uint16Array(0);
  /** Bits written to the head's slot. */
  private bits = new Uint32Array(0);
  /** The slot's handle (-1: none) and size class. */
  private slot = new Int32Array(0);
  private cls = new Uint8Array(0);
  /** Decimal scale of the head's values, or -1 for XOR. */
  private mode = new Int8Array(0);
  /** Scale of the series' last sealed chunk (-1: none), tried first for its next head. */
  scale: Int8Array = new Int8Array(0);
  /** Newest timestamp accepted in order. */
  maxT: Float64Array = new Float64Array(0);
  private lastT = new Float64Array(0);
  private lastD = new Float64Array(0);
  /** The last value scaled to the head's decimals (decimal heads). */
  private lastM = new Float64Array(0);
  private vHi = new Uint32Array(0);
  private vLo = new Uint32Array(0);
  private lead = new Uint8Array(0);
  private trail = new Uint8Array(0);
  /** Indexes of stale samples in heads that have any. */
  private readonly stale = new Map<number, number[]>();

  /** Makes `id` an empty series' head. */
  init(id: number): void {
    if (id >= this.cap) this.grow(id + 1);
    this.clear(id);
    this.maxT[id] = Number.NEGATIVE_INFINITY;
    this.scale[id] = -1;
  }

  /** Empties the head, giving its slot back; `maxT` and the scale hint stay. */
  clear(id: number): void {
    if (this.slot[id]! >= 0) this.arena.release(this.slot[id]!);
    this.slot[id] = -1;
    this.n[id] = 0;
    this.bits[id] = 0;
    this.stale.delete(id);
  }

  /** Appends a sample newer than the head's last (not stale: see {@link staleAt}). */
  append(id: number, t: number, v: number): void {
    const k = this.mode[id]!;
    if (this.n[id] === 0) this.start(id, t, v, pickScale(v, this.scale[id]!));
    else if (k === XOR) this.next(id, t, v, 0);
    else {
      // exactAt, inline: its scaled integer is what the head writes
      const p = POW10[k]!;
      const m = Math.round(v * p);
      if (m / p === v && m < MAX_MANTISSA && m > -MAX_MANTISSA && (v !== 0 || 1 / v > 0))
        this.next(id, t, v, m);
      else this.reencode(id, t, v);
    }
    this.maxT[id] = t;
  }

  /** Marks sample `i` of the head stale (or not). */
  staleAt(id: number, i: number, stale: number): void {
    const list = this.stale.get(id);
    if (stale) {
      if (!list) this.stale.set(id, [i]);
      else if (!list.includes(i)) list.push(i);
    } else if (list) {
      const j = list.indexOf(i);
      if (j >= 0) list.splice(j, 1);
      if (list.length === 0) this.stale.delete(id);
    }
  }

  /** The head's last timestamp (only when it has samples). */
  last(id: number): number {
    return this.lastT[id]!;
  }

  /** The head's last value, bit for bit. */
  lastValue(id: number): number {
    return fromBits(this.vHi[id]!, this.vLo[id]!);
  }

  /** Whether the head's last sample is stale. */
  lastStale(id: number): number {
    return this.stale.get(id)?.includes(this.n[id]! - 1) ? 1 : 0;
  }

  /** The head's first timestamp, or +Infinity when it is empty. */
  first(id: number): number {
    return this.n[id] === 0 ? Number.POSITIVE_INFINITY : readInt(this.reader(id), FIRST_T);
  }

  /** Starts an empty head with its first sample, values coded at decimal scale `mode` (or XOR). */
  private start(id: number, t: number, v: number, mode: number): void {
    const h = this.arena.alloc(0);
    this.slot[id] = h;
    this.cls[id] = 0;
    this.mode[id] = mode;
    const w = writer;
    w.attach(this.arena.page(h), this.arena.offset(h) * 32);
    writeInt(w, FIRST_T, t);
    const lo = loBits(v);
    const hi = hiBits();
    if (mode >= 0) {
      this.lastM[id] = Math.round(v * POW10[mode]!);
      writeValueInt(w, this.lastM[id]!);
    } else {
      w.write(hi, 32);
      w.write(lo, 32);
    }
    this.vHi[id] = hi;
    this.vLo[id] = lo;
    this.lead[id] = 0xff;
    this.trail[id] = 0;
    this.lastT[id] = t;
    this.lastD[id] = 0;
    this.bits[id] = w.bitLength - this.arena.offset(h) * 32;
    this.n[id] = 1;
  }

  /** Appends one sample after the first, in the head's mode (`m`: the value scaled to the head's decimals). */
  private next(id: number, t: number, v: number, m: number): void {
    let h = this.slot[id]!;
    const used = this.bits[id]!;
    if (used + MAX_SAMPLE_BITS > classWords(this.cls[id]!) * 32) h = this.move(id, h, used);
    const w = writer;
    const base = this.arena.offset(h) * 32;
    w.attach(this.arena.page(h), base + used);
    const d = t - this.lastT[id]!;
    writeInt(w, DOD_CODE, d - this.lastD[id]!);
    this.lastD[id] = d;
    this.lastT[id] = t;
    const k = this.mode[id]!;
    const lo = loBits(v);
    const hi = hiBits();
    if (k >= 0) {
      writeValueInt(w, m - this.lastM[id]!);
      this.lastM[id] = m;
    } else {
      xor.hi = this.vHi[id]!;
      xor.lo = this.vLo[id]!;
      xor.lead = this.lead[id]!;
      xor.trail = this.trail[id]!;
      writeXorNext(w, xor, lo, hi);
      this.lead[id] = xor.lead;
      this.trail[id] = xor.trail;
    }
    this.vHi[id] = hi;
    this.vLo[id] = lo;
    this.bits[id] = w.bitLength - base;
    this.n[id] = this.n[id]! + 1;
  }

  /** Moves the head to a slot of the next class with room for a sample (copying its words); returns the handle. */
  private move(id: number, h: number, used: number): number {
    let c = this.cls[id]! + 1;
    while (classWords(c) * 32 < used + MAX_SAMPLE_BITS) c++;
    const to = this.arena.alloc(c);
    const words = (used + 31) >>> 5;
    const from = this.arena.offset(h);
    this.arena.page(to).set(this.arena.page(h).subarray(from, from + words), this.arena.offset(to));
    this.arena.release(h);
    this.slot[id] = to;
    this.cls[id] = c;
    return to;
  }

  /** A value that does not fit the head's decimal scale: the head's samples and it, encoded again. */
  private reencode(id: number, t: number, v: number): void {
    const n = this.n[id]!;
    const c = scratchCols(n + 1);
    this.decode(id, c, 0);
    c.t[n] = t;
    c.v[n] = v;
    c.s[n] = 0;
    this.set(id, c, 0, n + 1);
  }

  /** Replaces the head with samples [start, end) of `c` (after a fold, an overwrite or a change of scale). */
  set(id: number, c: Cols, start: number, end: number): void {
    const maxT = this.maxT[id]!;
    this.clear(id);
    if (end > start) {
      const k = findScale(c.v, start, end - start, this.scale[id]!);
      this.start(id, c.t[start]!, c.v[start]!, k);
      const p = k >= 0 ? POW10[k]! : 0;
      for (let i = start + 1; i < end; i++) this.next(id, c.t[i]!, c.v[i]!, Math.round(c.v[i]! * p));
      for (let i = start; i < end; i++) if (c.s[i]) this.staleAt(id, i - start, 1);
    }
    this.maxT[id] = maxT;
  }

  /** Writes the head's samples into `c` from `offset` (stale flags set to 0 or 1). */
  decode(id: number, c: Cols, offset: number): void {
    const n = this.n[id]!;
    if (n === 0) return;
    const r = this.reader(id);
    const k = this.mode[id]!;
    const p = k >= 0 ? POW10[k]! : 1;
    let t = readInt(r, FIRST_T);
    let d = 0;
    let m = 0;
    c.t[offset] = t;
    if (k >= 0) {
      m = readInt(r, VALUE_CODE);
      c.v[offset] = m / p;
    } else {
      xor.hi = r.read(32);
      xor.lo = r.read(32);
      xor.lead = 0;
      xor.trail = 0;
      c.v[offset] = fromBits(xor.hi, xor.lo);
    }
    for (let i = 1; i < n; i++) {
      d += readInt(r, DOD_CODE);
      t += d;
      c.t[offset + i] = t;
      if (k >= 0) {
        m += readInt(r, VALUE_CODE);
        c.v[offset + i] = m / p;
      } else c.v[offset + i] = readXorNext(r, xor);
    }
    c.s.fill(0, offset, offset + n);
    const st = this.stale.get(id);
    if (st) for (const i of st) c.s[offset + i] = 1;
  }

  /** Bytes of the head's slot (0 without one). */
  bytes(id: number): number {
    return this.slot[id]! >= 0 ? classWords(this.cls[id]!) * 4 : 0;
  }

  /** Bytes of every page of heads. */
  get pageBytes(): number {
    return this.arena.words * 4;
  }

  /** The shared reader pointed at the head's slot (valid until the next call: decoding is synchronous). */
  private reader(id: number): BitReader {
    const h = this.slot[id]!;
    reader.attach(this.arena.page(h), this.arena.offset(h));
    return reader;
  }

  private grow(min: number): void {
    const cap = Math.max(min, Math.ceil(this.cap * 1.5), 64);
    this.n = widen(this.n, new Uint16Array(cap));
    this.bits = widen(this.bits, new Uint32Array(cap));
    this.slot = widen(this.slot, new Int32Array(cap));
    this.cls = widen(this.cls, new Uint8Array(cap));
    this.mode = widen(this.mode, new Int8Array(cap));
    this.scale = widen(this.scale, new Int8Array(cap));
    this.maxT = widen(this.maxT, new Float64Array(cap));
    this.lastT = widen(this.lastT, new Float64Array(cap));
    this.lastD = widen(this.lastD, new Float64Array(cap));
    this.lastM = widen(this.lastM, new Float64Array(cap));
    this.vHi = widen(this.vHi, new Uint32Array(cap));
    this.vLo = widen(this.vLo, new Uint32Array(cap));
    this.lead = widen(this.lead, new Uint8Array(cap));
    this.trail = widen(this.trail, new Uint8Array(cap));
    this.slot.fill(-1, this.cap);
    this.cap = cap;
  }
}

/** The scale a head starts with: the last chunk's when `v` fits it, else the smallest `v` fits, else XOR. */
function pickScale(v: number, hint: number): number {
  if (hint >= 0 && exactAt(v, hint)) return hint;
  for (let k = 0; k < POW10.length; k++) if (exactAt(v, k)) return k;
  return XOR;
}

let scratch: Cols | undefined;
/** Columns reused by re-encodes (synchronous; a head holds at most a chunk's samples, so this grows once). */
function scratchCols(n: number): Cols {
  if (!scratch || scratch.t.length < n) {
    const cap = Math.max(n, 128);
    scratch = { t: new Float64Array(cap), v: new Float64Array(cap), s: new Uint8Array(cap), n: 0 };
  }
  return scratch;
}
