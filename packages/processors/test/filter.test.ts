import { createSeriesRegistry, EMPTY_METRICS, type SeriesRegistry } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { filter } from '../src/index.js';
import { batchOf, copyColumns, optionsError, readRows, stageContext } from './helpers.js';

const api1 = { __name__: 'up', job: 'api', instance: 'a1' };
const api2 = { __name__: 'up', job: 'api', instance: 'b2' };
const db = { __name__: 'up', job: 'db', instance: 'a1' };

/** A registry that counts label lookups, to prove decisions are cached per series. */
function countingRegistry(): SeriesRegistry & { lookups: number } {
  const inner = createSeriesRegistry();
  const r = Object.create(inner) as SeriesRegistry & { lookups: number };
  r.lookups = 0;
  r.labels = (id) => {
    r.lookups++;
    return inner.labels(id);
  };
  return r;
}

describe('filter', () => {
  it('keeps samples whose series match, preserving order and stale flags', () => {
    const ctx = stageContext();
    const p = filter({ match: '{job="api", instance=~"a.*"}' });
    const input = batchOf(ctx.series, [
      [api1, 1, 1],
      [db, 1, 2],
      [api2, 1, 3],
      [api1, 2, Number.NaN, true],
    ]);
    const before = copyColumns(input);
    const out = p.process(input, ctx);
    expect(readRows(ctx.series, out)).toEqual([
      ['up{instance="a1", job="api"}', 1, 1],
      ['up{instance="a1", job="api"}', 2, Number.NaN, 'stale'],
    ]);
    expect(copyColumns(input)).toEqual(before);
  });

  it('ORs several selectors and inverts on request', () => {
    const ctx = stageContext();
    const input = batchOf(ctx.series, [
      [api1, 1, 1],
      [db, 1, 2],
      [api2, 1, 3],
    ]);
    const any = filter({ match: ['{job="db"}', '{instance="b2"}'] });
    expect(readRows(ctx.series, any.process(input, ctx)).map((r) => r[2])).toEqual([2, 3]);
    const none = filter({ match: ['{job="db"}', '{instance="b2"}'], invert: true, name: 'not-db' });
    expect(none.name).toBe('not-db');
    expect(readRows(ctx.series, none.process(input, ctx)).map((r) => r[2])).toEqual([1]);
  });

  it('returns the same batch when everything is kept, and an empty one when nothing is', () => {
    const ctx = stageContext();
    const input = batchOf(ctx.series, [[api1, 1, 1]]);
    expect(filter({ match: 'up' }).process(input, ctx)).toBe(input);
    expect(filter({ match: 'down' }).process(input, ctx).length).toBe(0);
    expect(filter({ match: 'up' }).process(EMPTY_METRICS, ctx).length).toBe(0);
  });

  it('decides once per series, including series that appear mid-stream', () => {
    const series = countingRegistry();
    const ctx = stageContext(series);
    const p = filter({ match: '{job="api"}' });
    const first = batchOf(series, [
      [api1, 1, 1],
      [db, 1, 2],
    ]);
    series.lookups = 0;
    p.process(first, ctx);
    p.process(first, ctx);
    expect(series.lookups).toBe(2);
    // a new series with a higher id than any seen: the cache must grow and decide it correctly
    for (let i = 0; i < 100; i++) series.intern({ filler: String(i) });
    const later = batchOf(series, [
      [api2, 2, 3],
      [db, 2, 4],
      [api1, 2, 5],
    ]);
    series.lookups = 0;
    const out = p.process(later, ctx);
    expect(series.lookups).toBe(1);
    expect(readRows(series, out).map((r) => r[2])).toEqual([3, 5]);
  });

  it('starts its cache afresh when handed another registry', () => {
    const p = filter({ match: '{job="api"}' });
    const a = stageContext();
    p.process(batchOf(a.series, [[api1, 1, 1]]), a);
    const b = stageContext();
    // id 0 is now a db series: a stale cache would keep it
    const out = p.process(batchOf(b.series, [[db, 1, 1]]), b);
    expect(out.length).toBe(0);
  });

  it('rejects bad options with ERR_PLUGIN_OPTIONS naming the field', () => {
    expect(optionsError(() => filter({} as never))).toMatch(/- match:/);
    expect(optionsError(() => filter({ match: '{job=~"("}' }))).toMatch(
      /- match: invalid selector .* in matcher job=~"\(": invalid regular expression/,
    );
    expect(optionsError(() => filter({ match: ['up', '{job}'] }))).toMatch(/- match\[1\]: invalid selector/);
    expect(optionsError(() => filter({ match: [] }))).toMatch(/- match:/);
    expect(optionsError(() => filter({ match: 'up', invert: 'yes' as never }))).toMatch(/- invert:/);
  });
});
