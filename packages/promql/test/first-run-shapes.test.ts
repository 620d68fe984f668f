// The first queries after a store opens: the sort by labels keeps no object (nor key) per element, step times are a
// Float64Array and an instant selector's label sets are made as slide's are (one elements kind for the loops
// that read them). These check that the answers stay what they were: sort order and stability, the steps of
// range queries at small and at epoch-sized times, aggregations over instant and range selectors in one query.
import { describe, expect, it } from 'vitest';
import { sortByLabels } from '../src/engine/sort-in-slices.js';
import { compareLabels } from '../src/engine/values.js';
import { createEngine, memoryQueryable, type Scheduler } from '../src/index.js';
import { TimeSlice } from '../src/time-slice.js';

const everyCheckpoint: Scheduler = {
  shouldYield: () => true,
  yield: () => new Promise((ok) => setImmediate(ok)),
};

describe('sortByLabels over positions', () => {
  it('sorts stably, label sets that have no sort key (a \\x00 in a value) among them', async () => {
    // 3 × 700 elements: more than one chunk, equal label sets (distinct objects) in runs and across chunks
    const sets = ['b', 'a\x00', 'a', 'c\x00z', 'a\x00'].map((v) => ({ job: v, __name__: 'up' }));
    const items = Array.from({ length: 2_100 }, (_, i) => ({
      i,
      labels: { ...sets[(i * 7) % sets.length]! },
    }));
    const sorted = await sortByLabels([...items], (x) => x.labels, new TimeSlice(everyCheckpoint));
    const expected = [...items].sort((x, y) => compareLabels(x.labels, y.labels) || x.i - y.i);
    expect(sorted.map((x) => x.i)).toEqual(expected.map((x) => x.i));
  });

  it('hands back the array it was given, every element once', async () => {
    const xs = Array.from({ length: 1_000 }, (_, i) => ({ n: `${(i * 37) % 1_000}` }));
    const out = await sortByLabels(xs, (x) => x, new TimeSlice(everyCheckpoint));
    expect(out).toBe(xs);
    expect(new Set(out).size).toBe(1_000);
    expect(out.map((x) => Number(x.n))).toEqual([...Array(1_000).keys()].sort().map(Number));
  });
});

describe('range query steps', () => {
  const engineOver = (t0: number) =>
    createEngine({
      queryable: memoryQueryable([
        { labels: { __name__: 'up', job: 'a' }, timestamps: [t0, t0 + 60_000], values: [1, 2] },
        { labels: { __name__: 'up', job: 'b' }, timestamps: [t0, t0 + 30_000], values: [4, 8] },
      ]),
    });

  for (const t0 of [0, 1_800_000_000_000]) {
    it(`steps from the start by the step up to the end, not past it (times from ${t0})`, async () => {
      const r = (await engineOver(t0).rangeQuery('sum(up)', t0, t0 + 70_000, 15_000)) as unknown as {
        result: { ts: number[]; vs: number[] }[];
      };
      expect(r.result).toHaveLength(1);
      expect(r.result[0]!.ts).toEqual([0, 15_000, 30_000, 45_000, 60_000].map((d) => t0 + d));
      expect(r.result[0]!.vs).toEqual([5, 5, 9, 9, 10]);
    });
  }

  it('groups an instant selector and a range function of the same series alike in one query', async () => {
    const t0 = 1_800_000_000_000;
    const r = (await engineOver(t0).rangeQuery(
      'sum by (job) (up) + sum by (job) (count_over_time(up[1m]))',
      t0,
      t0 + 60_000,
      30_000,
    )) as unknown as { result: { metric: { job: string }; vs: number[] }[] };
    expect(r.result.map((s) => [s.metric.job, s.vs])).toEqual([
      ['a', [2, 2, 4]],
      ['b', [5, 10, 10]],
    ]);
  });
});
