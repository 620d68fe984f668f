// A Queryable's own staleness flags (a Uint8Array, as @argus/store hands out) are read in place; StaleNaN values
// it did not flag still count as markers, and the flags it hands out are never written to.
import { describe, expect, it } from 'vitest';
import { createEngine, isStaleNaN, type Queryable } from '../src/index.js';

const MIN = 60_000;

/** One series `g` with a sample a minute; `markerAt` holds Prometheus's StaleNaN bits (written as bits: V8 may
 * canonicalise a NaN stored through a plain array, losing its payload). */
function oneSeries(values: number[], stale: Uint8Array, markerAt?: number): Queryable {
  const timestamps = Float64Array.from(values, (_, i) => i * MIN);
  const vs = Float64Array.from(values);
  if (markerAt !== undefined) {
    const bits = new DataView(vs.buffer);
    bits.setUint32(markerAt * 8, 0x00000002, true);
    bits.setUint32(markerAt * 8 + 4, 0x7ff00000, true);
  }
  return {
    select: () => [{ labels: { __name__: 'g' }, timestamps, values: vs, stale }],
    labelNames: () => [],
    labelValues: () => [],
  };
}

describe('staleness flags from the Queryable', () => {
  it('ends the series at a flagged marker and at an unflagged StaleNaN alike, without writing the flags', async () => {
    // samples at 0..4 min: a flagged marker at 1 min, an unflagged StaleNaN at 3 min
    const flags = Uint8Array.from([0, 1, 0, 0, 0]);
    const q = oneSeries([1, 0, 3, 0, 5], flags, 3);
    expect(isStaleNaN([...(q.select([], 0, 0) as { values: Float64Array }[])][0]!.values[3]!)).toBe(true);
    const engine = createEngine({ queryable: q });
    const at = async (min: number) => (await engine.instantQuery('g', min * MIN + 30_000)).result;
    expect(await at(0)).toHaveLength(1);
    expect(await at(1)).toHaveLength(0);
    expect(await at(2)).toHaveLength(1);
    expect(await at(3)).toHaveLength(0);
    expect(await at(4)).toHaveLength(1);
    expect([...flags]).toEqual([0, 1, 0, 0, 0]);
  });

  it('reads flags alone when no value is a StaleNaN', async () => {
    const engine = createEngine({ queryable: oneSeries([1, 2, 3], Uint8Array.from([0, 0, 1])) });
    const r = await engine.rangeQuery('count_over_time(g[2m])', 0, 2 * MIN, MIN);
    // the marker at 2 min is not a sample: the window [0, 2 min] holds the samples at 0 and 1 min only
    expect(r.result[0]?.vs).toEqual([1, 2, 2]);
  });
});
