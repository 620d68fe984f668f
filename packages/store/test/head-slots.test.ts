import { describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { bitsOf, patterns, randomValue, rng } from './helpers.js';

describe('head slots shared by the series of a store', () => {
  it('keeps each series its own samples while series end (stale) and others take their slots', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const r = rng(seed);
      const store = createStore({ chunkSamples: 24 });
      const ref = new Map<number, { t: number; v: number; s: number }[]>();
      // 150 series over 60 steps; each ends (a stale marker) at random and may come back later
      for (let step = 0; step < 60; step++) {
        for (let k = 0; k < 150; k++) {
          if (r() < 0.3) continue;
          const t = step * 1000;
          const s = r() < 0.05 ? 1 : 0;
          const v = randomValue(r);
          store.append({ __name__: 'x', k: String(k) }, t, v, s === 1);
          const rows = ref.get(k) ?? [];
          rows.push({ t, v, s });
          ref.set(k, rows);
        }
      }
      for (const [k, rows] of ref) {
        const got = store.samples({ __name__: 'x', k: String(k) }, -1, 1e9);
        expect(Array.from(got.timestamps)).toEqual(rows.map((x) => x.t));
        expect(patterns(got.values)).toEqual(rows.map((x) => bitsOf(x.v)));
        expect(Array.from(got.stale)).toEqual(rows.map((x) => x.s));
      }
    }
  });
});
