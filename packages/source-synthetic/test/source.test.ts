import { type Clock, createPipeline, type MetricBatch, type SourceBatch, silentLogger } from '@argus/core';
import { type MemorySink, memorySink, testContext } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { generateSeries, type SyntheticSeries, syntheticSource } from '../src/index.js';

const T0 = 1_700_000_000_000;
const series: SyntheticSeries[] = [
  { labels: { __name__: 'latency', service: 'a' }, base: 0.2, noise: 0.02 },
  { labels: { __name__: 'rps', service: 'a' }, base: 100, noise: 5, kind: 'counter' },
  {
    labels: { __name__: 'queue', service: 'b' },
    base: 10,
    noise: 1,
    anomalies: [{ kind: 'gap', at: T0 + 30_000, durationMs: 5_000 }],
  },
];

/** A sink that keeps only metric batches. */
const collect = (): MemorySink => memorySink({ name: 'collect', accepts: ['metrics'] });

/** The metric batches a sink collected, in order. */
const metricBatches = (sink: MemorySink): MetricBatch[] =>
  sink.batches.flatMap((b) => (b.kind === 'metrics' ? [b] : []));

function manualClock(start: number): Clock & { t: number } {
  return {
    t: start,
    now() {
      return this.t;
    },
    setTimeout: () => ({}),
    clearTimeout() {},
  };
}

function rows(batches: MetricBatch[]): [number, number, number][] {
  return batches.flatMap((b) =>
    Array.from(b.series, (s, i) => [s, b.timestamps[i]!, b.values[i]!] as [number, number, number]),
  );
}

describe('syntheticSource', () => {
  it('runs in batch mode: every batch bounded and in time order, values equal generateSeries', async () => {
    const sink = collect();
    const src = syntheticSource({ series, seed: 9, maxBatchSamples: 50 });
    const p = createPipeline({ logger: silentLogger, sources: [src], sinks: [sink] });
    const summary = await p.runBatch({ from: T0, to: T0 + 120_000, stepMs: 1000, windowMs: 45_000 });
    expect(summary.samples).toBe(3 * 120 - 5);
    for (const b of metricBatches(sink)) expect(b.length).toBeLessThanOrEqual(50);
    const all = rows(metricBatches(sink));
    for (let i = 1; i < all.length; i++) expect(all[i]![1]).toBeGreaterThanOrEqual(all[i - 1]![1]);
    for (const [i, s] of series.entries()) {
      const id = p.series.lookup(s.labels)!;
      const expected = generateSeries(s, {
        from: T0,
        to: T0 + 120_000,
        stepMs: 1000,
        seed: 9,
        seriesIndex: i,
      });
      expect(all.filter((r) => r[0] === id).map((r) => r[2])).toEqual(Array.from(expected.values));
    }
  });

  it('live polls emit each step once, from the last emitted up to now, matching history', async () => {
    const clock = manualClock(T0 + 10_500);
    const src = syntheticSource({ series, seed: 9, backfillMs: 3000 });
    // polls are driven by hand, not by a pipeline's scheduler
    const ctx = testContext({ clock });
    await src.start!(ctx);
    const first = rows((await src.poll!(ctx)) as MetricBatch[]);
    expect(new Set(first.map((r) => r[1]))).toEqual(new Set([T0 + 7000, T0 + 8000, T0 + 9000, T0 + 10_000]));
    clock.t = T0 + 10_900;
    expect(src.poll!(ctx)).toBeUndefined();
    clock.t = T0 + 40_000;
    const second = rows((await src.poll!(ctx)) as MetricBatch[]);
    expect(second[0]![1]).toBe(T0 + 11_000);
    expect(second.at(-1)![1]).toBe(T0 + 40_000);
    const live = [...first, ...second];
    const history = rows(
      await readAll(src.readRange!({ from: T0 + 7000, to: T0 + 40_001, stepMs: 1000 }, ctx)),
    );
    expect(live).toEqual(history);
  });

  it('works in stream mode in a real pipeline (first poll at start)', async () => {
    const sink = collect();
    const src = syntheticSource({ series, backfillMs: 5000 });
    const p = createPipeline({
      logger: silentLogger,
      sources: [{ use: src, intervalMs: 60_000 }],
      sinks: [sink],
    });
    await p.start();
    await new Promise((r) => setTimeout(r, 50));
    await p.stop();
    expect(rows(metricBatches(sink)).length).toBeGreaterThanOrEqual(3 * 5);
    expect(p.series.size).toBe(3);
  });

  it('reports ground truth per series', () => {
    const src = syntheticSource({ series });
    const gt = src.groundTruth({ from: T0, to: T0 + 60_000 });
    expect(gt.map((g) => g.anomalies.length)).toEqual([0, 0, 1]);
    expect(gt[2]).toEqual({
      labels: series[2]!.labels,
      anomalies: [{ kind: 'gap', start: T0 + 30_000, end: T0 + 35_000 }],
    });
  });

  it('rejects bad options naming the field', () => {
    expect(() => syntheticSource({ series: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringContaining('series') }),
    );
    expect(() => syntheticSource({ series, stepMs: -5 })).toThrow(/stepMs/);
    expect(() =>
      syntheticSource({ series: [{ labels: { a: 'b' }, anomalies: [{ kind: 'spike', at: 0.5 }] }] }),
    ).toThrow(/series\[0\]\.anomalies\[0\]\.at.*span/s);
  });
});

async function readAll(it: AsyncIterable<SourceBatch>): Promise<MetricBatch[]> {
  const out: MetricBatch[] = [];
  for await (const b of it) if (b.kind === 'metrics') out.push(b);
  return out;
}
