// Reading many series from the store yields to the event loop between slices of time, so that a long range query
// never holds the host (issue 14). The clock is faked: each read "takes" 3 ms, so no real time is measured.
import { createStore } from '@argus/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, storeQueryable } from '../src/index.js';

const T0 = 1_700_000_000_000;

function storeWithSeries(n: number) {
  const store = createStore({ retentionMs: 365 * 86_400_000 });
  for (let i = 0; i < n; i++)
    for (let k = 0; k < 10; k++) store.append({ __name__: 'c', i: String(i) }, T0 + k * 60_000, k * i);
  return store;
}

afterEach(() => vi.restoreAllMocks());

describe('storeQueryable reads in slices', () => {
  it('lets other work run between series when reading takes longer than a slice', async () => {
    const store = storeWithSeries(20);
    const events: string[] = [];
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const samples = store.samples.bind(store);
    const reader = {
      ...store,
      samples: (...a: Parameters<typeof store.samples>) => {
        events.push('read');
        now += 3;
        return samples(...a);
      },
    };
    setImmediate(() => events.push('other work'));
    const engine = createEngine({ queryable: storeQueryable(reader) });
    const r = await engine.instantQuery('sum(c)', T0 + 9 * 60_000);
    expect(r).toMatchObject({ resultType: 'vector', result: [{ v: 9 * ((19 * 20) / 2) }] });
    const at = events.indexOf('other work');
    expect(events.filter((e) => e === 'read')).toHaveLength(20);
    // the other work ran after a few reads, not after all twenty
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(5);
  });

  it('returns the same series and samples as one readSeries call', async () => {
    const store = storeWithSeries(5);
    const sliced = createEngine({ queryable: storeQueryable(store) });
    const { samples: _, ...withoutSamples } = store;
    const whole = createEngine({ queryable: storeQueryable(withoutSamples) });
    const q = 'rate(c[5m])';
    const a = await sliced.rangeQuery(q, T0 + 5 * 60_000, T0 + 9 * 60_000, 60_000);
    expect(a.result).toHaveLength(5);
    expect(a).toEqual(await whole.rangeQuery(q, T0 + 5 * 60_000, T0 + 9 * 60_000, 60_000));
  });
});
