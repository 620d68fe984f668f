// A large query answer is encoded series by series with yields between chunks (issue 14: the event loop is never
// held for long), and the text is exactly what encoding it in one JSON.stringify call gives.
import { describe, expect, it } from 'vitest';
import { encodeResult } from '../src/api/encode.js';
import { createPromApi, type Engine, type QueryResult, type Scheduler } from '../src/index.js';

const matrix: QueryResult & { resultType: 'matrix' } = {
  resultType: 'matrix',
  result: Array.from({ length: 100 }, (_, i) => ({
    metric: { __name__: 'm', i: String(i), quote: 'a"b\\c' },
    ts: [1_000, 16_000, 31_500],
    vs: [i, i % 7 === 0 ? Number.NaN : -i / 3, i % 11 === 0 ? Number.POSITIVE_INFINITY : 1e21 * i],
  })),
  warnings: ['only rollups remain for "result":[ somewhere'],
};
const vector: QueryResult = {
  resultType: 'vector',
  result: matrix.result.map((s) => ({ metric: s.metric, t: 31_500, v: s.vs[2]! })),
};

function apiAnswering(r: QueryResult, scheduler?: Scheduler) {
  const engine: Engine = {
    instantQuery: async () => r,
    rangeQuery: async () => r as QueryResult & { resultType: 'matrix' },
  };
  return createPromApi({
    engine,
    queryable: { select: () => [], labelNames: () => [], labelValues: () => [] },
    scheduler,
  });
}

const countingScheduler = () => {
  const s = {
    yields: 0,
    shouldYield: () => true,
    async yield() {
      s.yields++;
      await new Promise((ok) => setImmediate(ok));
    },
  };
  return s;
};

describe('query answers encoded in slices', () => {
  it('gives the same text as one JSON.stringify of the answer, warnings included', async () => {
    for (const [r, path] of [
      [matrix, '/api/v1/query_range?query=m&start=1&end=31.5&step=15'],
      [vector, '/api/v1/query?query=m&time=31.5'],
    ] as const) {
      const res = await apiAnswering(r).handle({ method: 'GET', path });
      expect(res.status).toBe(200);
      const { warnings, ...rest } = r;
      const whole = JSON.stringify({
        status: 'success',
        data: encodeResult(rest as QueryResult),
        ...(warnings ? { warnings } : {}),
      });
      expect(res.body).toBe(whole);
      expect(JSON.parse(res.body).data.result).toHaveLength(100);
    }
  });

  it('yields between chunks of series while encoding', async () => {
    const scheduler = countingScheduler();
    const res = await apiAnswering(matrix, scheduler).handle({
      method: 'GET',
      path: '/api/v1/query_range?query=m&start=1&end=31.5&step=15',
    });
    expect(res.status).toBe(200);
    // 100 series, a checkpoint every 16: 7 yields (the engine here is a stand-in that never yields itself)
    expect(scheduler.yields).toBe(7);
  });

  it('stops encoding when the client goes away', async () => {
    const gone = new AbortController();
    const scheduler = countingScheduler();
    const yieldOnce = scheduler.yield;
    scheduler.yield = async () => {
      await yieldOnce();
      gone.abort();
    };
    const res = await apiAnswering(matrix, scheduler).handle({
      method: 'GET',
      path: '/api/v1/query?query=m&time=31.5',
      signal: gone.signal,
    });
    expect(scheduler.yields).toBe(1);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'error' });
  });
});
