/** A small seeded PRNG (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const f = new Float64Array(1);
const u = new BigUint64Array(f.buffer);

/** The 64-bit pattern of a float, as a hex string (so NaN payloads compare). */
export function bitsOf(v: number): string {
  f[0] = v;
  return u[0]!.toString(16);
}

/** A float with the given bit pattern. */
export function floatOf(bits: bigint): number {
  u[0] = bits;
  return f[0]!;
}

/** Bit patterns of every element of a Float64Array (read in place, no JS number round trip). */
export function patterns(a: Float64Array): string[] {
  return Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length), (b) => b.toString(16));
}

/** Random float with a random kind: decimal gauge, integer counter, any bit pattern, NaN payload, ±Inf, -0. */
export function randomValue(r: () => number): number {
  const k = r();
  if (k < 0.3) return Math.round(r() * 10_000) / 100;
  if (k < 0.5) return Math.floor(r() * 1e6);
  if (k < 0.7)
    return floatOf(BigInt(Math.floor(r() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(r() * 2 ** 32)));
  if (k < 0.8)
    return floatOf(
      0x7ff0000000000000n | BigInt(1 + Math.floor(r() * 2 ** 40)) | (r() < 0.5 ? 1n << 63n : 0n),
    );
  if (k < 0.87) return r() < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  if (k < 0.93) return -0;
  return r() * 1e300 * (r() < 0.5 ? -1 : 1);
}
