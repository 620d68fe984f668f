/** Scratch views sharing one 8-byte buffer: reading a float's bits this way keeps NaN payloads intact. */
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('@argus/store: needs a little-endian platform (float bit access assumes it)');
}

/** Low 32 bits of the float's IEEE 754 pattern. Call {@link hiBits} right after for the high half. */
export function loBits(v: number): number {
  f64[0] = v;
  return u32[0]!;
}

/** High 32 bits of the pattern of the float last passed to {@link loBits}. */
export function hiBits(): number {
  return u32[1]!;
}

/** Builds a float from its two 32-bit halves. */
export function fromBits(hi: number, lo: number): number {
  u32[0] = lo;
  u32[1] = hi;
  return f64[0]!;
}

/** Whether two floats have the same bit pattern (NaN payloads and the sign of zero count). */
export function sameBits(a: number, b: number): boolean {
  f64[0] = a;
  const alo = u32[0];
  const ahi = u32[1];
  f64[0] = b;
  return alo === u32[0] && ahi === u32[1];
}

/** Count of trailing zero bits of a 32-bit word (32 for zero). */
export function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}
