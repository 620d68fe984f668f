// Reading many series from the store yields to the event loop between slices of time, so that a long range query
// never holds the host (issue 14). The clock is faked: each read "takes" 3 ms, so no real time is measured.
import { createStore } from '@argus/store';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngine, storeQueryable } from '../src/index.js';

const T0 = 1_700_000_000_000;

function storeWithSeries(n: number) {
  const store = createStore({ retentionMs: 365 * 86_400_000 });
  for (let i = 0; i < n; i++)
    for (let k = 0; k < 10; k++) store.append({ __name__: 'c', i: String(i) }, T0 + k * 60_000, k * i);
  return store;
}

type Store = ReturnType<typeof createStore>;

/**
 * The store with each read of one series "taking" 3 ms, through `readInto` (the store's series refs) or, with
 * those hidden, through `samples()` (a store reader without them).
 */
function slowReads(store: Store, path: 'refs' | 'samples', onRead: () => void) {
  if (path === 'refs') {
    return {
      ...store,
      readInto: (...a: Parameters<Store['readInto']>) => {
        onRead();
        now += 3;
        return store.readInto(...a);
      },
    };
  }
  return {
    ...store,
    selectRefs: undefined,
    samples: (...a: Parameters<Store['samples']>) => {
      onRead();
      now += 3;
      return store.samples(...a);
    },
  };
}

// One fake clock for the file, never going back: the engine's slices are timed process-wide.
let now = performance.now();
beforeEach(() => vi.spyOn(performance, 'now').mockImplementation(() => now));
afterEach(() => vi.restoreAllMocks());

describe.each(['refs', 'samples'] as const)('storeQueryable reads in slices (through %s)', (path) => {
  it('lets other work run between series when reading takes longer than a slice', async () => {
    const store = storeWithSeries(20);
    const events: string[] = [];
    const reader = slowReads(store, path, () => events.push('read'));
    // other work that keeps coming back while the query runs
    let done = false;
    const other = () => {
      events.push('other work');
      if (!done) setImmediate(other);
    };
    setImmediate(other);
    const engine = createEngine({ queryable: storeQueryable(reader) });
    const r = await engine.instantQuery('sum(c)', T0 + 9 * 60_000);
    done = true;
    expect(r).toMatchObject({ resultType: 'vector', result: [{ v: 9 * ((19 * 20) / 2) }] });
    expect(events.filter((e) => e === 'read')).toHaveLength(20);
    // each read "takes" 3 ms, more than a slice (2 ms; 5 ms before): the other work gets a turn at least every other
    // read
    const between = events.slice(events.indexOf('read'), events.lastIndexOf('read'));
    expect(between.filter((e) => e === 'other work').length).toBeGreaterThanOrEqual(8);
  });

  it('yields across many short queries run back to back, as a rule group runs them', async () => {
    const store = storeWithSeries(1);
    const reader = slowReads(store, path, () => {});
    let turns = 0;
    let done = false;
    const other = () => {
      turns++;
      if (!done) setImmediate(other);
    };
    setImmediate(other);
    const engine = createEngine({ queryable: storeQueryable(reader) });
    for (let i = 0; i < 20; i++) await engine.instantQuery('c', T0 + 9 * 60_000);
    done = true;
    // 20 queries of one 3 ms read each: 60 ms in all, so several turns (none when each query keeps its own slice)
    expect(turns).toBeGreaterThanOrEqual(5);
  });
});

describe('storeQueryable over its three read paths', () => {
  it('returns the same series and samples through refs, samples() and one readSeries call', async () => {
    const store = storeWithSeries(5);
    const refs = createEngine({ queryable: storeQueryable(store) });
    const bySamples = createEngine({ queryable: storeQueryable({ ...store, selectRefs: undefined }) });
    const { samples: _, selectRefs: __, ...readSeriesOnly } = store;
    const whole = createEngine({ queryable: storeQueryable(readSeriesOnly) });
    for (const q of ['rate(c[5m])', 'c', 'c offset 3m', 'sum(c)']) {
      const a = await refs.rangeQuery(q, T0 + 5 * 60_000, T0 + 9 * 60_000, 60_000);
      expect(a.result).toHaveLength(q === 'sum(c)' ? 1 : 5);
      expect(a).toEqual(await bySamples.rangeQuery(q, T0 + 5 * 60_000, T0 + 9 * 60_000, 60_000));
      expect(a).toEqual(await whole.rangeQuery(q, T0 + 5 * 60_000, T0 + 9 * 60_000, 60_000));
    }
  });
});
