// remoteWriteSink into a real VictoriaMetrics 1.79 (single node): every sample read back equal through its raw
// export API and, as backtests and reports read the long-term store, through @argus/source-prometheus's history
// API and its PromQL source (batch mode) over VictoriaMetrics' Prometheus-compatible query API. Then
// VictoriaMetrics down for a while under a running pipeline: what fits the sink's buffer is delivered once it is
// back, what does not is dropped and counted.
import { createPipeline, createSeriesRegistry, type MetricBatch } from '@argus/core';
import { prometheusHistory, prometheusSource } from '@argus/source-prometheus';
import {
  batchFromRows,
  describeWithBinary,
  manualSource,
  type RunningServer,
  rowsOf,
  type SampleRow,
  startVictoriaMetrics,
  testContext,
  waitUntil,
} from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { remoteWriteSink } from '../src/index.js';

interface Exported {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/** Raw samples as stored (`/api/v1/export`), after flushing what is still in memory. */
async function exported(vm: RunningServer, selector: string): Promise<Exported[]> {
  await fetch(`${vm.url}/internal/force_flush`);
  const u = `${vm.url}/api/v1/export?match[]=${encodeURIComponent(selector)}&start=0`;
  const text = await (await fetch(u)).text();
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Exported);
}

// one sample per series every 15 s, whole minutes back so they fall on the history API's steps
function rows(name: string, series: number, samples: number, t0: number): SampleRow[] {
  const out: SampleRow[] = [];
  for (let k = 0; k < samples; k++)
    for (let s = 0; s < series; s++)
      out.push({
        labels: { __name__: name, job: 'rw', instance: `i${s}` },
        timestamp: t0 + k * 15_000,
        value: s * 1000 + k + (s % 3 === 0 ? 0.125 : 0),
      });
  return out;
}

const byInstance = (written: readonly SampleRow[], instance: string) =>
  written.filter((w) => w.labels['instance'] === instance);

describeWithBinary(
  [{ bin: 'victoria-metrics', pkg: 'victoria-metrics' }],
  'remoteWriteSink into a real VictoriaMetrics 1.79',
  () => {
    let vm: RunningServer;
    beforeAll(async () => {
      vm = await startVictoriaMetrics();
    });
    afterAll(async () => {
      await vm?.stop();
    });

    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000;
    const written = rows('argus_vm_test', 200, 20, t0);

    it('every sample arrives, equal, in requests of maxSamplesPerSend with several in flight', async () => {
      const series = createSeriesRegistry();
      const sink = remoteWriteSink({
        url: `${vm.url}/api/v1/write`,
        maxSamplesPerSend: 700,
        concurrency: 4,
        externalLabels: { replica: 'a' },
      });
      expect(await sink.write(batchFromRows(series, written), testContext({ series }))).toEqual({ ok: true });
      const got = await exported(vm, 'argus_vm_test');
      expect(got).toHaveLength(200);
      for (const m of got) {
        const instance = m.metric['instance']!;
        expect(m.metric).toEqual({ __name__: 'argus_vm_test', job: 'rw', instance, replica: 'a' });
        const want = byInstance(written, instance);
        expect(m.timestamps).toEqual(want.map((w) => w.timestamp));
        expect(m.values).toEqual(want.map((w) => w.value));
      }
    });

    it('the history API reads the same samples back through the Prometheus-compatible query API', async () => {
      const history = prometheusHistory({ endpoint: vm.url });
      const got = await history.range({
        matchers: 'argus_vm_test{job="rw"}',
        from: t0,
        to: t0 + 20 * 15_000,
        stepMs: 15_000,
        agg: 'last',
      });
      expect(got).toHaveLength(200);
      for (const s of got) {
        const want = byInstance(written, s.labels['instance']!);
        expect(s.labels).toMatchObject({ __name__: 'argus_vm_test', job: 'rw', replica: 'a' });
        expect([...s.timestamps]).toEqual(want.map((w) => w.timestamp));
        expect([...s.values]).toEqual(want.map((w) => w.value));
      }
    });

    it('the PromQL source reads them back too, in batch mode (what a backtest over the long-term store runs)', async () => {
      const series = createSeriesRegistry();
      const source = prometheusSource({ endpoint: vm.url, queries: ['argus_vm_test{job="rw"}'] });
      const range = { from: t0, to: t0 + 20 * 15_000, stepMs: 15_000 }; // [from, to): the 20 samples
      const got: SampleRow[] = [];
      for await (const b of source.readRange!(range, testContext({ series })))
        got.push(...rowsOf(series, b as MetricBatch));
      expect(got).toHaveLength(written.length);
      for (const instance of ['i0', 'i1', 'i57', 'i199']) {
        const mine = got.filter((g) => g.labels['instance'] === instance);
        expect(mine.map((g) => g.labels)).toEqual(
          mine.map(() => ({ __name__: 'argus_vm_test', job: 'rw', instance, replica: 'a' })),
        );
        const want = byInstance(written, instance);
        expect(mine.map((g) => [g.timestamp, g.value])).toEqual(want.map((w) => [w.timestamp, w.value]));
      }
    });
  },
);

describeWithBinary(
  [{ bin: 'victoria-metrics', pkg: 'victoria-metrics' }],
  'remoteWriteSink in a pipeline while VictoriaMetrics is down',
  () => {
    let vm: RunningServer | undefined;
    afterAll(async () => {
      await vm?.stop();
    });

    it('queues up to the buffer bound, delivers it once VictoriaMetrics is back, and counts the drops', async () => {
      const first = await startVictoriaMetrics();
      const source = manualSource();
      const maxBatches = 4;
      const pipeline = createPipeline({
        sources: [source],
        sinks: [
          {
            use: remoteWriteSink({ url: `${first.url}/api/v1/write` }),
            buffer: { maxBatches, whenFull: 'dropOldest' },
            maxRetries: 1_000,
          },
        ],
      });
      // drop events come once per burst (summed after it); the exact total is in the stats and, at stop, the events
      let dropEvents = 0;
      pipeline.on('dropped', (e) => (dropEvents += e.count));
      await pipeline.start();
      await first.stop();
      // 10 batches of 3 series: one in flight (retrying), maxBatches − 1 behind it, the rest dropped as newer ones come
      const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
      const batches = Array.from({ length: 10 }, (_, b) =>
        rows('argus_vm_outage', 3, 1, t0 + b * 15_000).map((r) => ({ ...r, value: b })),
      );
      for (const b of batches) expect(await source.pushSamples(b)).toBe(true);
      const dropped = () => pipeline.stats().plugins['remote-write']!.dropped;
      expect(dropped()).toBe(3 * (10 - maxBatches));
      vm = await startVictoriaMetrics({ port: first.port });
      const want = 3 * maxBatches;
      let got: Exported[] = [];
      await waitUntil('the queued batches to arrive', async () => {
        got = await exported(vm!, 'argus_vm_outage');
        return got.reduce((n, m) => n + m.values.length, 0) >= want;
      });
      await pipeline.stop({ timeoutMs: 10_000 });
      expect(dropEvents).toBe(dropped());
      got = await exported(vm, 'argus_vm_outage');
      expect(got.reduce((n, m) => n + m.values.length, 0)).toBe(want);
      // what arrived is the batch that was in flight and the newest ones: each exactly as written
      const delivered = [batches[0]!, ...batches.slice(10 - (maxBatches - 1))].flat();
      for (const m of got) {
        const want = byInstance(delivered, m.metric['instance']!);
        expect(m.timestamps).toEqual(want.map((w) => w.timestamp));
        expect(m.values).toEqual(want.map((w) => w.value));
      }
    }, 90_000);
  },
);
