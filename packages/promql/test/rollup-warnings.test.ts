// Over history whose raw samples the store has evicted into rollups, queries read the raw samples that remain and
// say, in Prometheus's `warnings` field, which part of the range only rollups cover.
import { createStore } from '@argus/store';
import { describe, expect, it } from 'vitest';
import { createEngine, createPromApi, storeQueryable } from '../src/index.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000;
const END = T0 + 180 * MIN;

function setup() {
  // raw samples are kept for one hour of data time, then rolled up into 5-minute buckets
  const store = createStore({
    retentionMs: 60 * MIN,
    rollups: [{ stepMs: 5 * MIN, retentionMs: 30 * 86_400_000 }],
  });
  for (let t = T0; t <= END; t += MIN) {
    store.append({ __name__: 'up', job: 'api' }, t, 1);
    store.append({ __name__: 'other', job: 'api' }, t, 2);
  }
  store.compact();
  const queryable = storeQueryable(store);
  return { engine: createEngine({ queryable }), queryable };
}

describe('queries over rolled-up history', () => {
  it('read the raw samples that remain and warn about the span only rollups cover', async () => {
    const { engine } = setup();
    const r = await engine.rangeQuery('up', T0, END, 5 * MIN);
    const ts = r.result[0]!.ts;
    // raw samples remain for the last hour (plus the lookback), nothing is made up from the rollups before
    expect(ts[0]).toBeGreaterThanOrEqual(END - 65 * MIN);
    expect(ts.at(-1)).toBe(END);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings![0]).toMatch(
      /^only rollups remain for 1 series of \{__name__="up"\} from 2023-11-14T22:1\d:00\.000Z to 2023-11-15T0\d:\d\d:00\.000Z: their raw samples were evicted/,
    );
  });

  it('say nothing when raw samples cover the range', async () => {
    const { engine } = setup();
    expect((await engine.instantQuery('up', END)).warnings).toBeUndefined();
    expect((await engine.rangeQuery('sum(up)', END - 30 * MIN, END, MIN)).warnings).toBeUndefined();
  });

  it("reach the HTTP API's top-level warnings field, as Prometheus sends them", async () => {
    const { engine, queryable } = setup();
    const api = createPromApi({ engine, queryable });
    const q = (path: string) => api.handle({ method: 'GET', path }).then((r) => JSON.parse(r.body));
    const old = await q(`/api/v1/query_range?query=up&start=${T0 / 1000}&end=${END / 1000}&step=300`);
    expect(old.status).toBe('success');
    expect(old.warnings).toEqual([
      expect.stringContaining('only rollups remain for 1 series of {__name__="up"}'),
    ]);
    const recent = await q(`/api/v1/query?query=up&time=${END / 1000}`);
    expect(recent.status).toBe('success');
    expect(recent).not.toHaveProperty('warnings');
  });
});
