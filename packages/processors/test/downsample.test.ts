import { EMPTY_METRICS } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { type DownsampleOptions, downsample } from '../src/index.js';
import { batchOf, copyColumns, optionsError, type Row, readRows, stageContext } from './helpers.js';

const cpu = { __name__: 'cpu', host: 'a' };
const mem = { __name__: 'mem', host: 'a' };

function runAll(opts: DownsampleOptions, rows: Row[]) {
  const ctx = stageContext();
  const p = downsample(opts);
  const input = batchOf(ctx.series, rows);
  const before = copyColumns(input);
  const live = readRows(ctx.series, p.process(input, ctx));
  expect(copyColumns(input)).toEqual(before);
  return { live, flushed: readRows(ctx.series, p.flush!(ctx)), ctx };
}

const window0: Row[] = [
  [cpu, 1000, 4],
  [cpu, 9000, 1],
  [cpu, 5000, 7],
  [cpu, 3000, 2],
];

describe('downsample', () => {
  it.each([
    ['avg', 3.5],
    ['min', 1],
    ['max', 7],
    ['sum', 14],
    ['count', 4],
    ['last', 1],
  ] as const)('%s of one window, stamped with the window start', (fn, want) => {
    expect(runAll({ stepMs: 10_000, fn }, window0).flushed).toEqual([['cpu{host="a"}', 0, want]]);
  });

  it('computes quantiles with linear interpolation, like quantile_over_time', () => {
    expect(runAll({ stepMs: 10_000, fn: 'quantile', quantile: 0.5 }, window0).flushed[0]?.[2]).toBe(3);
    expect(runAll({ stepMs: 10_000, fn: 'quantile', quantile: 0.9 }, window0).flushed[0]?.[2]).toBeCloseTo(
      6.1,
    );
    expect(runAll({ stepMs: 10_000, fn: 'quantile', quantile: 1 }, window0).flushed[0]?.[2]).toBe(7);
  });

  it('emits a window when its series moves to a later one, per series', () => {
    const { live, flushed } = runAll({ stepMs: 1000, fn: 'max' }, [
      [cpu, 100, 1],
      [mem, 200, 10],
      [cpu, 900, 3],
      [cpu, 1100, 5],
      [cpu, 3500, 2],
      [mem, 900, 11],
    ]);
    expect(live).toEqual([
      ['cpu{host="a"}', 0, 3],
      ['cpu{host="a"}', 1000, 5],
    ]);
    expect(flushed).toEqual([
      ['cpu{host="a"}', 3000, 2],
      ['mem{host="a"}', 0, 11],
    ]);
  });

  it('closes the window on a stale marker and passes the marker through', () => {
    const { live, flushed } = runAll({ stepMs: 1000, fn: 'sum' }, [
      [cpu, 100, 1],
      [cpu, 200, 2],
      [cpu, 300, Number.NaN, true],
      [cpu, 2100, 5],
    ]);
    expect(live).toEqual([
      ['cpu{host="a"}', 0, 3],
      ['cpu{host="a"}', 300, Number.NaN, 'stale'],
    ]);
    expect(flushed).toEqual([['cpu{host="a"}', 2000, 5]]);
  });

  it('drops late samples and counts them', () => {
    const { live, ctx } = runAll({ stepMs: 1000, fn: 'count' }, [
      [cpu, 1500, 1],
      [cpu, 2500, 1],
      [cpu, 1700, 1],
    ]);
    expect(live).toEqual([['cpu{host="a"}', 1000, 1]]);
    expect(ctx.counts).toEqual({ late: 1 });
  });

  it('handles empty batches and an empty flush', () => {
    const ctx = stageContext();
    const p = downsample({ stepMs: 1000, fn: 'avg' });
    expect(p.process(EMPTY_METRICS, ctx).length).toBe(0);
    expect(p.flush!(ctx)).toBeUndefined();
  });

  it('rejects bad options with ERR_PLUGIN_OPTIONS naming the field', () => {
    expect(optionsError(() => downsample({ stepMs: 1000, fn: 'quantile' }))).toMatch(/- quantile:/);
    expect(optionsError(() => downsample({ stepMs: 1000, fn: 'avg', quantile: 0.5 }))).toMatch(/- quantile:/);
    expect(optionsError(() => downsample({ stepMs: 1000, fn: 'quantile', quantile: 1.5 }))).toMatch(
      /- quantile:/,
    );
    expect(optionsError(() => downsample({ stepMs: -1, fn: 'avg' }))).toMatch(/- stepMs:/);
    expect(optionsError(() => downsample({ stepMs: 1000, fn: 'p99' as never }))).toMatch(/- fn:/);
  });
});
