import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Alert,
  type Alerter,
  createPipeline,
  type Detector,
  fingerprint,
  newFindingId,
  type Pipeline,
} from '@argus/core';
import { manualSource, memorySink, testContext } from '@argus/testkit';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { argusExporter, metricsHandler, parseExposition, scrapeSource } from '../src/index.js';
import { byName, pollOnce } from './helpers.js';

// A detector that scores values above 10 with an expected band of [0, 10], and an alerter that fires one
// alert per anomalous series and resolves it when a normal value comes: small, real plugins.
const threshold: Detector = {
  kind: 'detector',
  name: 'threshold',
  apiVersion: 1,
  detect(batch) {
    const out = [];
    for (let i = 0; i < batch.length; i++) {
      const value = batch.values[i]!;
      out.push({
        id: newFindingId(),
        series: batch.series[i]!,
        timestamp: batch.timestamps[i]!,
        value,
        score: value > 10 ? 0.9 : 0.1,
        kind: 'spike' as const,
        expected: { value: 5, lower: 0, upper: 10 },
        detector: 'threshold',
        explanation: 'test',
      });
    }
    return out;
  },
};
const alerter: Alerter = {
  kind: 'alerter',
  name: 'alerts',
  apiVersion: 1,
  evaluate(input, ctx) {
    return (input.findings ?? []).map((f): Alert => {
      const labels = { alertname: 'Anomaly', instance: ctx.series.labels(f.series)['instance'] ?? '' };
      const firing = f.score > 0.5;
      return {
        labels,
        annotations: {},
        state: firing ? 'firing' : 'resolved',
        startsAt: 1_700_000_000_000,
        ...(firing ? {} : { endsAt: f.timestamp }),
        fingerprint: fingerprint(labels),
        origin: 'alerts',
      };
    });
  },
};

let pipeline: Pipeline | undefined;
let server: Server | undefined;
afterEach(async () => {
  await pipeline?.stop();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  pipeline = undefined;
  server = undefined;
});

async function setup(registry: Registry = new Registry()) {
  const source = manualSource({ name: 'feed' });
  pipeline = createPipeline({
    sources: [source],
    detectors: [threshold],
    alerters: [alerter],
    sinks: [memorySink()],
  });
  const exporter = argusExporter(pipeline, { registry });
  await pipeline.start();
  server = createServer(metricsHandler(registry));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  return { source, exporter, url, registry };
}

describe('argusExporter', () => {
  it('exports plugin counters, anomaly scores with the expected band, and ALERTS; our parser reads it all', async () => {
    const { source, url } = await setup();
    await source.pushSamples([
      { labels: { __name__: 'latency_ms', instance: 'a' }, value: 50 },
      { labels: { __name__: 'latency_ms', instance: 'b' }, value: 3 },
    ]);
    const page = await (await fetch(url)).text();
    const { samples, metadata } = parseExposition(page);
    const get = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(get('argus_plugin_received_total', { plugin: 'threshold', kind: 'detector' })[0]!.value).toBe(2);
    expect(metadata.get('argus_plugin_received_total')?.type).toBe('counter');
    expect(get('argus_anomaly_score').map((s) => [s.labels, s.value])).toEqual([
      [{ metric_name: 'latency_ms', instance: 'a', detector: 'threshold' }, 0.9],
      [{ metric_name: 'latency_ms', instance: 'b', detector: 'threshold' }, 0.1],
    ]);
    expect(get('argus_expected_upper', { instance: 'a' })[0]!.value).toBe(10);
    expect(get('ALERTS').map((s) => s.labels)).toEqual([
      { alertname: 'Anomaly', instance: 'a', alertstate: 'firing' },
    ]);
    expect(get('ALERTS_FOR_STATE')[0]!.value).toBe(1_700_000_000);
    expect(get('argus_series_active')[0]!.value).toBe(2);

    await source.pushSamples([{ labels: { __name__: 'latency_ms', instance: 'a' }, value: 4 }]);
    const after = parseExposition(await (await fetch(url)).text()).samples;
    expect(after.filter((s) => s.name === 'ALERTS')).toEqual([]);
  });

  it('is scraped by scrapeSource like any target', async () => {
    const { source, url } = await setup();
    await source.pushSamples([{ labels: { __name__: 'latency_ms', instance: 'a' }, value: 50 }]);
    const { rows, warnings } = await pollOnce(scrapeSource({ targets: [url], job: 'argus' }), testContext());
    expect(warnings).toEqual([]);
    expect(byName(rows, 'up')[0]!.value).toBe(1);
    expect(byName(rows, 'argus_anomaly_score')[0]!.labels).toMatchObject({
      job: 'argus',
      metric_name: 'latency_ms',
      instance: new URL(url).host,
      exported_instance: 'a',
    });
  });

  it('serves OpenMetrics when the registry does, which scrapeSource negotiates and parses', async () => {
    const openMetrics = new Registry();
    openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
    const { source, url, exporter } = await setup(openMetrics);
    await source.pushSamples([{ labels: { __name__: 'latency_ms', instance: 'a' }, value: 50 }]);
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    const page = await res.text();
    expect(page.endsWith('# EOF\n')).toBe(true);
    const { rows, warnings } = await pollOnce(scrapeSource({ targets: [url] }), testContext());
    expect(warnings).toEqual([]);
    expect(byName(rows, 'argus_plugin_received_total').map((r) => r.labels['plugin'])).toEqual(
      expect.arrayContaining(['feed', 'threshold']),
    );
    exporter.stop();
    expect(await exporter.registry.metrics()).toBe('\n# EOF\n');
  });

  it('stop() unregisters its metrics; the handler refuses other methods', async () => {
    const { exporter, registry, url } = await setup();
    exporter.stop();
    expect(await registry.metrics()).not.toContain('argus_');
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
  });
});
