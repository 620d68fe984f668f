import type { BitReader, BitWriter } from './bits.js';
import { magnitudeBits, readInt, VALUE_CODE, writeValueInt } from './ints.js';

/** Powers of ten used both to scale and to unscale, so decoding repeats the exact same division. */
export const POW10: readonly number[] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
const MAX_MANTISSA = 2 ** 50;

/** Whether `v` is exactly `m / 10^k` for an integer `m` (so `m / 10^k` decodes it bit for bit). */
export function exactAt(v: number, k: number): boolean {
  const p = POW10[k]!;
  const m = Math.round(v * p);
  // -0 would come back as +0, and non-finite values have no mantissa: both go to XOR coding
  return m / p === v && Math.abs(m) < MAX_MANTISSA && !Object.is(v, -0);
}

/**
 * The smallest power-of-ten scale `k` at which every value is exactly `m / 10^k` for an integer `m`
 * (checked by recomputing the float, so decoding is bit-exact), or -1 when there is none.
 * Tries `hint` first: consecutive chunks of a series nearly always share their scale.
 */
export function findScale(v: Float64Array, start: number, n: number, hint: number): number {
  if (hint >= 0 && (hint === 0 || !allExact(v, start, n, hint - 1)) && allExact(v, start, n, hint)) {
    return hint;
  }
  let k = 0;
  for (let i = start; i < start + n; i++) {
    const x = v[i]!;
    while (k < POW10.length && !exactAt(x, k)) k++;
    if (k === POW10.length) return -1;
  }
  return allExact(v, start, n, k) ? k : -1;
}

/** Scaled integers of the last successful {@link allExact} check, reused by the writer. */
let scaled = new Float64Array(1024);

function allExact(v: Float64Array, start: number, n: number, k: number): boolean {
  if (scaled.length < n) scaled = new Float64Array(n);
  const p = POW10[k]!;
  for (let i = 0; i < n; i++) {
    const x = v[start + i]!;
    const m = Math.round(x * p);
    if (m / p !== x || Math.abs(m) >= MAX_MANTISSA || (x === 0 && 1 / x < 0)) return false;
    scaled[i] = m;
  }
  return true;
}

/**
 * Writes the scaled integers computed by the {@link findScale} call just before: a 1-bit mode (0 = deltas,
 * suits gauges; 1 = delta-of-deltas, suits counters and ramps), the first integer, then the chosen
 * differences. The mode with the smaller summed magnitudes is picked.
 */
export function writeDecimalValues(w: BitWriter, n: number): void {
  const m0 = scaled;
  let costDelta = 0;
  let costDod = 0;
  let prev = m0[0]!;
  let prevDelta = 0;
  for (let i = 1; i < n; i++) {
    const m = m0[i]!;
    const d = m - prev;
    costDelta += magnitudeBits(d);
    costDod += magnitudeBits(d - prevDelta);
    prevDelta = d;
    prev = m;
  }
  const dod = costDod < costDelta ? 1 : 0;
  w.write(dod, 1);
  prev = m0[0]!;
  writeValueInt(w, prev);
  prevDelta = 0;
  for (let i = 1; i < n; i++) {
    const m = m0[i]!;
    const d = m - prev;
    writeValueInt(w, dod ? d - prevDelta : d);
    prevDelta = d;
    prev = m;
  }
}

/** Decodes what {@link writeDecimalValues} wrote. */
export function readDecimalValues(r: BitReader, out: Float64Array, n: number, k: number): void {
  const p = POW10[k]!;
  const dod = r.read(1);
  let m = readInt(r, VALUE_CODE);
  out[0] = m / p;
  let delta = 0;
  for (let i = 1; i < n; i++) {
    const x = readInt(r, VALUE_CODE);
    delta = dod ? delta + x : x;
    m += delta;
    out[i] = m / p;
  }
}
