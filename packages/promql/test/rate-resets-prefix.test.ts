// rate()/increase() over a selector skip the reset scan of windows whose prefix counts show no reset
// (Points.resets); the answers must equal those over a subquery of the same samples (its windows are built per
// step and scanned whole).
import { describe, expect, it } from 'vitest';
import { createEngine, memoryQueryable } from '../src/index.js';

const MIN = 60_000;

describe('rate() and increase() with counted resets', () => {
  it('equal those over a subquery of the same samples, with resets, negative values and NaN in the windows', async () => {
    const timestamps: number[] = [];
    const values: number[] = [];
    let v = 5;
    for (let k = 0; k < 120; k++) {
      timestamps.push(k * MIN);
      // resets every 17 samples, a negative stretch, a NaN
      v = k % 17 === 0 ? k % 3 : v + (k % 5) + 0.25;
      values.push(k >= 40 && k < 46 ? -k : k === 70 ? Number.NaN : v);
    }
    const engine = createEngine({
      queryable: memoryQueryable([{ labels: { __name__: 'c' }, timestamps, values }]),
    });
    for (const [f, range] of [
      ['rate', '5m'],
      ['increase', '7m'],
      ['rate', '2m'],
      ['increase', '1h'],
    ]) {
      const q = `${f}(c[${range}])`;
      const r = await engine.rangeQuery(q, 0, 119 * MIN, 45_000);
      const [series] = r.result as unknown as { ts: number[]; vs: number[] }[];
      expect(series!.ts.length).toBeGreaterThan(100);
      for (const [k, t] of series!.ts.entries()) {
        const sub = `${f}(c[${range}:1m])`;
        const at = (await engine.instantQuery(sub, t)).result as unknown as { v: number }[];
        expect(
          Object.is(series!.vs[k], at[0]!.v) || (Number.isNaN(series!.vs[k]) && Number.isNaN(at[0]!.v)),
          `${q} at ${t}`,
        ).toBe(true);
      }
    }
  });
});
