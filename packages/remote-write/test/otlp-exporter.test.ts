// The OTLP/HTTP receiver fed by OpenTelemetry JS's own metrics exporters (protobuf and JSON), as an instrumented
// service would feed it: every recorded value arrives under the Prometheus-compatible name and labels; delta
// temporality comes back as a partial success the exporter reports; a 503 is retried and nothing is lost.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSeriesRegistry, type MetricBatch } from '@argus/core';
import { type DiagLogger, DiagLogLevel, diag, ValueType } from '@opentelemetry/api';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOtlpHandler } from '../src/index.js';

const series = createSeriesRegistry();
let batches: MetricBatch[] = [];
let refuseNext = 0; // how many emits answer false (the pipeline not accepting) before accepting again
let server: Server;
let url = '';
const warnings: string[] = [];
let sent: string[] = []; // Content-Type and Content-Encoding of each request, to see what the exporter sent

beforeAll(async () => {
  const handler = createOtlpHandler({
    series,
    emit: async (b) => {
      if (refuseNext > 0) {
        refuseNext--;
        return false;
      }
      batches.push(b);
      return true;
    },
    now: () => 1_700_000_000_000,
  });
  server = createServer((req, res) => {
    sent.push(`${req.headers['content-type']} ${req.headers['content-encoding'] ?? 'identity'}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  const logger: DiagLogger = {
    error: (m) => warnings.push(m),
    warn: (m, ...args) => warnings.push(`${m} ${args.join(' ')}`),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, DiagLogLevel.WARN);
});
afterAll(() => {
  diag.disable();
  return new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  batches = [];
  refuseNext = 0;
  warnings.length = 0;
  sent = [];
});

/** Every sample received, as `name{label="v",…} value` lines with labels sorted, `job`/`instance` included. */
function received(): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const { __name__, ...labels } = series.labels(b.series[i]!) as Record<string, string>;
      // the SDK's own resource attributes (telemetry_sdk_*) change with its version: left out
      const l = Object.entries(labels).filter(([k]) => !k.startsWith('telemetry_sdk'));
      out.set(key(__name__!, Object.fromEntries(l)), b.values[i]!);
    }
  }
  return out;
}

interface Setup {
  provider: MeterProvider;
  reader: PeriodicExportingMetricReader;
}
let open: Setup | undefined;
afterEach(async () => {
  await open?.provider.shutdown().catch(() => {});
  open = undefined;
});

function setup(exporter: PushMetricExporter): Setup {
  // the interval is long so only forceFlush() exports: the test decides when a request goes out
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.namespace': 'shop',
      'service.instance.id': 'pod-1',
      'deployment.environment': 'test',
    }),
    readers: [reader],
  });
  open = { provider, reader };
  return open;
}

function record(provider: MeterProvider): void {
  const meter = provider.getMeter('cart', '1.2.0');
  const requests = meter.createCounter('http.requests', { unit: '{request}', valueType: ValueType.INT });
  requests.add(3, { 'http.method': 'GET' });
  requests.add(2, { 'http.method': 'POST' });
  const duration = meter.createHistogram('http.server.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 0.5, 1] },
  });
  for (const v of [0.05, 0.25, 0.25, 2]) duration.record(v, { route: '/cart' });
  const queue = meter.createUpDownCounter('queue.size', { unit: '{item}' });
  queue.add(5);
  queue.add(-2);
  meter.createGauge('cpu.utilization', { unit: '1' }).record(0.42, { cpu: '0' });
}

const target = { instance: 'pod-1', job: 'shop/checkout' };
const scope = { ...target, otel_scope_name: 'cart', otel_scope_version: '1.2.0' };
/** The key received() gives a series: its name, then its labels sorted. */
const key = (name: string, labels: Record<string, string>): string =>
  `${name}{${Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

describe.each([
  [
    'application/x-protobuf identity',
    (o: ConstructorParameters<typeof ProtoExporter>[0]) => new ProtoExporter(o),
  ],
  ['application/json identity', (o: ConstructorParameters<typeof JsonExporter>[0]) => new JsonExporter(o)],
  [
    'application/json gzip',
    (o: ConstructorParameters<typeof JsonExporter>[0]) =>
      // CompressionAlgorithm.GZIP is 'gzip'; its enum lives in otlp-exporter-base, not a dependency here
      new JsonExporter({ ...o, compression: 'gzip' as never }),
  ],
])('OpenTelemetry JS exporter (%s) → createOtlpHandler', (encoding, exporter) => {
  it('every value arrives under the Prometheus-compatible name and labels', async () => {
    const { provider, reader } = setup(exporter({ url }));
    record(provider);
    await reader.forceFlush();
    expect(sent).toEqual([encoding]);
    expect(batches).toHaveLength(1);
    const got = received();
    expect(Object.fromEntries([...got].filter(([k]) => !k.startsWith('target_info')))).toEqual({
      [key('http_requests_total', { ...scope, http_method: 'GET' })]: 3,
      [key('http_requests_total', { ...scope, http_method: 'POST' })]: 2,
      [key('http_server_duration_seconds_bucket', { ...scope, le: '0.1', route: '/cart' })]: 1,
      [key('http_server_duration_seconds_bucket', { ...scope, le: '0.5', route: '/cart' })]: 3,
      [key('http_server_duration_seconds_bucket', { ...scope, le: '1', route: '/cart' })]: 3,
      [key('http_server_duration_seconds_bucket', { ...scope, le: '+Inf', route: '/cart' })]: 4,
      [key('http_server_duration_seconds_count', { ...scope, route: '/cart' })]: 4,
      [key('http_server_duration_seconds_sum', { ...scope, route: '/cart' })]: 2.55,
      [key('queue_size', scope)]: 3,
      [key('cpu_utilization_ratio', { ...scope, cpu: '0' })]: 0.42,
    });
    // the other resource attributes ride on target_info, keyed by job and instance like Prometheus's receiver
    expect(got.get(key('target_info', { ...target, deployment_environment: 'test' }))).toBe(1);
    // timestamps are the SDK's collection time, not the receiver's clock
    expect(batches[0]!.timestamps.every((t) => Math.abs(t - Date.now()) < 600_000)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('delta temporality: the exporter is told the points were rejected (partial success), the rest is kept', async () => {
    const { provider, reader } = setup(
      exporter({ url, temporalityPreference: AggregationTemporalityPreference.DELTA }),
    );
    record(provider);
    await reader.forceFlush();
    // counters and histograms are delta now: 2 + 1 points rejected; the up-down counter and gauge stay cumulative
    expect([...received().keys()].filter((k) => !k.startsWith('target_info')).sort()).toEqual([
      key('cpu_utilization_ratio', { ...scope, cpu: '0' }),
      key('queue_size', scope),
    ]);
    const partial = warnings.find((w) => w.includes('Partial Success'));
    expect(partial).toContain('delta temporality is not supported');
    expect(partial).toMatch(/"rejectedDataPoints":"?3"?/);
  });

  it('a 503 (pipeline not accepting) is retried by the exporter and the batch arrives once', async () => {
    const { provider, reader } = setup(exporter({ url }));
    record(provider);
    refuseNext = 1;
    await reader.forceFlush();
    expect(refuseNext).toBe(0); // the refusal happened
    expect(batches).toHaveLength(1);
    expect(received().get(key('http_requests_total', { ...scope, http_method: 'GET' }))).toBe(3);
  });
});
