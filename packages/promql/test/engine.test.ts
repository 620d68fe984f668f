import { createStore } from '@argus/store';
import { describe, expect, it } from 'vitest';
import {
  createEngine,
  type MemorySeries,
  memoryQueryable,
  type Queryable,
  storeQueryable,
} from '../src/index.js';

const counter: MemorySeries = {
  labels: { __name__: 'requests_total', job: 'api' },
  timestamps: [0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000],
  values: [0, 15, 30, 3, 18, 33, 48],
};
const gauge: MemorySeries = {
  labels: { __name__: 'temp', room: 'a' },
  timestamps: [0, 60_000, 120_000],
  values: [20, 21, 0],
  stale: [0, 0, 1],
};

describe('createEngine', () => {
  const engine = createEngine({ queryable: memoryQueryable([counter, gauge]) });

  it('answers a range query step by step, counter resets included', async () => {
    const r = await engine.rangeQuery('increase(requests_total[60s])', 60_000, 90_000, 15_000);
    expect(r.resultType).toBe('matrix');
    expect(r.result).toHaveLength(1);
    const s = r.result[0]!;
    expect(s.metric).toEqual({ job: 'api' });
    expect(s.ts).toEqual([60_000, 75_000, 90_000]);
    // At 60s the window [0s, 60s] holds 0 15 30 3 18: 18 + 30 (reset) = 48, extrapolated by 60/60.
    expect(s.vs[0]).toBeCloseTo(48, 9);
  });

  it('ends a series at its staleness marker', async () => {
    const at = async (t: number) => (await engine.instantQuery('temp', t)).result;
    expect(await at(119_000)).toEqual([{ metric: gauge.labels, t: 119_000, v: 21 }]);
    expect(await at(120_000)).toEqual([]);
  });

  it('refuses a range vector as a range query', async () => {
    await expect(engine.rangeQuery('temp[1m]', 0, 60_000, 15_000)).rejects.toThrow(
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
  });

  it('stops at the sample limit with a clear error', async () => {
    const small = createEngine({ queryable: memoryQueryable([counter]), maxSamples: 5 });
    await expect(small.instantQuery('sum_over_time(requests_total[2m])', 90_000)).rejects.toMatchObject({
      code: 'ERR_PROMQL_TOO_MANY_SAMPLES',
    });
    await expect(small.instantQuery('requests_total', 30_000)).resolves.toMatchObject({
      resultType: 'vector',
    });
  });

  it('stops when its signal aborts', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      engine.rangeQuery('requests_total', 0, 90_000, 15_000, { signal: ac.signal }),
    ).rejects.toMatchObject({
      code: 'ERR_PROMQL_ABORTED',
    });
  });

  it('stops a query already running when its signal aborts, fetching no further block', async () => {
    // a range of 6 h at 15 s runs in blocks of 2 h, each fetched when its turn comes: abort during the second
    const ac = new AbortController();
    const inner = memoryQueryable([counter]);
    let selects = 0;
    const queryable: Queryable = {
      ...inner,
      select: async (...args) => {
        if (++selects === 2) ac.abort();
        return inner.select(...args);
      },
    };
    const e = createEngine({ queryable });
    await expect(
      e.rangeQuery('sum(rate(requests_total[1m]))', 0, 6 * 3_600_000, 15_000, { signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'ERR_PROMQL_ABORTED' });
    expect(selects).toBe(2);
  });

  it('resolves @ start() and @ end() against the range', async () => {
    const r = await engine.rangeQuery('requests_total @ end()', 0, 90_000, 30_000);
    expect(r.result[0]!.vs).toEqual([48, 48, 48, 48]);
  });
});

describe('storeQueryable', () => {
  it('runs PromQL over @argus/store, staleness markers and label values included', async () => {
    const store = createStore();
    for (let i = 0; i <= 10; i++) {
      store.append({ __name__: 'up', job: 'api', instance: 'a' }, i * 15_000, 1);
      store.append({ __name__: 'up', job: 'db', instance: 'b' }, i * 15_000, i < 5 ? 1 : 0);
    }
    store.append({ __name__: 'up', job: 'api', instance: 'a' }, 165_000, 0, true);
    const q = storeQueryable(store);
    const engine = createEngine({ queryable: q });
    const r = await engine.instantQuery('sum by (job) (up)', 150_000);
    expect(r.result).toEqual(
      expect.arrayContaining([
        { metric: { job: 'api' }, t: 150_000, v: 1 },
        { metric: { job: 'db' }, t: 150_000, v: 0 },
      ]),
    );
    const after = await engine.instantQuery('up{job="api"}', 170_000);
    expect(after.result).toEqual([]);
    const avg = await engine.instantQuery('avg_over_time(up{job=~"d.*"}[150s])', 150_000);
    expect(avg.result).toEqual([{ metric: { instance: 'b', job: 'db' }, t: 150_000, v: 5 / 11 }]);
    expect(await q.labelValues('job')).toEqual(['api', 'db']);
    expect(await q.labelNames([])).toEqual(['__name__', 'instance', 'job']);
  });
});

describe('createEngine options and long ranges', () => {
  it('names the option and the fix when an option is wrong', () => {
    expect(() => createEngine({ queryable: memoryQueryable([]), maxSamples: 0 })).toThrow(
      '@argus/promql: option `maxSamples` must be a positive number, got 0',
    );
  });

  it('evaluates a long range in blocks, each fetching only its own window', async () => {
    const long: MemorySeries = {
      labels: { __name__: 'g' },
      timestamps: Array.from({ length: 2_000 }, (_, i) => i * 60_000),
      values: Array.from({ length: 2_000 }, (_, i) => i),
    };
    const windows: number[] = [];
    const inner = memoryQueryable([long]);
    const engine = createEngine({
      queryable: {
        ...inner,
        select: (m, mint, maxt) => {
          windows.push(maxt - mint);
          return inner.select(m, mint, maxt);
        },
      },
    });
    // @ end() still means the whole query's end in every block.
    const r = await engine.rangeQuery('g - g @ end()', 0, 1_999 * 60_000, 60_000);
    expect(r.result[0]!.vs).toHaveLength(2_000);
    expect(r.result[0]!.vs[0]).toBe(-1_999);
    expect(r.result[0]!.vs[1_999]).toBe(0);
    // Blocks of 120 one-minute steps plus the 5-minute lookback: never the whole 33 hours at once.
    expect(Math.max(...windows)).toBeLessThanOrEqual(125 * 60_000);
  });
});
