import { createSeriesRegistry, EMPTY_METRICS } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { rate } from '../src/index.js';
import { batchOf, copyColumns, optionsError, readRows, stageContext } from './helpers.js';

const reqs = { __name__: 'http_requests_total', job: 'api' };
const errs = { __name__: 'http_errors_total', job: 'api', code: '500' };

describe('rate', () => {
  it('yields the per-second rate since the previous sample, dropping __name__', () => {
    const ctx = stageContext();
    const input = batchOf(ctx.series, [
      [reqs, 0, 10],
      [reqs, 10_000, 20],
      [reqs, 20_000, 50],
    ]);
    const before = copyColumns(input);
    expect(readRows(ctx.series, rate({}).process(input, ctx))).toEqual([
      ['{job="api"}', 10_000, 1],
      ['{job="api"}', 20_000, 3],
    ]);
    expect(copyColumns(input)).toEqual(before);
  });

  it('treats a decrease as a counter reset, like Prometheus', () => {
    const rows = (mode: 'rate' | 'increase' | 'delta') => {
      const ctx = stageContext();
      const b = batchOf(ctx.series, [
        [reqs, 0, 100],
        [reqs, 10_000, 120],
        [reqs, 20_000, 5],
        [reqs, 30_000, 25],
      ]);
      return Array.from(rate({ mode }).process(b, ctx).values);
    };
    expect(rows('increase')).toEqual([20, 5, 20]);
    expect(rows('rate')).toEqual([2, 0.5, 2]);
    expect(rows('delta')).toEqual([20, -115, 20]);
  });

  it('keeps series apart, including series that first appear in a later batch', () => {
    const ctx = stageContext();
    const p = rate({ mode: 'increase', nameSuffix: ':increase' });
    p.process(batchOf(ctx.series, [[reqs, 0, 1]]), ctx);
    for (let i = 0; i < 50; i++) ctx.series.intern({ filler: String(i) });
    const out = p.process(
      batchOf(ctx.series, [
        [errs, 1000, 7],
        [reqs, 1000, 4],
        [errs, 2000, 9],
      ]),
      ctx,
    );
    expect(readRows(ctx.series, out)).toEqual([
      ['http_requests_total:increase{job="api"}', 1000, 3],
      ['http_errors_total:increase{code="500", job="api"}', 2000, 2],
    ]);
  });

  it('keeps the name unchanged with an empty suffix', () => {
    const ctx = stageContext();
    const out = rate({ nameSuffix: '' }).process(
      batchOf(ctx.series, [
        [reqs, 0, 1],
        [reqs, 1000, 2],
      ]),
      ctx,
    );
    expect(readRows(ctx.series, out)).toEqual([['http_requests_total{job="api"}', 1000, 1]]);
  });

  it('passes stale markers through and starts the series afresh after one', () => {
    const ctx = stageContext();
    const out = rate({ mode: 'increase' }).process(
      batchOf(ctx.series, [
        [reqs, 0, 1],
        [reqs, 1000, 3],
        [reqs, 2000, Number.NaN, true],
        [reqs, 3000, 50],
        [reqs, 4000, 52],
      ]),
      ctx,
    );
    expect(readRows(ctx.series, out)).toEqual([
      ['{job="api"}', 1000, 2],
      ['{job="api"}', 2000, Number.NaN, 'stale'],
      ['{job="api"}', 4000, 2],
    ]);
  });

  it('skips NaN, duplicate and out-of-order samples and counts them', () => {
    const ctx = stageContext();
    const out = rate({ mode: 'increase' }).process(
      batchOf(ctx.series, [
        [reqs, 1000, 1],
        [reqs, 2000, Number.NaN],
        [reqs, 2000, 4],
        [reqs, 2000, 5],
        [reqs, 1500, 6],
        [reqs, 3000, 10],
      ]),
      ctx,
    );
    expect(Array.from(out.values)).toEqual([3, 6]);
    expect(Array.from(out.timestamps)).toEqual([2000, 3000]);
    expect(ctx.counts).toEqual({ nanSkipped: 1, duplicate: 1, outOfOrder: 1 });
  });

  it('returns an empty batch for empty input and for first samples only', () => {
    const ctx = stageContext();
    const p = rate({});
    expect(p.process(EMPTY_METRICS, ctx).length).toBe(0);
    expect(p.process(batchOf(ctx.series, [[reqs, 0, 1]]), ctx).length).toBe(0);
  });

  it('round-trips its state through snapshot/restore by fingerprint, across different series ids', () => {
    const a = stageContext();
    const before = rate({ mode: 'increase' });
    before.process(
      batchOf(a.series, [
        [reqs, 0, 100],
        [errs, 0, 7],
      ]),
      a,
    );
    const saved = JSON.parse(JSON.stringify(before.snapshot!(a)));

    // a restarted process interns series in another order, so ids differ
    const b = stageContext(createSeriesRegistry());
    b.series.intern({ other: 'x' });
    const after = rate({ mode: 'increase' });
    after.restore!(saved, b);
    const out = after.process(batchOf(b.series, [[errs, 1000, 10]]), b);
    expect(readRows(b.series, out)).toEqual([['{code="500", job="api"}', 1000, 3]]);

    // a series not seen since the restore is carried into the next snapshot
    const again = after.snapshot!(b) as { series: Record<string, [number, number]> };
    expect(again.series[a.series.fingerprint(a.series.lookup(reqs)!)]).toEqual([0, 100]);
    expect(again.series[b.series.fingerprint(b.series.lookup(errs)!)]).toEqual([1000, 10]);
  });

  it('refuses a malformed snapshot and keeps a fresh state', () => {
    const ctx = stageContext();
    const p = rate({});
    expect(() => p.restore!({ version: 2 }, ctx)).toThrow(/not a version 1 rate snapshot/);
    expect(() => p.restore!({ version: 1, series: { abc: 'x' } }, ctx)).toThrow(
      /abc is not \[timestamp, value\]/,
    );
    expect(p.process(batchOf(ctx.series, [[reqs, 0, 1]]), ctx).length).toBe(0);
  });

  it('rejects bad options with ERR_PLUGIN_OPTIONS naming the field', () => {
    expect(optionsError(() => rate({ mode: 'avg' as never }))).toMatch(/- mode:/);
    expect(optionsError(() => rate({ nameSuffix: 3 as never }))).toMatch(/- nameSuffix:/);
    expect(optionsError(() => rate({ name: '' }))).toMatch(/- name:/);
  });
});
