// The engine reads storeQueryable's series as parts (lo, hi) of columns shared by the whole select: results must
// be those of the same samples through a Queryable that hands out one array per series (memoryQueryable),
// whatever the series' offsets in the columns; an unflagged StaleNaN is still a marker.
import { createStore } from '@argus/store';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryQueryable, storeQueryable } from '../src/index.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

// series of different lengths and start times, so each lands at another offset in the shared columns
function data() {
  const series: { labels: Record<string, string>; timestamps: number[]; values: number[] }[] = [];
  for (let i = 0; i < 12; i++) {
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let k = i % 4; k < 30 - (i % 5); k++) {
      timestamps.push(T0 + k * MIN);
      values.push(k * (i + 1) + (i % 3 === 0 && k > 20 ? -50 : 0));
    }
    series.push({ labels: { __name__: 'c', i: String(i), job: `j${i % 3}` }, timestamps, values });
  }
  return series;
}

const queries: [string, 'instant' | 'range'][] = [
  ['c', 'instant'],
  ['sum by (job) (c)', 'instant'],
  ['c[7m]', 'instant'],
  ['rate(c[5m])', 'instant'],
  ['sum by (job) (rate(c[5m]))', 'range'],
  ['c', 'range'],
  ['last_over_time(c[3m])', 'range'],
  ['max_over_time(c[10m]) - c', 'range'],
];

describe('storeQueryable: series as parts of shared columns', () => {
  it('answers as a Queryable with an array per series does', async () => {
    const series = data();
    const store = createStore({ retentionMs: 365 * 86_400_000 });
    for (const s of series)
      for (let k = 0; k < s.timestamps.length; k++) store.append(s.labels, s.timestamps[k]!, s.values[k]!);
    const viaStore = createEngine({ queryable: storeQueryable(store) });
    const viaMemory = createEngine({ queryable: memoryQueryable(series) });
    for (const [q, kind] of queries) {
      for (const t of [T0 + 2 * MIN, T0 + 12 * MIN + 30_000, T0 + 29 * MIN, T0 + 40 * MIN]) {
        const run = (e: typeof viaStore) =>
          kind === 'instant' ? e.instantQuery(q, t) : e.rangeQuery(q, t - 10 * MIN, t, 45_000);
        const [a, b] = [await run(viaStore), await run(viaMemory)];
        expect(a.result, `${q} at ${t}`).toEqual(b.result);
      }
    }
    // select for other callers: one view per column and series, holding that series' samples only
    const got = await storeQueryable(store).select([{ name: 'i', op: '=', value: '5' }], T0, T0 + 60 * MIN);
    const [s5] = [...got];
    expect(Array.from(s5!.timestamps)).toEqual(series[5]!.timestamps);
    expect(Array.from(s5!.values)).toEqual(series[5]!.values);
  });

  it('reuses full slabs across blocks and queries, also for queries running at once, without changing answers', async () => {
    // 150 series of a sample a minute for 12 h: every select fills a full slab (16,384 samples), and a range query
    // over the 12 h runs in blocks of 2 h, handing each block's slabs back before the next reads; a scheduler that
    // yields at every checkpoint interleaves the queries
    const series: { labels: Record<string, string>; timestamps: number[]; values: number[] }[] = [];
    for (let i = 0; i < 150; i++) {
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let k = 0; k < 720; k++) {
        timestamps.push(T0 + k * MIN);
        values.push(k % (50 + i) === 0 ? i : k * (i + 1));
      }
      series.push({ labels: { __name__: 'c', i: String(i), job: `j${i % 4}` }, timestamps, values });
    }
    const store = createStore({ retentionMs: 365 * 86_400_000 });
    for (const s of series)
      for (let k = 0; k < s.timestamps.length; k++) store.append(s.labels, s.timestamps[k]!, s.values[k]!);
    const scheduler = { shouldYield: () => true, yield: () => new Promise<void>((ok) => setImmediate(ok)) };
    const viaStore = createEngine({ queryable: storeQueryable(store, { scheduler }), scheduler });
    const viaMemory = createEngine({ queryable: memoryQueryable(series) });
    const end = T0 + 719 * MIN;
    const qs: [string, number][] = [
      ['sum by (job) (rate(c[5m]))', 60_000],
      ['max_over_time(c[20m])', 300_000],
      ['c', 120_000],
      ['c[3m]', 0],
    ];
    const run = (e: typeof viaStore, [q, step]: [string, number]) =>
      step === 0 ? e.instantQuery(q, end) : e.rangeQuery(q, T0, end, step);
    const want = await Promise.all(qs.map((q) => run(viaMemory, q)));
    for (let round = 0; round < 2; round++) {
      // all at once: each query's blocks take slabs another has handed back
      const got = await Promise.all(qs.map((q) => run(viaStore, q)));
      for (const [k, q] of qs.entries())
        expect(got[k]!.result, `${q[0]} round ${round}`).toEqual(want[k]!.result);
    }
    // an answer read after later queries reused the slabs is unchanged (answers copy their points)
    const kept = await run(viaStore, qs[3]!);
    const copy = structuredClone(kept.result);
    await Promise.all(qs.map((q) => run(viaStore, q)));
    expect(kept.result).toEqual(copy);
  });

  it("relies on the store's readInto writing every flag it covers, 0 or 1 (reused columns are not zeroed)", async () => {
    const store = createStore({ retentionMs: 365 * 86_400_000 });
    for (let k = 0; k < 6; k++) store.append({ __name__: 'g' }, T0 + k * MIN, k);
    const [ref] = await store.selectRefs([{ name: '__name__', op: '=', value: 'g' }]);
    const out = {
      t: new Float64Array(10).fill(-1),
      v: new Float64Array(10).fill(-1),
      s: new Uint8Array(10).fill(1),
    };
    expect(store.readInto(ref!, T0, T0 + 6 * MIN, out, 2)).toBe(6);
    expect(Array.from(out.s)).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(out.v.subarray(2, 8))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('treats a StaleNaN the store did not flag as a marker', async () => {
    const store = createStore({ retentionMs: 365 * 86_400_000 });
    for (let k = 0; k < 5; k++) {
      store.append({ __name__: 'g', i: '0' }, T0 + k * MIN, k);
      store.append({ __name__: 'g', i: '1' }, T0 + k * MIN, 10 + k);
    }
    // series 1's sample at 2 min read as StaleNaN bits with its flag cleared
    const reader = {
      ...store,
      readInto: (...a: Parameters<typeof store.readInto>) => {
        const [ref, , , out, at] = a;
        const n = store.readInto(...a);
        if (ref.labels.i === '1') {
          const bits = new DataView(out.v.buffer);
          bits.setUint32((at + 2) * 8, 0x00000002, true);
          bits.setUint32((at + 2) * 8 + 4, 0x7ff00000, true);
          out.s[at + 2] = 0;
        }
        return n;
      },
    };
    const engine = createEngine({ queryable: storeQueryable(reader) });
    const at = async (min: number) =>
      (
        (await engine.instantQuery('g', T0 + min * MIN + 30_000)).result as unknown as {
          metric: { i?: string };
        }[]
      ).map((s) => s.metric.i);
    expect(await at(1)).toEqual(['0', '1']);
    expect(await at(2)).toEqual(['0']);
    expect(await at(3)).toEqual(['0', '1']);
    const r = await engine.rangeQuery('count_over_time(g[5m])', T0 + 4 * MIN, T0 + 4 * MIN, MIN);
    expect((r.result as unknown as { vs: number[] }[]).map((s) => s.vs[0])).toEqual([5, 4]);
  });
});
