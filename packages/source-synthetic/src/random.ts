// Counter-free randomness: every draw is a hash of (seed, series, step, stream), so any sample can be
// regenerated on its own. That is what makes [a,c) equal [a,b) + [b,c) and live mode agree with history.

const TWO_32 = 4294967296;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function combine(h: number, v: number): number {
  return fmix((h ^ Math.imul(v | 0, 0x9e3779b1)) + 0x7f4a7c15);
}

/** A uniform 32-bit hash of the inputs; `step` may exceed 2^32 (split into two words). */
export function hash32(seed: number, series: number, step: number, stream: number): number {
  const lo = (step % TWO_32) >>> 0;
  const hi = Math.floor(step / TWO_32) >>> 0;
  let h = combine(seed >>> 0, 0x51ed27);
  h = combine(h, series);
  h = combine(h, lo);
  h = combine(h, hi);
  return combine(h, stream);
}

/** A uniform draw in the open interval (0, 1). */
export function uniform(seed: number, series: number, step: number, stream: number): number {
  return (hash32(seed, series, step, stream) + 0.5) / TWO_32;
}

/** A standard normal draw (Box–Muller over two independent uniforms). */
export function normal(seed: number, series: number, step: number, stream: number): number {
  const u1 = uniform(seed, series, step, stream);
  const u2 = uniform(seed, series, step, stream + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Streams: distinct purposes never share draws. */
export const STREAM = {
  noise: 1,
  counterJitter: 3,
  anomalyHit: 10,
  anomalyAt: 11,
  anomalyKind: 12,
  anomalyDuration: 13,
  anomalyMagnitude: 14,
} as const;
