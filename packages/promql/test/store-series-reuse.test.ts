// storeQueryable refills the series objects the engine hands back (releaseFetched) instead of making new ones per
// select, so that an instant aggregation over many series does not keep that many young objects alive. A reused
// object must be handed out once per select and carry only its new series: answers are those of a Queryable that
// makes fresh arrays per series, also when the stored series change between queries.
import { createStore } from '@argus/store';
import { describe, expect, it } from 'vitest';
import {
  type FetchedQueryable,
  type FetchedSeries,
  releaseFetched,
  selectFetched,
} from '../src/engine/fetch.js';
import { createEngine, memoryQueryable, storeQueryable } from '../src/index.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

type Data = { labels: Record<string, string>; timestamps: number[]; values: number[] }[];

function add(store: ReturnType<typeof createStore>, data: Data, name: string, n: number, from: number): void {
  for (let i = from; i < from + n; i++) {
    const s = {
      labels: { __name__: name, i: String(i), job: `j${i % 3}` },
      timestamps: [] as number[],
      values: [] as number[],
    };
    for (let k = i % 3; k < 20; k++) {
      s.timestamps.push(T0 + k * MIN);
      s.values.push(k * (i + 1) + (name === 'b' ? 0.5 : 0));
      store.append(s.labels, T0 + k * MIN, s.values.at(-1)!);
    }
    data.push(s);
  }
}

describe('storeQueryable: series objects reused across selects', () => {
  it('hands a returned object out again, once per select, holding only its new series', async () => {
    const store = createStore({ retentionMs: 365 * 86_400_000 });
    add(store, [], 'a', 6, 0);
    add(store, [], 'b', 4, 0);
    const q = storeQueryable(store) as FetchedQueryable;
    const sel = (name: string) =>
      q[selectFetched]([{ name: '__name__', op: '=', value: name }], T0, T0 + 30 * MIN);
    const first = await sel('a');
    q[releaseFetched]!([first]);
    const second = await sel('b');
    expect(second).toHaveLength(4);
    expect(new Set(second).size).toBe(4);
    // the objects are the ones handed back (the point of the pool), now with b's labels and samples
    for (const s of second) expect(first).toContain(s);
    const byI = new Map(second.map((s: FetchedSeries) => [s.metric.i, s]));
    for (let i = 0; i < 4; i++) {
      const s = byI.get(String(i))!;
      expect(s.metric.__name__).toBe('b');
      expect(Array.from(s.vs.subarray(s.lo, s.hi))).toEqual(
        Array.from({ length: 20 - (i % 3) }, (_, j) => (j + (i % 3)) * (i + 1) + 0.5),
      );
    }
    // not handed back: a third select makes new objects rather than taking second's
    const third = await sel('b');
    for (const s of third) expect(second).not.toContain(s);
  });

  it('answers as a Queryable with fresh arrays per series does, while series come and go', async () => {
    const store = createStore({ retentionMs: 365 * 86_400_000 });
    const data: Data = [];
    add(store, data, 'a', 30, 0);
    add(store, data, 'b', 10, 0);
    const viaStore = createEngine({ queryable: storeQueryable(store) });
    const queries = ['sum by (job) (a)', 'a + ignoring(__name__) b', 'count(a)', 'a', 'rate(b[5m])'];
    const check = async (round: number) => {
      const viaMemory = createEngine({ queryable: memoryQueryable(data) });
      for (const q of queries)
        for (const t of [T0 + 5 * MIN, T0 + 19 * MIN]) {
          const [x, y] = [await viaStore.instantQuery(q, t), await viaMemory.instantQuery(q, t)];
          expect(x.result, `${q} at ${t}, round ${round}`).toEqual(y.result);
          const r = async (e: typeof viaStore) => (await e.rangeQuery(q, t - 4 * MIN, t, MIN)).result;
          expect(await r(viaStore), `${q} over range, round ${round}`).toEqual(await r(viaMemory));
        }
    };
    await check(0);
    add(store, data, 'b', 25, 10); // more series than were handed back so far
    await check(1);
    add(store, data, 'a', 2, 30);
    await check(2);
  });
});
