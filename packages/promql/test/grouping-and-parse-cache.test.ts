// `by (…)` groups by the values of the grouping labels (an absent label and an empty one alike, two labels never
// taken for one), and an engine that keeps parsed expressions answers repeated and failing texts as before.
import { createStore } from '@argus/store';
import { describe, expect, it } from 'vitest';
import { createEngine, type MemorySeries, memoryQueryable, storeQueryable } from '../src/index.js';

const at = (labels: Record<string, string>, v: number): MemorySeries => ({
  labels: { __name__: 'm', ...labels },
  timestamps: [0],
  values: [v],
});

describe('aggregation by labels', () => {
  it('keeps series apart whose grouping values differ only in which label holds them', async () => {
    const engine = createEngine({
      queryable: memoryQueryable([
        at({ a: 'x', b: '' }, 1),
        at({ a: '', b: 'x' }, 2),
        at({ a: 'x:', b: 'y' }, 4),
        at({ a: 'x', b: ':y' }, 8),
        at({ a: '1:x', b: '' }, 16),
        at({ a: '', b: '1:x' }, 32),
      ]),
    });
    const r = await engine.instantQuery('sum by (a, b) (m)', 0);
    const got = r.resultType === 'vector' ? r.result.map((s) => [s.metric, s.v]) : [];
    expect(got).toEqual(
      expect.arrayContaining([
        [{ a: 'x' }, 1],
        [{ b: 'x' }, 2],
        [{ a: 'x:', b: 'y' }, 4],
        [{ a: 'x', b: ':y' }, 8],
        [{ a: '1:x' }, 16],
        [{ b: '1:x' }, 32],
      ]),
    );
    expect(got).toHaveLength(6);
  });

  it('puts an absent grouping label and an empty one in the same group', async () => {
    const engine = createEngine({
      queryable: memoryQueryable([
        at({ a: 'x', i: '1' }, 1),
        at({ a: 'x', b: '', i: '2' }, 2),
        at({ i: '3' }, 4),
      ]),
    });
    const r = await engine.instantQuery('sum by (a, b) (m)', 0);
    expect(r.resultType === 'vector' ? r.result.map((s) => [s.metric, s.v]) : []).toEqual([
      [{ a: 'x' }, 3],
      [{}, 4],
    ]);
  });
});

describe('aggregation over a range function computed ahead', () => {
  const series = (name: string, job: string): MemorySeries => ({
    labels: { __name__: name, job },
    timestamps: [0, 60_000, 120_000, 180_000],
    values: [0, 60, 120, 180],
  });

  it('sums per step as step-by-step evaluation does', async () => {
    const engine = createEngine({
      queryable: memoryQueryable([series('a_total', 'x'), series('b_total', 'y'), series('c_total', 'x')]),
    });
    const r = await engine
      .rangeQuery('sum by (job) ({__name__=~".+_total"}[2m] offset 0s)', 120_000, 180_000, 60_000)
      .catch((e) => e);
    expect(String(r)).toMatch(/range vector/);
    const s = await engine.rangeQuery(
      'sum by (job) (rate({__name__="a_total"}[2m]))',
      120_000,
      180_000,
      60_000,
    );
    expect(s.result).toEqual([{ metric: { job: 'x' }, ts: [120_000, 180_000], vs: [1, 1] }]);
  });

  it("raises Prometheus's error when the function leaves two series with one label set", async () => {
    const engine = createEngine({
      queryable: memoryQueryable([series('a_total', 'x'), series('b_total', 'x')]),
    });
    await expect(
      engine.rangeQuery('sum(rate({__name__=~".+_total"}[2m]))', 120_000, 180_000, 60_000),
    ).rejects.toThrow(/vector cannot contain metrics with the same labelset/);
    await expect(engine.instantQuery('sum(rate({__name__=~".+_total"}[2m]))', 180_000)).rejects.toThrow(
      /vector cannot contain metrics with the same labelset/,
    );
  });
});

describe('parsed expressions kept per engine', () => {
  it('answers the same text again over changed data and times, and a bad text with the same error each time', async () => {
    const series: MemorySeries[] = [at({ job: 'a' }, 1)];
    const engine = createEngine({ queryable: memoryQueryable(series) });
    const q = 'sum by (job) (m)';
    expect((await engine.instantQuery(q, 0)).result).toEqual([{ metric: { job: 'a' }, t: 0, v: 1 }]);
    expect((await engine.instantQuery(q, 1_000)).result).toEqual([{ metric: { job: 'a' }, t: 1_000, v: 1 }]);
    const other = createEngine({
      queryable: memoryQueryable([at({ job: 'b' }, 5), at({ job: 'b', i: '2' }, 6)]),
    });
    expect((await other.instantQuery(q, 0)).result).toEqual([{ metric: { job: 'b' }, t: 0, v: 11 }]);
    const bad = 'sum by (job) (m';
    await expect(engine.instantQuery(bad, 0)).rejects.toThrow(/unclosed|unexpected|parse/i);
    await expect(engine.instantQuery(bad, 0)).rejects.toThrow(/unclosed|unexpected|parse/i);
  });

  it('keeps answering correctly when more distinct texts come than it keeps', async () => {
    const engine = createEngine({ queryable: memoryQueryable([at({ job: 'a' }, 3)]) });
    for (let i = 0; i < 600; i++) {
      const r = await engine.instantQuery(`m * ${i}`, 0);
      expect(r.result).toEqual([{ metric: { job: 'a' }, t: 0, v: 3 * i }]);
    }
    expect((await engine.instantQuery('m * 0', 0)).result).toEqual([{ metric: { job: 'a' }, t: 0, v: 0 }]);
  });
});

describe('order of selected series kept per engine', () => {
  it('sorts again when the store holds other series than at the last query', async () => {
    const store = createStore({ retentionMs: 86_400_000 });
    for (const i of ['b', 'd', 'a']) store.append({ __name__: 'm', i }, 1_000, 1);
    const engine = createEngine({ queryable: storeQueryable(store) });
    const names = async () => {
      const r = await engine.instantQuery('m', 2_000);
      return r.resultType === 'vector' ? r.result.map((s) => s.metric.i) : [];
    };
    expect(await names()).toEqual(['a', 'b', 'd']);
    expect(await names()).toEqual(['a', 'b', 'd']);
    store.append({ __name__: 'm', i: 'c' }, 1_500, 1);
    expect(await names()).toEqual(['a', 'b', 'c', 'd']);
    const r = await engine.rangeQuery('m', 1_000, 2_000, 500);
    expect(r.result.map((s) => s.metric.i)).toEqual(['a', 'b', 'c', 'd']);
    expect(await names()).toEqual(['a', 'b', 'c', 'd']);
  });
});
