import { createPipeline } from '@argus/core';
import { memorySink, testContext, testSource } from '@argus/testkit';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registrySource } from '../src/index.js';
import { pollOnce } from './helpers.js';

function appRegistry() {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'api' });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'r',
    labelNames: ['code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_latency_seconds',
    help: 'l',
    buckets: [0.1, 1],
    registers: [registry],
  });
  const size = new Summary({ name: 'body_bytes', help: 's', percentiles: [0.5], registers: [registry] });
  const inflight = new Gauge({
    name: 'inflight',
    help: 'g',
    registers: [registry],
    collect() {
      this.set(3);
    },
  });
  requests.inc({ code: '200' }, 5);
  requests.inc({ code: '500' });
  latency.observe(0.5);
  size.observe(100);
  return { registry, requests, latency, size, inflight };
}

describe('registrySource', () => {
  it('turns every prom-client metric into series, histograms and summaries expanded', async () => {
    const { registry } = appRegistry();
    const { rows } = await pollOnce(registrySource({ registry, labels: { job: 'app' } }), testContext());
    const find = (name: string, more: Record<string, string> = {}) =>
      rows.find(
        (r) => r.labels['__name__'] === name && Object.entries(more).every(([k, v]) => r.labels[k] === v),
      )?.value;
    expect(find('http_requests_total', { code: '200' })).toBe(5);
    expect(rows.find((r) => r.labels['code'] === '500')!.labels).toEqual({
      __name__: 'http_requests_total',
      code: '500',
      service: 'api',
      job: 'app',
    });
    expect([
      find('http_latency_seconds_bucket', { le: '0.1' }),
      find('http_latency_seconds_bucket', { le: '1' }),
      find('http_latency_seconds_bucket', { le: '+Inf' }),
    ]).toEqual([0, 1, 1]);
    expect([find('http_latency_seconds_sum'), find('http_latency_seconds_count')]).toEqual([0.5, 1]);
    expect([find('body_bytes', { quantile: '0.5' }), find('body_bytes_count')]).toEqual([100, 1]);
    expect(find('inflight')).toBe(3);
    expect(rows).toHaveLength(2 + 5 + 3 + 1);
  });

  it('marks removed label sets and unregistered metrics stale', async () => {
    const { registry, requests } = appRegistry();
    const ctx = testContext();
    const source = registrySource({ registry });
    await pollOnce(source, ctx);
    requests.remove({ code: '500' });
    registry.removeSingleMetric('inflight');
    const { rows } = await pollOnce(source, ctx);
    expect(rows.filter((r) => r.stale).map((r) => [r.labels['__name__'], r.labels['code']])).toEqual([
      ['http_requests_total', '500'],
      ['inflight', undefined],
    ]);
  });

  it("defaults to prom-client's global register: zero configuration", async () => {
    const { register } = await import('prom-client');
    const g = new Gauge({ name: 'argus_zero_config_probe', help: 'p' });
    g.set(42);
    try {
      const { rows } = await pollOnce(registrySource({}), testContext());
      expect(rows.find((r) => r.labels['__name__'] === 'argus_zero_config_probe')?.value).toBe(42);
    } finally {
      register.removeSingleMetric('argus_zero_config_probe');
    }
  });

  it('feeds a real pipeline', async () => {
    const { registry } = appRegistry();
    const sink = memorySink();
    const pipeline = createPipeline({
      sources: [{ use: registrySource({ registry }), intervalMs: 50 }],
      sinks: [{ use: sink }],
    });
    await pipeline.start();
    try {
      const until = Date.now() + 5_000;
      while (sink.samples().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(
        sink.samples().some((s) => s.labels['__name__'] === 'http_requests_total' && s.value === 5),
      ).toBe(true);
    } finally {
      await pipeline.stop();
    }
  });

  it('refuses something that is not a registry, naming the field', () => {
    expect(() => registrySource({ registry: {} as never })).toThrow(
      expect.objectContaining({
        code: 'ERR_PLUGIN_OPTIONS',
        message: expect.stringContaining('- registry: a prom-client Registry'),
      }),
    );
  });
});

testSource(() => registrySource({ registry: appRegistry().registry, intervalMs: 1000 }), {
  title: '@argus/source-prometheus registrySource',
  capabilities: { poll: true },
  badOptions: () => registrySource({ intervalMs: -1 }),
});
