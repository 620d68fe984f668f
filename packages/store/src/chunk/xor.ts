import type { BitReader, BitWriter } from './bits.js';
import { ctz32, fromBits, hiBits, loBits } from './float-bits.js';

/**
 * Gorilla XOR value coding, as Prometheus's XOR chunk: '0' when the value repeats; '10' + the meaningful
 * bits when they fit the previous leading/trailing window; '11' + 5 bits leading zeros + 6 bits length +
 * the bits otherwise. Works on raw bit patterns, so every float (NaN payloads, -0, ±Inf) round-trips.
 */
export function writeXorValues(w: BitWriter, v: Float64Array, start: number, n: number): void {
  let plo = loBits(v[start]!);
  let phi = hiBits();
  w.write(phi, 32);
  w.write(plo, 32);
  let lead = 0xff;
  let trail = 0;
  for (let i = start + 1; i < start + n; i++) {
    const lo = loBits(v[i]!);
    const hi = hiBits();
    const xlo = (lo ^ plo) >>> 0;
    const xhi = (hi ^ phi) >>> 0;
    plo = lo;
    phi = hi;
    if (xlo === 0 && xhi === 0) {
      w.write(0, 1);
      continue;
    }
    let l = xhi !== 0 ? Math.clz32(xhi) : 32 + Math.clz32(xlo);
    const t = xlo !== 0 ? ctz32(xlo) : 32 + ctz32(xhi);
    if (l >= 32) l = 31; // 5 bits hold at most 31, as in Prometheus
    if (lead !== 0xff && l >= lead && t >= trail) {
      w.write(2, 2);
      writeSig(w, xhi, xlo, trail, 64 - lead - trail);
      continue;
    }
    lead = l;
    trail = t;
    const sig = 64 - l - t;
    w.write(3, 2);
    w.write(l, 5);
    w.write(sig & 63, 6); // 64 is written as 0
    writeSig(w, xhi, xlo, t, sig);
  }
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
  let phi = r.read(32);
  let plo = r.read(32);
  out[0] = fromBits(phi, plo);
  let lead = 0;
  let trail = 0;
  for (let i = 1; i < n; i++) {
    if (r.read(1) === 0) {
      out[i] = fromBits(phi, plo);
      continue;
    }
    if (r.read(1) === 1) {
      lead = r.read(5);
      let sig = r.read(6);
      if (sig === 0) sig = 64;
      trail = 64 - lead - sig;
    }
    const sig = 64 - lead - trail;
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
    phi = (phi ^ xhi) >>> 0;
    plo = (plo ^ xlo) >>> 0;
    out[i] = fromBits(phi, plo);
  }
}
