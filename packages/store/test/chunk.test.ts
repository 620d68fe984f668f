import { describe, expect, it } from 'vitest';
import { BitReader, BitWriter } from '../src/chunk/bits.js';
import { decodeChunk, encodeChunk } from '../src/chunk/chunk.js';
import { bitsOf, floatOf, patterns, randomValue, rng } from './helpers.js';

function roundTrip(t: Float64Array, v: Float64Array, stale?: Uint8Array): void {
  const bytes = encodeChunk(t, v, stale, 0, t.length);
  const d = decodeChunk(bytes);
  expect(d.n).toBe(t.length);
  expect(Array.from(d.t)).toEqual(Array.from(t));
  expect(patterns(d.v)).toEqual(patterns(v));
  const want = stale ? Array.from(stale) : new Array(t.length).fill(0);
  expect(Array.from(d.stale ?? new Uint8Array(t.length))).toEqual(want);
}

describe('bit writer/reader', () => {
  it('round-trips random widths and values', () => {
    const r = rng(7);
    const w = new BitWriter(1);
    const items: [number, number][] = [];
    for (let i = 0; i < 5000; i++) {
      const n = Math.floor(r() * 33);
      const v = n === 0 ? 0 : Math.floor(r() * 2 ** n);
      items.push([v, n]);
      w.write(v, n);
    }
    const rd = new BitReader(w.toBytes());
    for (const [v, n] of items) expect(rd.read(n)).toBe(v);
  });

  it('reads unary prefixes as read(1) in a loop does, across word ends and at the end of the bytes', () => {
    // runs of 1 bits of every length (past 32, across word boundaries), each ended by a 0 or not, mixed with
    // other bits; odd byte lengths exercise the partial last word
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const w = new BitWriter(1);
      for (let i = 0; i < 3000; i++) {
        const run = Math.floor(r() * 40);
        for (let k = 0; k < run; k++) w.write(1, 1);
        if (r() < 0.8) w.write(0, 1);
        const n = Math.floor(r() * 9);
        w.write(Math.floor(r() * 2 ** n), n);
      }
      const bytes = w.toBytes().subarray(0, w.toBytes().length - seed);
      const fast = new BitReader(bytes);
      const slow = new BitReader(bytes);
      const rs = rng(seed + 10);
      for (let i = 0; i < 8000; i++) {
        const max = 1 + Math.floor(rs() * 36);
        let b = 0;
        while (b < max && slow.read(1) === 1) b++;
        expect(fast.ones(max)).toBe(b);
        const n = Math.floor(rs() * 5);
        expect(fast.read(n)).toBe(slow.read(n));
      }
    }
  });
});

describe('chunk encoding', () => {
  it('round-trips random series bit-exact: irregular timestamps, every kind of float, stale flags', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const n = 1 + Math.floor(r() * 300);
      const t = new Float64Array(n);
      const v = new Float64Array(n);
      const stale = r() < 0.3 ? new Uint8Array(n) : undefined;
      let ts = Math.floor(r() * 2 ** 44) * (r() < 0.1 ? -1 : 1);
      const regular = r() < 0.5;
      for (let i = 0; i < n; i++) {
        t[i] = ts;
        ts += regular
          ? 15_000 + (r() < 0.1 ? Math.floor(r() * 50) : 0)
          : Math.floor(r() * (r() < 0.1 ? 2 ** 40 : 100_000));
        v[i] = randomValue(r);
        if (stale && r() < 0.1) stale[i] = 1;
      }
      roundTrip(t, v, stale);
    }
  });

  it('keeps NaN payloads, -0 and ±Inf in both value codings', () => {
    const payload = floatOf(0x7ff8000000000abcn);
    const stalenan = floatOf(0x7ff0000000000002n);
    const t = Float64Array.from([0, 1000, 2000, 3000, 4000, 5000]);
    roundTrip(
      t,
      Float64Array.from([payload, stalenan, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
    );
    roundTrip(t, Float64Array.from([1.5, 2.25, -0, 3, 4, 5]));
    expect(
      bitsOf(decodeChunk(encodeChunk(t, Float64Array.from([1, 2, 3, 4, 5, payload]), undefined, 0, 6)).v[5]!),
    ).toBe(bitsOf(payload));
  });

  it('duplicate timestamps (zero deltas) and huge jumps round-trip', () => {
    roundTrip(
      Float64Array.from([5, 5, 5, 2 ** 50, 2 ** 50, 2 ** 50 + 1]),
      Float64Array.from([1, 2, 3, 4, 5, 6]),
    );
    roundTrip(Float64Array.from([-(2 ** 51), 2 ** 51]), Float64Array.from([0.1, 0.2]));
  });

  it('compresses regular 15 s gauges with two decimals well under 2 bytes per sample', () => {
    const r = rng(3);
    const n = 120;
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    let x = 50;
    for (let i = 0; i < n; i++) {
      t[i] = 1_700_000_000_000 + i * 15_000;
      x += Math.round((r() - 0.5) * 40) / 100;
      v[i] = Math.round(x * 100) / 100;
    }
    const bytes = encodeChunk(t, v, undefined, 0, n);
    expect(bytes.length / n).toBeLessThan(2);
    roundTrip(t, v);
  });

  it('a subrange encodes only those samples', () => {
    const t = Float64Array.from([1, 2, 3, 4]);
    const v = Float64Array.from([10, 20, 30, 40]);
    const d = decodeChunk(encodeChunk(t, v, Uint8Array.from([0, 1, 0, 1]), 1, 2));
    expect(Array.from(d.t)).toEqual([2, 3]);
    expect(Array.from(d.v)).toEqual([20, 30]);
    expect(Array.from(d.stale!)).toEqual([1, 0]);
  });

  it('rejects empty chunks and unknown encodings', () => {
    expect(() => encodeChunk(new Float64Array(0), new Float64Array(0), undefined, 0, 0)).toThrow(RangeError);
    expect(() => decodeChunk(Uint8Array.from([9, 0, 0, 1, 0, 0]))).toThrow(/unknown chunk encoding 9/);
  });
});
