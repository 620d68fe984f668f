// shardSeries: each replica keeps only its share of the series (jump consistent hash of the series fingerprint),
// for series that arrive unsharded (pushed to a receiver, read from a store); its self-metrics say what it owns.
import {
  createPipeline,
  hashKey,
  jumpHash,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  type SeriesRegistry,
  silentLogger,
} from '@argus/core';
import { manualSource, memorySink } from '@argus/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shardSeries } from '../src/index.js';
import { batchOf, copyColumns, optionsError, readRows, stageContext } from './helpers.js';

afterEach(() => vi.unstubAllEnvs());

const labelsOf = (i: number): Labels => ({ __name__: 'http_requests_total', job: 'api', pod: `web-${i}` });

/** One batch with a sample for each of `n` series. */
function allSeries(series: SeriesRegistry, n: number, t = 1000): MetricBatch {
  return batchOf(
    series,
    Array.from({ length: n }, (_, i) => [labelsOf(i), t, i] as [Labels, number, number]),
  );
}

/** A stage context whose gauges are recorded. */
function recording(series?: SeriesRegistry) {
  const ctx = stageContext(series);
  const gauges: Record<string, number> = {};
  return {
    ctx: { ...ctx, metrics: { ...ctx.metrics, gauge: (k: string, v: number) => void (gauges[k] = v) } },
    gauges,
  };
}

/** The `pod` labels each replica of `total` keeps, and its gauges, over the same series. */
function owners(n: number, total: number) {
  const series = stageContext().series;
  const batch = allSeries(series, n);
  const owner = new Map<string, number>();
  const gauges: Record<string, number>[] = [];
  for (let index = 0; index < total; index++) {
    const r = recording(series);
    const out = shardSeries({ shard: { index, total } }).process(batch, r.ctx);
    for (let i = 0; i < out.length; i++) {
      const pod = series.labels(out.series[i]!)['pod']!;
      expect(owner.has(pod), `${pod} kept by two replicas`).toBe(false);
      owner.set(pod, index);
    }
    gauges.push(r.gauges);
  }
  return { owner, gauges };
}

describe('shardSeries', () => {
  it('splits the series between replicas: disjoint, complete, by the jump hash of the fingerprint', () => {
    const { owner } = owners(1000, 3);
    expect(owner.size).toBe(1000);
    const series = stageContext().series;
    for (const [pod, index] of owner) {
      const id = series.intern({ ...labelsOf(Number(pod.slice(4))) });
      expect(jumpHash(hashKey(series.fingerprint(id)), 3)).toBe(index);
    }
    const counts = [0, 1, 2].map((i) => [...owner.values()].filter((x) => x === i).length);
    for (const c of counts) expect(c).toBeGreaterThan(250);
  });

  it('going from 2 to 3 replicas moves about 1/3 of the series, every one of them to the new replica', () => {
    const n = 3000;
    const before = owners(n, 2).owner;
    const after = owners(n, 3).owner;
    const moved = [...after].filter(([pod, index]) => before.get(pod) !== index);
    for (const [, index] of moved) expect(index).toBe(2);
    // jump hashing moves each key with probability 1/(N+1) = 1/3 (σ ≈ 0.009 over 3000 keys)
    expect(moved.length / n).toBeGreaterThan(0.3);
    expect(moved.length / n).toBeLessThan(0.37);
    // Prometheus's hashmod on the same hashes would move about half: the property is the hash's, not the keys'
    const series = stageContext().series;
    const hashmodMoved = Array.from({ length: n }, (_, i) => {
      const h = hashKey(series.fingerprint(series.intern(labelsOf(i))));
      return h % 2n !== h % 3n;
    }).filter(Boolean).length;
    expect(hashmodMoved / n).toBeGreaterThan(0.6);
  });

  it("reports what it owns: the replicas' owned series add up to the series seen, each counted once", () => {
    const { ctx, gauges } = recording();
    const p = shardSeries({ shard: { index: 1, total: 4 } });
    const first = p.process(allSeries(ctx.series, 200, 1000), ctx);
    p.process(allSeries(ctx.series, 200, 2000), ctx);
    expect(gauges).toEqual({
      shard_index: 1,
      shard_total: 4,
      shard_series_owned: first.length,
      shard_series_seen: 200,
    });
    const all = owners(500, 4).gauges;
    expect(all.map((g) => g['shard_series_seen'])).toEqual([500, 500, 500, 500]);
    expect(all.reduce((s, g) => s + g['shard_series_owned']!, 0)).toBe(500);
  });

  it('keeps stale markers with their series and never modifies its input', () => {
    const ctx = stageContext();
    const total = 2;
    const batch = batchOf(ctx.series, [
      [labelsOf(1), 1, 1],
      [labelsOf(2), 1, 2],
      [labelsOf(1), 2, Number.NaN, true],
      [labelsOf(2), 2, Number.NaN, true],
    ]);
    const before = copyColumns(batch);
    const rows = [0, 1].flatMap((index) =>
      readRows(ctx.series, shardSeries({ shard: { index, total } }).process(batch, ctx)),
    );
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r[3] === 'stale')).toHaveLength(2);
    expect(copyColumns(batch)).toEqual(before);
  });

  it('takes its index from the StatefulSet ordinal of HOSTNAME, and says how to fix a pod without one', () => {
    const ctx = stageContext();
    const batch = allSeries(ctx.series, 50);
    vi.stubEnv('HOSTNAME', 'argus-1');
    const fromHost = readRows(ctx.series, shardSeries({ shard: { total: 3 } }).process(batch, ctx));
    expect(fromHost).toEqual(
      readRows(ctx.series, shardSeries({ shard: { index: 1, total: 3 } }).process(batch, ctx)),
    );
    vi.stubEnv('HOSTNAME', 'laptop');
    expect(() => shardSeries({ shard: { total: 3 } })).toThrow(
      /shard-series: shard.index is not set and HOSTNAME \("laptop"\)/,
    );
    expect(optionsError(() => shardSeries({ shard: { index: 3, total: 3 } }))).toMatch(
      /shard.index must be below shard.total/,
    );
  });

  it('inside a pipeline after a push source: each replica delivers its share, and stats carry the gauges', async () => {
    const delivered: string[][] = [];
    for (const index of [0, 1]) {
      const src = manualSource({ name: 'push' });
      const sink = memorySink({ name: 'collect', accepts: ['metrics'] });
      const pipeline = createPipeline({
        logger: silentLogger,
        sources: [src],
        processors: [shardSeries({ shard: { index, total: 2 } })],
        sinks: [sink],
      });
      await pipeline.start();
      const b = new MetricBatchBuilder();
      for (let i = 0; i < 40; i++) b.pushLabels(pipeline.series, labelsOf(i), 1000, i);
      await src.push(b.build());
      await pipeline.stop();
      const pods = sink.batches.flatMap((x) =>
        x.kind === 'metrics' ? [...x.series].map((id) => pipeline.series.labels(id)['pod']!) : [],
      );
      delivered.push(pods);
      const stats = pipeline.stats().plugins['shard-series'];
      expect(stats?.custom).toMatchObject({ shard_series_owned: pods.length, shard_series_seen: 40 });
    }
    expect(new Set(delivered.flat()).size).toBe(40);
    expect(delivered[0]!.length + delivered[1]!.length).toBe(40);
  });
});
