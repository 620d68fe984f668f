import { createSeriesRegistry, metricBatch } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { bitsOf, patterns, randomValue, rng } from './helpers.js';

const L = { __name__: 'cpu', host: 'a' };

describe('createStore: samples in and out', () => {
  it('matches a naive reference under random order, duplicates and both duplicate policies', () => {
    for (const onDuplicate of ['reject', 'overwrite'] as const) {
      for (let seed = 1; seed <= 40; seed++) {
        const r = rng(seed);
        const windowMs = 50_000;
        const store = createStore({ outOfOrderWindowMs: windowMs, onDuplicate, chunkSamples: 16 });
        const ref = new Map<number, { v: number; s: number }>();
        let maxT = Number.NEGATIVE_INFINITY;
        let rejected = 0;
        for (let i = 0; i < 600; i++) {
          const t = Math.floor(i * 1000 + (r() < 0.3 ? -r() * 80_000 : 0));
          const v = randomValue(r);
          const s = r() < 0.02 ? 1 : 0;
          const old = ref.get(t);
          const stored = store.append(L, t, v, s === 1);
          if (t < maxT - windowMs && !(t === maxT)) {
            expect(stored).toBe(false);
            rejected++;
            continue;
          }
          maxT = Math.max(maxT, t);
          if (!old || onDuplicate === 'overwrite') ref.set(t, { v, s });
        }
        store.compact();
        const got = store.samples(L, -1e12, 1e12);
        const ts = [...ref.keys()].sort((a, b) => a - b);
        expect(Array.from(got.timestamps)).toEqual(ts);
        expect(patterns(got.values)).toEqual(ts.map((t) => bitsOf(ref.get(t)!.v)));
        expect(Array.from(got.stale)).toEqual(ts.map((t) => ref.get(t)!.s));
        expect(store.stats().outOfOrderRejected).toBe(rejected);
      }
    }
  });

  it('counts identical repeats, rejected and overwritten duplicates', () => {
    const rej = createStore({ onDuplicate: 'reject' });
    rej.append(L, 1000, 1);
    expect(rej.append(L, 1000, 1)).toBe(false);
    expect(rej.append(L, 1000, 2)).toBe(false);
    expect(rej.stats()).toMatchObject({ duplicatesIgnored: 1, duplicatesRejected: 1, samples: 1 });
    expect(Array.from(rej.samples(L, 0, 2000).values)).toEqual([1]);
    const ow = createStore({ onDuplicate: 'overwrite' });
    ow.append(L, 1000, 1);
    expect(ow.append(L, 1000, 2)).toBe(true);
    expect(ow.stats().duplicatesOverwritten).toBe(1);
    expect(Array.from(ow.samples(L, 0, 2000).values)).toEqual([2]);
  });

  it('refuses samples older than the out-of-order window and counts them', () => {
    const store = createStore({ outOfOrderWindowMs: 10_000 });
    store.append(L, 100_000, 1);
    expect(store.append(L, 95_000, 2)).toBe(true);
    expect(store.append(L, 89_999, 3)).toBe(false);
    expect(store.stats()).toMatchObject({ outOfOrderAccepted: 1, outOfOrderRejected: 1 });
    expect(Array.from(store.samples(L, 0, 200_000).timestamps)).toEqual([95_000, 100_000]);
    const strict = createStore({ outOfOrderWindowMs: 0 });
    strict.append(L, 100_000, 1);
    expect(strict.append(L, 99_999, 1)).toBe(false);
  });

  it('refuses timestamps that are not integers within ±2^51 ms', () => {
    const store = createStore();
    for (const t of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 52])
      expect(store.append(L, t, 1)).toBe(false);
    expect(store.stats().invalidTimestamps).toBe(4);
  });

  it('stores NaN payloads, ±Inf and -0 bit-exact, and keeps staleness explicit', async () => {
    const store = createStore({ chunkSamples: 4 });
    const vals = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1.25];
    for (const [i, v] of vals.entries()) store.append(L, i * 15_000, v);
    store.append(L, 6 * 15_000, Number.NaN, true);
    const got = store.samples(L, 0, 1e9);
    expect(patterns(got.values).slice(0, 6)).toEqual(vals.map(bitsOf));
    expect(Array.from(got.stale)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    const [latest] = await store.latest('cpu');
    expect(latest).toMatchObject({ timestamp: 90_000, stale: true });
  });

  it('appends pipeline batches through a registry, resolving labels once', () => {
    const reg = createSeriesRegistry();
    const a = reg.intern({ __name__: 'x', i: '1' });
    const b = reg.intern({ __name__: 'x', i: '2' });
    const store = createStore();
    const batch = metricBatch(
      Int32Array.from([a, b, a]),
      Float64Array.from([1000, 1000, 2000]),
      Float64Array.from([1, 2, 3]),
      Uint8Array.from([0, 0, 1]),
    );
    expect(store.appendBatch(batch, reg)).toBe(3);
    expect(Array.from(store.samples({ __name__: 'x', i: '1' }, 0, 3000).stale)).toEqual([0, 1]);
    expect(store.stats().series).toBe(2);
  });

  it('rejects bad options with ERR_PLUGIN_OPTIONS naming the field', () => {
    expect(() => createStore({ retentionMs: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS' }),
    );
    expect(() => createStore({ retentionMs: -1 })).toThrow(/retentionMs/);
    expect(() =>
      createStore({
        rollups: [
          { stepMs: 300_000, retentionMs: 1 },
          { stepMs: 400_000, retentionMs: 1 },
        ],
      }),
    ).toThrow(/rollups.*multiple/s);
    expect(() => createStore({ bogus: 1 } as never)).toThrow(/bogus|Unrecognized/);
  });
});
