import { EMPTY_METRICS } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { type AggregateOptions, aggregate } from '../src/index.js';
import { batchOf, copyColumns, optionsError, type Row, readRows, stageContext } from './helpers.js';

const a1 = { __name__: 'mem', job: 'api', instance: 'a1' };
const a2 = { __name__: 'mem', job: 'api', instance: 'a2' };
const d1 = { __name__: 'mem', job: 'db', instance: 'd1' };

function runAll(opts: AggregateOptions, rows: Row[]) {
  const ctx = stageContext();
  const p = aggregate(opts);
  const input = batchOf(ctx.series, rows);
  const before = copyColumns(input);
  const live = readRows(ctx.series, p.process(input, ctx));
  expect(copyColumns(input)).toEqual(before);
  return { live, flushed: readRows(ctx.series, p.flush!(ctx)), ctx };
}

describe('aggregate', () => {
  it('sums by label per aligned step, emitting a step when a later one starts and the rest on flush', () => {
    const { live, flushed } = runAll({ op: 'sum', by: ['job'], stepMs: 10_000 }, [
      [a1, 1000, 1],
      [a2, 1000, 2],
      [d1, 1000, 10],
      [a1, 5000, 3],
      [a1, 12_000, 100],
      [d1, 12_000, 20],
      [a2, 13_000, 200],
    ]);
    expect(live).toEqual([
      ['{job="api"}', 0, 6],
      ['{job="db"}', 0, 10],
    ]);
    expect(flushed).toEqual([
      ['{job="api"}', 10_000, 300],
      ['{job="db"}', 10_000, 20],
    ]);
  });

  it.each([
    ['avg', 2],
    ['min', 1],
    ['max', 3],
    ['count', 3],
    ['sum', 6],
  ] as const)('%s over one step', (op, want) => {
    const { flushed } = runAll({ op, stepMs: 60_000 }, [
      [a1, 0, 3],
      [a2, 10, 1],
      [d1, 59_999, 2],
    ]);
    expect(flushed).toEqual([['{}', 0, want]]);
  });

  it('lets numbers win over NaN in min/max, and propagates NaN in sum', () => {
    const rows: Row[] = [
      [a1, 0, Number.NaN],
      [a2, 0, 2],
    ];
    expect(runAll({ op: 'min', stepMs: 10 }, rows).flushed[0]?.[2]).toBe(2);
    expect(runAll({ op: 'max', stepMs: 10 }, rows).flushed[0]?.[2]).toBe(2);
    expect(runAll({ op: 'sum', stepMs: 10 }, rows).flushed[0]?.[2]).toBeNaN();
  });

  it('groups without the listed labels and __name__', () => {
    const { flushed } = runAll({ op: 'max', without: ['instance'], stepMs: 1000 }, [
      [a1, 0, 3],
      [a2, 0, 5],
      [d1, 0, 1],
    ]);
    expect(flushed).toEqual([
      ['{job="api"}', 0, 5],
      ['{job="db"}', 0, 1],
    ]);
  });

  it('drops late samples (counted) and ignores stale markers', () => {
    const { live, flushed, ctx } = runAll({ op: 'count', by: ['job'], stepMs: 1000 }, [
      [a1, 1500, 1],
      [a2, 2500, 1],
      [a1, 1900, 1],
      [a2, 2600, Number.NaN, true],
      [a1, 2700, 1],
    ]);
    expect(live).toEqual([['{job="api"}', 1000, 1]]);
    expect(flushed).toEqual([['{job="api"}', 2000, 2]]);
    expect(ctx.counts).toEqual({ late: 1 });
  });

  it('adds series appearing mid-stream to their group, across batches', () => {
    const ctx = stageContext();
    const p = aggregate({ op: 'sum', by: ['job'], stepMs: 1000 });
    expect(p.process(batchOf(ctx.series, [[a1, 0, 1]]), ctx).length).toBe(0);
    for (let i = 0; i < 40; i++) ctx.series.intern({ filler: String(i) });
    const out = p.process(
      batchOf(ctx.series, [
        [a2, 500, 2],
        [d1, 500, 7],
        [a2, 1000, 4],
      ]),
      ctx,
    );
    expect(readRows(ctx.series, out)).toEqual([['{job="api"}', 0, 3]]);
    expect(readRows(ctx.series, p.flush!(ctx))).toEqual([
      ['{job="api"}', 1000, 4],
      ['{job="db"}', 0, 7],
    ]);
    expect(p.flush!(ctx)).toBeUndefined();
    expect(p.process(EMPTY_METRICS, ctx).length).toBe(0);
  });

  it('rejects bad options with ERR_PLUGIN_OPTIONS naming the field', () => {
    expect(optionsError(() => aggregate({ op: 'sum', by: ['a'], without: ['b'], stepMs: 1 }))).toMatch(
      /- without: give either by or without/,
    );
    expect(optionsError(() => aggregate({ op: 'sum', stepMs: 0 }))).toMatch(/- stepMs:/);
    expect(optionsError(() => aggregate({ op: 'median' as never, stepMs: 1 }))).toMatch(/- op:/);
    expect(optionsError(() => aggregate({ op: 'sum', stepMs: 1.5 }))).toMatch(/- stepMs:/);
  });
});
