import { createSeriesRegistry } from '@argus/core';
import { batchFromRows } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { anomalyRule, thresholdRule } from '../src/index.js';
import { byteColumn, intColumn } from '../src/rules/series-column.js';
import { driver, row } from './helpers.js';

describe('SeriesColumn', () => {
  it('reads 0 for ids never set, negative ids included, and keeps values across growth', () => {
    const c = intColumn();
    expect(c.get(0)).toBe(0);
    expect(c.get(-1)).toBe(0);
    expect(c.get(1_000_000)).toBe(0);
    // ids in an order that grows the column several times, some far past its end
    const ids = [3, 0, 63, 64, 65, 200, 1_000, 97, 5_000, 4_999];
    ids.forEach((id, i) => {
      c.set(id, -(i + 1));
    });
    ids.forEach((id, i) => {
      expect(c.get(id)).toBe(-(i + 1));
    });
    expect(c.get(1)).toBe(0);
    expect(c.get(4_998)).toBe(0);
    expect(c.capacity).toBeGreaterThanOrEqual(5_001);
  });

  it('grows by half, not doubling, when ids arrive one after the other', () => {
    const c = byteColumn();
    for (let id = 0; id < 10_000; id++) c.set(id, (id % 255) + 1);
    for (let id = 0; id < 10_000; id++) expect(c.get(id)).toBe((id % 255) + 1);
    expect(c.capacity).toBeLessThan(15_000);
  });
});

describe('per-series verdicts of the rules, past the first columns', () => {
  // 3,000 series interleaved so the columns grow while verdicts are kept: every seventh series matches
  const N = 3_000;
  const instance = (i: number): string => `i${i}`;
  const metric = (i: number): string => (i % 7 === 3 ? 'hot' : 'cold');

  it('thresholdRule alerts exactly the matching series that cross the threshold, read after read', () => {
    const d = driver(thresholdRule({ alert: 'Hot', selector: 'hot', threshold: 10 }));
    for (let t = 0; t < 3; t++) {
      // read t: series with i % 3 === t are over the threshold
      const rows = Array.from({ length: N }, (_, k) => {
        const i = t % 2 === 0 ? k : N - 1 - k; // ids are interned in order on the first read; visited both ways
        return row(instance(i), t * 1000, i % 3 === t ? 20 : 1, metric(i));
      });
      d.feed(rows, t * 1000);
    }
    const firing = d.log.filter((a) => a.state === 'firing').map((a) => a.labels['instance']);
    const expected: string[] = [];
    for (let t = 0; t < 3; t++) {
      const order = Array.from({ length: N }, (_, k) => (t % 2 === 0 ? k : N - 1 - k));
      for (const i of order) if (metric(i) === 'hot' && i % 3 === t) expected.push(instance(i));
    }
    expect(firing).toEqual(expected);
    expect(firing.length).toBeGreaterThan(400);
  });

  it('anomalyRule keys each matching series by its own labels and leaves the others out', () => {
    const d = driver(anomalyRule({ alert: 'Anom', selector: 'hot', n: 1, m: 1 }));
    const rows = Array.from({ length: N }, (_, i) => row(instance(i), 0, i, metric(i)));
    const metrics = batchFromRows(d.series, rows);
    // a finding on every series: only the matching ones may alert, each with its own labels and value
    const findings = rows.map((_, i) => ({
      id: `f${i}`,
      series: metrics.series[i]!,
      timestamp: 0,
      value: i,
      score: 1,
      kind: 'spike' as const,
      detector: 'test',
      explanation: 'x',
    }));
    d.tick(0, { metrics, findings });
    // the same series again, in reverse: the kept keys must still belong to the right ids
    const back = batchFromRows(
      d.series,
      [...rows].reverse().map((r) => ({ ...r, timestamp: 1000 })),
    );
    d.tick(1000, { metrics: back });
    const fired = d.log.filter((a) => a.state === 'firing');
    const matching = rows.filter((_, i) => metric(i) === 'hot');
    expect(fired.map((a) => [a.labels['instance'], a.value])).toEqual(
      matching.map((r) => [r.labels['instance'], r.value]),
    );
    const resolved = d.log.filter((a) => a.state === 'resolved').map((a) => a.labels['instance']);
    expect(resolved).toEqual([...matching].reverse().map((r) => r.labels['instance']));
  });

  it('thresholdRule restored into a registry with other ids keeps its alerts and judges the series by their new ids', () => {
    const rule = () => thresholdRule({ alert: 'Hot', selector: 'hot', threshold: 10 });
    const first = rule();
    const d1 = driver(first);
    const rows = (t: number, over: (i: number) => boolean) =>
      Array.from({ length: N }, (_, i) => row(instance(i), t, over(i) ? 20 : 1, metric(i)));
    d1.feed(rows(0, (i) => i % 2 === 0));
    const snap = JSON.parse(JSON.stringify(first.snapshot!({} as never)));
    // the restarted process sees the series in reverse order: every id differs from the first run's
    const series = createSeriesRegistry();
    for (let i = N - 1; i >= 0; i--) series.intern(rows(0, () => false)[i]!.labels);
    const second = rule();
    second.restore!(snap, { series } as never);
    const d2 = driver(second, series);
    // the even ones keep firing (no transition); of them, those now under the threshold resolve; no other alerts
    const out = d2.feed(rows(1000, (i) => i % 4 === 0));
    const hot = (pred: (i: number) => boolean) =>
      Array.from({ length: N }, (_, i) => i).filter((i) => metric(i) === 'hot' && pred(i));
    expect(out.every((a) => a.state === 'resolved')).toBe(true);
    expect(out.map((a) => a.labels['instance']).sort()).toEqual(
      hot((i) => i % 2 === 0 && i % 4 !== 0)
        .map(instance)
        .sort(),
    );
  });
});
