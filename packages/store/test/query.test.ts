import { describe, expect, it } from 'vitest';
import { createStore, type HistoryQuery } from '../src/index.js';

function seeded() {
  const store = createStore();
  for (const [job, inst] of [
    ['api', 'a'],
    ['api', 'b'],
    ['db', 'c'],
  ] as const) {
    for (let i = 0; i < 40; i++)
      store.append({ __name__: 'up', job, instance: inst }, i * 15_000, i + (inst === 'b' ? 100 : 0));
  }
  return store;
}

describe('query API', () => {
  it('series() selects by =, !=, =~ and !~, and the store satisfies HistoryQuery', async () => {
    const q: HistoryQuery = seeded();
    const names = async (sel: string) => (await q.series(sel)).map((l) => l.instance).sort();
    expect(await names('up{job="api"}')).toEqual(['a', 'b']);
    expect(await names('{job!="api"}')).toEqual(['c']);
    expect(await names('{instance=~"a|c"}')).toEqual(['a', 'c']);
    expect(await names('up{instance!~"a|c"}')).toEqual(['b']);
    expect(await names('nothing')).toEqual([]);
  });

  it('range() aggregates per step with avg, min, max and last', async () => {
    const store = seeded();
    const base = { matchers: '{instance="a"}', from: 0, to: 600_000, stepMs: 60_000 } as const;
    const [avg] = await store.range({ ...base, agg: 'avg' });
    const [min] = await store.range({ ...base, agg: 'min' });
    const [max] = await store.range({ ...base, agg: 'max' });
    const [last] = await store.range({ ...base, agg: 'last' });
    expect(Array.from(avg!.timestamps)).toEqual([
      0, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000,
    ]);
    expect(Array.from(avg!.values.slice(0, 2))).toEqual([1.5, 5.5]);
    expect(Array.from(min!.values.slice(0, 2))).toEqual([0, 4]);
    expect(Array.from(max!.values.slice(0, 2))).toEqual([3, 7]);
    expect(Array.from(last!.values.slice(0, 2))).toEqual([3, 7]);
    const grouped = await store.range({ ...base, matchers: 'up', agg: 'max', by: ['job'] });
    expect(grouped.map((g) => [g.labels.job, g.values[0]]).sort()).toEqual([
      ['api', 103],
      ['db', 3],
    ]);
    const all = await store.range({ ...base, matchers: 'up', agg: 'min', by: [] });
    expect(all).toHaveLength(1);
    expect(all[0]!.labels).toEqual({});
  });

  it('latest() returns the newest sample per series', async () => {
    const store = seeded();
    const latest = await store.latest('{job="api"}');
    expect(latest.map((l) => [l.labels.instance, l.timestamp, l.value, l.stale]).sort()).toEqual([
      ['a', 585_000, 39, false],
      ['b', 585_000, 139, false],
    ]);
  });

  it('refuses bad ranges and bad selectors with clear errors', async () => {
    const store = seeded();
    await expect(store.range({ matchers: 'up', from: 10, to: 5, stepMs: 1, agg: 'avg' })).rejects.toThrow(
      /from < to/,
    );
    await expect(store.range({ matchers: 'up', from: 0, to: 5, stepMs: 0, agg: 'avg' })).rejects.toThrow(
      /stepMs/,
    );
    await expect(store.range({ matchers: 'up', from: 0, to: 1e9, stepMs: 1, agg: 'avg' })).rejects.toThrow(
      /11000/,
    );
    await expect(store.series('{job=')).rejects.toThrow(/invalid selector/);
  });

  it('throws coded errors naming the function and the field', async () => {
    const store = seeded();
    await expect(
      store.range({ matchers: 'up', from: 0, to: 5, stepMs: 0, agg: 'avg' }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/^store\.range: stepMs: must be > 0/),
    });
    await expect(
      store.range({ matchers: 'up', from: 9, to: 5, stepMs: 1, agg: 'avg' }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/^store\.range: from\/to:/),
    });
    await expect(store.series('{job=')).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/matchers: .*invalid selector/),
    });
  });
});

describe('reads have no side effects', () => {
  it('samples() of an unknown series returns nothing and creates no series', () => {
    const store = seeded();
    const before = store.stats().series;
    expect(store.samples({ nope: '1' }, 0, 1e9).timestamps.length).toBe(0);
    expect(store.stats().series).toBe(before);
  });
});
