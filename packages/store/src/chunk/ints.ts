import type { BitReader, BitWriter } from './bits.js';

const TWO32 = 4294967296;

/**
 * A variable-width code for signed integers: a unary prefix picks a bucket, then the value in that many bits
 * (two's complement). Zero costs one bit. The last bucket holds any |x| < 2^53 in 64 bits.
 */
export interface IntCode {
  /** Bit widths of the buckets after the zero bucket, smallest first; each ≤ 32. */
  readonly widths: readonly number[];
}

/** Prometheus's buckets for timestamp delta-of-deltas (14, 17, 20 bits). */
export const DOD_CODE: IntCode = { widths: [14, 17, 20] };
/** Buckets for scaled-decimal value deltas, tuned for gauges with a few significant digits. */
export const VALUE_CODE: IntCode = { widths: [6, 12, 20, 32] };

/** HALF[n] = 2^(n-1): the bound of an n-bit two's complement integer (Math.pow per call is slow). */
const HALF = Array.from({ length: 65 }, (_, n) => (n === 0 ? 0 : 2 ** (n - 1)));

function fits(x: number, n: number): boolean {
  const half = HALF[n]!;
  return x >= -half && x < half;
}

/** Writes `x` (a safe integer) with `code`. */
export function writeInt(w: BitWriter, code: IntCode, x: number): void {
  if (x === 0) {
    w.write(0, 1);
    return;
  }
  const widths = code.widths;
  for (let b = 0; b < widths.length; b++) {
    const n = widths[b]!;
    if (fits(x, n)) {
      // prefix: b+1 ones then a zero; one write call when prefix and value fit in 32 bits
      const prefix = (1 << (b + 2)) - 2;
      if (b + 2 + n <= 32) w.write(((prefix << n) | (x & ((1 << n) - 1))) >>> 0, b + 2 + n);
      else {
        w.write(prefix, b + 2);
        w.write(x, n);
      }
      return;
    }
  }
  w.write((2 ** (widths.length + 1) - 1) >>> 0, widths.length + 1);
  const hi = Math.floor(x / TWO32);
  w.write(hi, 32);
  w.write(x - hi * TWO32, 32);
}

/** Reads what {@link writeInt} wrote. */
export function readInt(r: BitReader, code: IntCode): number {
  const widths = code.widths;
  const b = r.ones(widths.length + 1);
  if (b === 0) return 0;
  if (b > widths.length) {
    const hi = r.read(32) | 0;
    return hi * TWO32 + r.read(32);
  }
  const n = widths[b - 1]!;
  const u = r.read(n);
  return u >= HALF[n]! ? u - 2 * HALF[n]! : u;
}

/** A cheap stand-in for the bits an integer costs (its magnitude's bit length), for choosing a coding. */
export function magnitudeBits(x: number): number {
  const a = x < 0 ? -x : x;
  return a >= 0x7fffffff ? 64 : 32 - Math.clz32(a);
}

/** {@link writeInt} with {@link VALUE_CODE}, unrolled: the encoder's hottest call. */
export function writeValueInt(w: BitWriter, x: number): void {
  if (x === 0) w.write(0, 1);
  else if (x >= -32 && x < 32) w.write((2 << 6) | (x & 63), 8);
  else if (x >= -2048 && x < 2048) w.write((6 << 12) | (x & 4095), 15);
  else if (x >= -524288 && x < 524288) w.write((14 << 20) | (x & 0xfffff), 24);
  else writeInt(w, VALUE_CODE, x);
}
