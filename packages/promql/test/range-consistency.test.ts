// A range query must give, at every step, what an instant query gives at that time (Prometheus's test.go
// checks one step; this checks all of them, over expressions that exercise memoised subqueries and @).
import { describe, expect, it } from 'vitest';
import { createEngine, type MemorySeries, memoryQueryable } from '../src/index.js';

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
    const range = await engine.rangeQuery(expr, start, end, step);
    expect(range.result.length).toBeGreaterThan(0);
    for (let t = start; t <= end; t += step) {
      const instant = await engine.instantQuery(expr, t);
      if (instant.resultType !== 'vector') throw new Error('expected a vector');
      const fromRange = range.result
        .filter((s) => s.ts.includes(t))
        .map((s) => ({ metric: s.metric, v: s.vs[s.ts.indexOf(t)] }));
      expect(fromRange).toEqual(
        expect.arrayContaining(instant.result.map((s) => ({ metric: s.metric, v: s.v }))),
      );
      expect(fromRange).toHaveLength(instant.result.length);
    }
  });
});
