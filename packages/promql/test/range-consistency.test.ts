// A range query must give, at every step, what an instant query gives at that time (Prometheus's test.go
// checks one step; this checks all of them, over expressions that exercise memoised subqueries and @).
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type MemorySeries, memoryQueryable, STALE_NAN } from '../src/index.js';

const series: MemorySeries[] = [];
for (let i = 0; i < 6; i++) {
  const timestamps: number[] = [];
  const values: number[] = [];
  let v = 0;
  for (let t = 0; t <= 3_600_000; t += 15_000) {
    v += (i + 1) * ((t / 15_000) % 7 === 0 && i % 2 === 0 ? -v / (i + 1) : 1);
    timestamps.push(t);
    values.push(v);
  }
  series.push({
    labels: { __name__: 'reqs_total', job: i < 3 ? 'api' : 'db', instance: String(i) },
    timestamps,
    values,
  });
}
const engine = createEngine({ queryable: memoryQueryable(series) });

async function expectRangeMatchesInstants(e: Engine, expr: string, start: number, end: number, step: number) {
  const range = await e.rangeQuery(expr, start, end, step);
  expect(range.result.length).toBeGreaterThan(0);
  for (let t = start; t <= end; t += step) {
    const instant = await e.instantQuery(expr, t);
    if (instant.resultType !== 'vector') throw new Error('expected a vector');
    const fromRange = range.result
      .filter((s) => s.ts.includes(t))
      .map((s) => ({ metric: s.metric, v: s.vs[s.ts.indexOf(t)] }));
    expect(fromRange).toEqual(
      expect.arrayContaining(instant.result.map((s) => ({ metric: s.metric, v: s.v }))),
    );
    expect(fromRange).toHaveLength(instant.result.length);
  }
}

describe('range queries agree with instant queries at every step', () => {
  it.each([
    'sum by (job) (rate(reqs_total[5m]))',
    'max_over_time(rate(reqs_total[2m])[10m:1m])',
    'avg_over_time(sum by (job) (increase(reqs_total[1m]))[15m:])',
    'reqs_total @ 1800 - reqs_total offset 10m',
    'topk(2, deriv(reqs_total[10m:30s] offset 1m))',
    'quantile_over_time(0.9, reqs_total[7m]) > bool 100',
  ])('%s', async (expr) => {
    const start = 1_200_000;
    const end = 3_000_000;
    const step = 60_000;
    await expectRangeMatchesInstants(engine, expr, start, end, step);
  });
});

// Range functions over a selector are computed for a whole block of steps by sliding a window over each series
// (engine/range-calls.ts); these must match step-by-step evaluation, across block boundaries (121+ steps),
// staleness markers, gaps longer than the range, offsets, `@` and scalar arguments.
describe('range functions slid over all steps agree with instant queries', () => {
  const gappy: MemorySeries[] = [0, 1].map((i) => {
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let t = 0; t <= 3_600_000; t += 10_000) {
      if (t > 1_500_000 && t < 2_100_000) continue; // a 10-minute gap
      timestamps.push(t);
      // a staleness marker every 7 minutes; a counter reset every 13
      values.push(t % 420_000 === 0 && t > 0 ? STALE_NAN : ((t / 10_000) % 78) * (i + 2));
    }
    return { labels: { __name__: 'gappy_total', i: String(i) }, timestamps, values };
  });
  const e = createEngine({ queryable: memoryQueryable([...series, ...gappy]) });
  it.each([
    'rate(gappy_total[2m])',
    'increase(gappy_total[5m] offset 1m)',
    'delta(gappy_total[3m] @ 1400)',
    'irate(gappy_total[1m]) + idelta(gappy_total[1m])',
    'deriv(gappy_total[4m])',
    'predict_linear(gappy_total[5m], 600)',
    'holt_winters(gappy_total[5m], 0.3, 0.6)',
    'quantile_over_time(0.25, gappy_total[3m])',
    'last_over_time(gappy_total[1m])',
    'changes(gappy_total[6m]) - resets(gappy_total[6m])',
    'stddev_over_time(gappy_total[2m]) / count_over_time(gappy_total[2m])',
    'sum by (job) (rate(reqs_total[1m])) * on () group_left () max(max_over_time(gappy_total[2m]))',
  ])('%s', async (expr) => {
    const start = 1_200_000;
    const end = 3_000_000;
    const step = 15_000; // 121 steps: two blocks of steps
    await expectRangeMatchesInstants(e, expr, start, end, step);
  });

  it('an error of a range function is raised as step by step raises it', async () => {
    await expect(e.rangeQuery('holt_winters(gappy_total[5m], 1.5, 0.5)', 0, 600_000, 15_000)).rejects.toThrow(
      'invalid smoothing factor',
    );
    // no series: no error, as in Prometheus
    await expect(
      e.rangeQuery('holt_winters(nothing[5m], 1.5, 0.5)', 0, 600_000, 15_000),
    ).resolves.toMatchObject({
      result: [],
    });
  });
});
