import {
  type Alert,
  type Alerter,
  API_VERSION,
  createPipeline,
  type Detector,
  type Finding,
  fingerprint,
  type MetricBatch,
  MetricBatchBuilder,
  newFindingId,
  silentLogger,
} from '@argus/core';
import { type MemorySink, manualSource, memorySink } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { createStore, storeSink, storeSource } from '../src/index.js';
import { bitsOf, patterns } from './helpers.js';

/** Reports a finding for every sample above 100. */
const highDetector: Detector = {
  kind: 'detector',
  name: 'high',
  apiVersion: API_VERSION,
  detect(batch: MetricBatch) {
    const out: Finding[] = [];
    for (let i = 0; i < batch.length; i++) {
      if (batch.values[i]! > 100) {
        out.push({
          id: newFindingId(),
          series: batch.series[i]!,
          timestamp: batch.timestamps[i]!,
          value: batch.values[i]!,
          score: 1,
          kind: 'spike',
          detector: 'high',
          explanation: 'above 100',
        });
      }
    }
    return out;
  },
};

/** Fires one alert per finding. */
const findingAlerter: Alerter = {
  kind: 'alerter',
  name: 'fire',
  apiVersion: API_VERSION,
  evaluate(input) {
    return (input.findings ?? []).map((f): Alert => {
      const labels = { alertname: 'High', at: String(f.timestamp) };
      return {
        labels,
        annotations: {},
        state: 'firing',
        startsAt: f.timestamp,
        fingerprint: fingerprint(labels),
        origin: 'fire',
      };
    });
  },
};

/** A sink that keeps only metric batches. */
const collect = (): MemorySink => memorySink({ name: 'collect', accepts: ['metrics'] });

/** The metric batches a sink collected, in order. */
const metricBatches = (sink: MemorySink): MetricBatch[] =>
  sink.batches.flatMap((b) => (b.kind === 'metrics' ? [b] : []));

describe('storeSink and storeSource in a real pipeline', () => {
  it('records samples, findings and alerts from a running pipeline, then replays them with runBatch', async () => {
    const store = createStore();
    const src = manualSource({ name: 'push' });
    const p = createPipeline({
      logger: silentLogger,
      sources: [src],
      detectors: [highDetector],
      alerters: [findingAlerter],
      sinks: [storeSink(store)],
    });
    await p.start();
    for (let k = 0; k < 10; k++) {
      const b = new MetricBatchBuilder();
      for (const host of ['a', 'b']) {
        const v = host === 'a' && k === 5 ? 500 : k;
        b.pushLabels(p.series, { __name__: 'load', host }, k * 15_000, v, host === 'b' && k === 9);
      }
      await src.push(b.build());
    }
    await p.stop();
    expect(store.stats().samples).toBe(20);
    const findings = store.findings({ from: 0, to: 1e9, matchers: '{host="a"}' });
    expect(findings.map((f) => [f.timestamp, f.value, f.labels.host])).toEqual([[75_000, 500, 'a']]);
    expect(store.findings({ from: 0, to: 1e9, matchers: '{host="b"}' })).toEqual([]);
    expect(store.alerts({ from: 70_000, to: 80_000 }).map((a) => a.alert.labels.alertname)).toEqual(['High']);
    expect(store.alerts({ from: 80_000, to: 1e9 })).toEqual([]);

    const sink = collect();
    const replay = createPipeline({ logger: silentLogger, sources: [storeSource(store)], sinks: [sink] });
    const summary = await replay.runBatch({ from: 0, to: 150_000, stepMs: 15_000, windowMs: 60_000 });
    expect(summary.samples).toBe(20);
    const rows = metricBatches(sink).flatMap((b) =>
      Array.from(b.timestamps, (t, i) => [
        t,
        replay.series.labels(b.series[i]!).host,
        b.values[i],
        b.stale?.[i] ?? 0,
      ]),
    );
    expect(rows.map((r) => r[0])).toEqual([...rows.map((r) => r[0] as number)].sort((x, y) => x - y));
    expect(rows.filter((r) => r[1] === 'a').map((r) => r[2])).toEqual([0, 1, 2, 3, 4, 500, 6, 7, 8, 9]);
    expect(rows.filter((r) => r[3] === 1)).toEqual([[135_000, 'b', 9, 1]]);
  });

  it('source replays only matching series, bit-exact, in batches of batchSamples', async () => {
    const store = createStore();
    const nan = new Float64Array(new BigUint64Array([0x7ff0000000000123n]).buffer)[0]!;
    for (let i = 0; i < 50; i++) {
      store.append({ job: 'x' }, i * 1000, i === 7 ? nan : i);
      store.append({ job: 'y' }, i * 1000, -i);
    }
    const sink = collect();
    const p = createPipeline({
      logger: silentLogger,
      sources: [storeSource(store, { matchers: '{job="x"}', batchSamples: 16 })],
      sinks: [sink],
    });
    await p.runBatch({ from: 0, to: 50_000, stepMs: 1000 });
    expect(metricBatches(sink).map((b) => b.length)).toEqual([16, 16, 16, 2]);
    const vals = metricBatches(sink).flatMap((b) => patterns(b.values));
    expect(vals[7]).toBe(bitsOf(nan));
    expect(vals).toHaveLength(50);
  });

  it('refuses bad options with ERR_PLUGIN_OPTIONS naming the field, and writes after stop', async () => {
    const store = createStore();
    expect(() => storeSource(store, { batchSamples: 0 })).toThrow(/batchSamples/);
    expect(() => storeSink(store, { accepts: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS' }),
    );
    const sink = storeSink(store);
    await sink.stop?.({} as never);
    const r = await sink.write({ kind: 'alerts', alerts: [] }, {} as never);
    expect(r.ok).toBe(false);
  });

  it('replays rolled-up history as one point per bucket (avg), then the raw samples', async () => {
    const store = createStore({
      retentionMs: 3_600_000,
      rollups: [{ stepMs: 300_000, retentionMs: 86_400_000 }],
    });
    const n = 6 * 240;
    for (let i = 0; i < n; i++) store.append({ g: 'x' }, i * 15_000, i % 7);
    store.compact();
    const run = async (rollups: 'avg' | 'none') => {
      const sink = collect();
      const p = createPipeline({
        logger: silentLogger,
        sources: [storeSource(store, { rollups })],
        sinks: [sink],
      });
      await p.runBatch({ from: 0, to: n * 15_000, stepMs: 15_000 });
      return metricBatches(sink).flatMap((b) =>
        Array.from(b.timestamps, (t, i) => [t, b.values[i]!] as const),
      );
    };
    const withRollups = await run('avg');
    const rawOnly = await run('none');
    const rawStart = rawOnly[0]![0];
    expect(rawStart).toBeGreaterThan(0);
    const rolled = withRollups.filter(([t]) => t < rawStart);
    expect(rolled.length).toBeGreaterThan(0);
    for (const [t, v] of rolled) {
      expect(t % 300_000).toBe(0);
      const inBucket = Array.from({ length: n }, (_, i) => i).filter(
        (i) => i * 15_000 >= t && i * 15_000 < Math.min(t + 300_000, rawStart),
      );
      expect(v).toBeCloseTo(inBucket.reduce((a, i) => a + (i % 7), 0) / inBucket.length, 12);
    }
    expect(withRollups.filter(([t]) => t >= rawStart)).toEqual(rawOnly);
  });
});
