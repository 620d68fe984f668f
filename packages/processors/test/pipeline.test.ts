import {
  createPipeline,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  memoryStateStore,
  type SinkBatch,
  silentLogger,
} from '@argus/core';
import { manualSource, memorySink } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { aggregate, downsample, filter, rate, relabel } from '../src/index.js';

/** The metric batches among what a sink collected, in order. */
const metricBatches = (batches: readonly SinkBatch[]): MetricBatch[] =>
  batches.flatMap((b) => (b.kind === 'metrics' ? [b] : []));

const requests = (instance: string, job = 'api'): Labels => ({
  __name__: 'http_requests_total',
  job,
  instance,
});

describe('processors inside a real pipeline', () => {
  it('filter → relabel → rate → aggregate, with open windows flushed at stop', async () => {
    const src = manualSource({ name: 'push' });
    const sink = memorySink({ name: 'collect', accepts: ['metrics'] });
    const pipeline = createPipeline({
      logger: silentLogger,
      sources: [src],
      processors: [
        filter({ match: 'http_requests_total{job!="batch"}' }),
        relabel({ rules: [{ source_labels: ['instance'], regex: '([^:]+):.*', target_label: 'host' }] }),
        rate({ mode: 'increase' }),
        aggregate({ op: 'sum', by: ['job'], stepMs: 10_000 }),
      ],
      sinks: [sink],
    });
    await pipeline.start();
    const emitRows = async (rows: [Labels, number, number][]) => {
      const b = new MetricBatchBuilder();
      for (const [l, t, v] of rows) b.pushLabels(pipeline.series, l, t, v);
      await src.push(b.build());
    };
    await emitRows([
      [requests('web-1:80'), 0, 100],
      [requests('web-2:80'), 0, 10],
      [requests('cron:80', 'batch'), 0, 1],
    ]);
    await emitRows([
      [requests('web-1:80'), 5000, 110],
      [requests('web-2:80'), 5000, 15],
      [requests('cron:80', 'batch'), 5000, 1000],
    ]);
    await emitRows([
      [requests('web-1:80'), 10_000, 130],
      [requests('web-2:80'), 10_000, 3],
    ]);
    await pipeline.stop();

    const rows = metricBatches(sink.batches).flatMap((b) =>
      Array.from(b.series, (id, i) => [pipeline.series.labels(id), b.timestamps[i], b.values[i]]),
    );
    // step 0: increases 10 + 5; step 10000 (flushed at stop): 20 + 3 (web-2's counter reset)
    expect(rows).toEqual([
      [{ job: 'api' }, 0, 15],
      [{ job: 'api' }, 10_000, 23],
    ]);
    expect(pipeline.stats().plugins['filter']).toMatchObject({ received: 8, sent: 6 });
  });

  it('restores rate state saved at stop into the next pipeline', async () => {
    const state = memoryStateStore();
    const run = async (t: number, v: number) => {
      const src = manualSource({ name: 'push' });
      const sink = memorySink({ name: 'collect', accepts: ['metrics'] });
      const p = createPipeline({
        logger: silentLogger,
        state,
        sources: [src],
        processors: [rate({}), downsample({ stepMs: 60_000, fn: 'last', name: 'ds' })],
        sinks: [sink],
      });
      await p.start();
      const b = new MetricBatchBuilder();
      // a series only this run has, interned first, so ids differ between the runs
      b.pushLabels(p.series, { other: String(t) }, t, 0);
      b.pushLabels(p.series, requests('web-1:80'), t, v);
      await src.push(b.build());
      await p.stop();
      return metricBatches(sink.batches).flatMap((x) => Array.from(x.values));
    };
    expect(await run(0, 100)).toEqual([]);
    // 60 more requests in 30 s, seen across a restart; downsample stamps the window start
    expect(await run(30_000, 160)).toEqual([2]);
  });
});
