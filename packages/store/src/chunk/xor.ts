import type { BitReader, BitWriter } from './bits.js';
import { ctz32, fromBits, hiBits, loBits } from './float-bits.js';

/** What XOR coding carries from one value to the next: the previous bit pattern and the meaningful-bit window. */
export interface XorState {
  hi: number;
  lo: number;
  /** Leading zeros of the window (0xff: no window yet). */
  lead: number;
  trail: number;
}

/**
 * Gorilla XOR value coding, as Prometheus's XOR chunk: '0' when the value repeats; '10' + the meaningful
 * bits when they fit the previous leading/trailing window; '11' + 5 bits leading zeros + 6 bits length +
 * the bits otherwise. Works on raw bit patterns, so every float (NaN payloads, -0, ±Inf) round-trips.
 */
export function writeXorValues(w: BitWriter, v: Float64Array, start: number, n: number): void {
  const lo = loBits(v[start]!);
  const st: XorState = { hi: hiBits(), lo, lead: 0xff, trail: 0 };
  w.write(st.hi, 32);
  w.write(st.lo, 32);
  for (let i = start + 1; i < start + n; i++) writeXorNext(w, st, loBits(v[i]!), hiBits());
}

/**
 * Writes the value with bit pattern (hi, lo) after the one in `st`, and moves `st` on. Also what a head appends
 * per sample (its state kept between appends).
 */
export function writeXorNext(w: BitWriter, st: XorState, lo: number, hi: number): void {
  const xlo = (lo ^ st.lo) >>> 0;
  const xhi = (hi ^ st.hi) >>> 0;
  st.lo = lo;
  st.hi = hi;
  if (xlo === 0 && xhi === 0) {
    w.write(0, 1);
    return;
  }
  let l = xhi !== 0 ? Math.clz32(xhi) : 32 + Math.clz32(xlo);
  const t = xlo !== 0 ? ctz32(xlo) : 32 + ctz32(xhi);
  if (l >= 32) l = 31; // 5 bits hold at most 31, as in Prometheus
  if (st.lead !== 0xff && l >= st.lead && t >= st.trail) {
    w.write(2, 2);
    writeSig(w, xhi, xlo, st.trail, 64 - st.lead - st.trail);
    return;
  }
  st.lead = l;
  st.trail = t;
  const sig = 64 - l - t;
  w.write(3, 2);
  w.write(l, 5);
  w.write(sig & 63, 6); // 64 is written as 0
  writeSig(w, xhi, xlo, t, sig);
}

function writeSig(w: BitWriter, xhi: number, xlo: number, t: number, sig: number): void {
  let hi: number;
  let lo: number;
  if (t >= 32) {
    hi = 0;
    lo = xhi >>> (t - 32);
  } else if (t === 0) {
    hi = xhi;
    lo = xlo;
  } else {
    hi = xhi >>> t;
    lo = ((xlo >>> t) | (xhi << (32 - t))) >>> 0;
  }
  if (sig > 32) {
    w.write(hi, sig - 32);
    w.write(lo, 32);
  } else w.write(lo, sig);
}

/** Decodes `n` values written by {@link writeXorValues} into `out[0..n)`. */
export function readXorValues(r: BitReader, out: Float64Array, n: number): void {
  const st: XorState = { hi: r.read(32), lo: r.read(32), lead: 0, trail: 0 };
  out[0] = fromBits(st.hi, st.lo);
  for (let i = 1; i < n; i++) out[i] = readXorNext(r, st);
}

/** Reads the value after the one in `st` (what {@link writeXorNext} wrote), and moves `st` on. */
export function readXorNext(r: BitReader, st: XorState): number {
  if (r.read(1) === 0) return fromBits(st.hi, st.lo);
  if (r.read(1) === 1) {
    st.lead = r.read(5);
    let sig = r.read(6);
    if (sig === 0) sig = 64;
    st.trail = 64 - st.lead - sig;
  }
  const trail = st.trail;
  const sig = 64 - st.lead - trail;
  let hi = 0;
  let lo: number;
  if (sig > 32) {
    hi = r.read(sig - 32);
    lo = r.read(32);
  } else lo = r.read(sig);
  // shift the meaningful bits back left by `trail`
  let xhi: number;
  let xlo: number;
  if (trail >= 32) {
    xhi = (lo << (trail - 32)) >>> 0;
    xlo = 0;
  } else if (trail === 0) {
    xhi = hi;
    xlo = lo;
  } else {
    xhi = ((hi << trail) | (lo >>> (32 - trail))) >>> 0;
    xlo = (lo << trail) >>> 0;
  }
  st.hi = (st.hi ^ xhi) >>> 0;
  st.lo = (st.lo ^ xlo) >>> 0;
  return fromBits(st.hi, st.lo);
}
