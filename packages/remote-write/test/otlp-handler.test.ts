// The OTLP/HTTP receiver's answers as the OTLP/HTTP spec wants them (status codes, Status bodies, partial success),
// the OTel→Prometheus mapping details the exporter test does not reach (summaries, no-recorded-value, collisions,
// JSON forms), and the push source under @argus/testkit's source contract.
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createSeriesRegistry, type MetricBatch, pushListener, type Source } from '@argus/core';
import { testSource } from '@argus/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createOtlpHandler,
  type OtlpReceiver,
  otlpLabelName,
  otlpMetricName,
  otlpReceiver,
} from '../src/index.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
function post(url: string, body: Uint8Array | string, headers: Record<string, string> = {}, method = 'POST') {
  return new Promise<Reply>((resolve, reject) => {
    const h = { 'content-type': 'application/json', ...headers };
    const req = request(url, { method, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const NOW = 1_700_000_000_000;
const series = createSeriesRegistry();
let batches: MetricBatch[] = [];
let accepting = true;
let url = '';
let stop: () => Promise<void> = async () => {};

// the handler is mounted through the package's own listener, started with a minimal context; the handler keeps
// its own emit (the listener's would answer false until a pipeline calls listen())
beforeAll(async () => {
  const l = pushListener({
    name: 'otlp-test',
    listen: { host: '127.0.0.1', port: 0 },
    path: '/v1/metrics',
    protocol: 'OTLP/HTTP metrics',
    handler: () =>
      createOtlpHandler({
        series,
        emit: async (b) => {
          if (accepting) batches.push(b);
          return accepting;
        },
        maxBodyBytes: 4096,
        maxDecodedBytes: 16_384,
        token: 'sixteen-chars-ok',
        now: () => NOW,
      }),
  });
  const noop = (): void => {};
  const log = { debug: noop, info: noop, warn: noop, error: noop, child: () => log };
  await l.start!({ series, log, clock: { now: () => NOW } } as never);
  url = l.url()!;
  stop = async () => l.stop!({ signal: new AbortController().signal } as never);
});
afterAll(() => stop());
beforeEach(() => {
  batches = [];
  accepting = true;
});

const auth = { authorization: 'Bearer sixteen-chars-ok' };
const json = (o: unknown): string => JSON.stringify(o);

function samples(): Record<string, number | 'stale'> {
  const out: Record<string, number | 'stale'> = {};
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const { __name__, ...rest } = series.labels(b.series[i]!) as Record<string, string>;
      const labels = Object.entries(rest)
        .sort(([a], [c]) => (a < c ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      out[`${__name__}{${labels}}@${b.timestamps[i]}`] = b.stale?.[i] ? 'stale' : b.values[i]!;
    }
  }
  return out;
}

const request1 = (metrics: unknown[], resource: unknown[] = []): string =>
  json({ resourceMetrics: [{ resource: { attributes: resource }, scopeMetrics: [{ scope: {}, metrics }] }] });

describe('createOtlpHandler: OTLP/HTTP status codes and bodies', () => {
  it('a bad body is a 400 with a google.rpc.Status (INVALID_ARGUMENT) in the request encoding', async () => {
    const r = await post(url, json({ resourceMetrics: [{ scopeMetrics: 'x' }] }), auth);
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body.toString())).toEqual({
      code: 3,
      message: 'invalid OTLP/JSON at $.resourceMetrics[0].scopeMetrics: expected an array',
    });
    const p = await post(url, new Uint8Array([0x0a, 0x50, 1]), {
      ...auth,
      'content-type': 'application/x-protobuf',
    });
    expect(p.status).toBe(400);
    expect(p.headers['content-type']).toBe('application/x-protobuf');
    // Status { code = 1: 3; message = 2: "malformed ExportMetricsServiceRequest at byte 2: length 80 past the end" }
    const message = 'malformed ExportMetricsServiceRequest at byte 2: length 80 past the end';
    expect([...p.body]).toEqual([0x08, 3, 0x12, message.length, ...Buffer.from(message)]);
    expect((await post(url, '{not json', auth)).status).toBe(400);
    expect(batches).toEqual([]);
  });

  it('415 for another Content-Type or Content-Encoding, 405 for GET, 413 past the limits', async () => {
    expect((await post(url, '{}', { ...auth, 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(url, '{}', { ...auth, 'content-encoding': 'br' })).status).toBe(415);
    const get = await post(url, '', auth, 'GET');
    expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
    expect((await post(url, 'x'.repeat(5000), auth)).status).toBe(413);
    // 20 kB of JSON gzips far below maxBodyBytes but is over maxDecodedBytes once inflated
    const bomb = gzipSync(request1([{ name: 'x'.repeat(20_000) }]));
    expect(bomb.length).toBeLessThan(4096);
    expect((await post(url, bomb, { ...auth, 'content-encoding': 'gzip' })).status).toBe(413);
  });

  it('401 without the bearer token, 403 with a wrong one', async () => {
    expect((await post(url, '{}')).status).toBe(401);
    expect((await post(url, '{}', { authorization: 'Bearer wrong-token-16-chars' })).status).toBe(403);
  });

  it('503 with Retry-After and an UNAVAILABLE Status while the pipeline is not accepting', async () => {
    accepting = false;
    const r = await post(url, request1([{ name: 'up', gauge: { dataPoints: [{ asDouble: 1 }] } }]), auth);
    expect([r.status, r.headers['retry-after'], JSON.parse(r.body.toString()).code]).toEqual([503, '1', 14]);
  });

  it('200 with an empty response when everything was taken; partial success names what was not', async () => {
    const ok = await post(url, request1([{ name: 'up', gauge: { dataPoints: [{ asDouble: 1 }] } }]), auth);
    expect([ok.status, ok.body.toString()]).toEqual([200, '{}']);
    const partial = await post(
      url,
      request1([
        { name: 'up', gauge: { dataPoints: [{ asDouble: 1 }] } },
        { name: 'latency', exponentialHistogram: { dataPoints: [{}, {}] } },
        {
          name: 'bad',
          histogram: { aggregationTemporality: 2, dataPoints: [{ bucketCounts: [1], explicitBounds: [1] }] },
        },
      ]),
      auth,
    );
    expect(partial.status).toBe(200);
    expect(JSON.parse(partial.body.toString())).toEqual({
      partialSuccess: {
        rejectedDataPoints: '3',
        errorMessage:
          'exponential histograms are not supported: use explicit-bucket histograms (e.g. metric "latency"); ' +
          'a histogram point with bucket_counts not one longer than explicit_bounds (e.g. metric "bad")',
      },
    });
    expect(batches.map((b) => b.length)).toEqual([1, 1]); // the gauge of each request, nothing else
    expect(Object.keys(samples())).toEqual([`up{}@${NOW}`]);
  });
});

describe('OTLP → series mapping', () => {
  it('summaries, no-recorded-value points (stale), int64 strings and nanosecond timestamps', async () => {
    const t = '1700000000123456789'; // ns: 1700000000123.456789 ms, rounds to …123
    const r = await post(
      url,
      request1(
        [
          {
            name: 'rpc.duration',
            unit: 'ms',
            summary: {
              dataPoints: [
                {
                  timeUnixNano: t,
                  count: '10',
                  sum: 42.5,
                  quantileValues: [
                    { quantile: 0.5, value: 3 },
                    { quantile: 0.99, value: 'Infinity' },
                  ],
                },
              ],
            },
          },
          {
            name: 'jobs.done',
            sum: {
              aggregationTemporality: 2,
              isMonotonic: true,
              dataPoints: [
                {
                  timeUnixNano: t,
                  asInt: '9007199254740991',
                  attributes: [{ key: 'queue', value: { stringValue: 'a' } }],
                },
                { timeUnixNano: t, flags: 1, attributes: [{ key: 'queue', value: { stringValue: 'b' } }] },
              ],
            },
          },
        ],
        [{ key: 'service.name', value: { stringValue: 'worker' } }],
      ),
      auth,
    );
    expect(r.status).toBe(200);
    const at = 1_700_000_000_123;
    expect(samples()).toEqual({
      [`rpc_duration_milliseconds{job=worker,quantile=0.5}@${at}`]: 3,
      [`rpc_duration_milliseconds{job=worker,quantile=0.99}@${at}`]: Number.POSITIVE_INFINITY,
      [`rpc_duration_milliseconds_count{job=worker}@${at}`]: 10,
      [`rpc_duration_milliseconds_sum{job=worker}@${at}`]: 42.5,
      [`jobs_done_total{job=worker,queue=a}@${at}`]: 9_007_199_254_740_991,
      [`jobs_done_total{job=worker,queue=b}@${at}`]: 'stale',
    });
  });

  it('attribute values of every AnyValue kind become strings; keys that collide once sanitized are joined', async () => {
    const attributes = [
      { key: 'a.b', value: { stringValue: 'dot' } },
      { key: 'a-b', value: { intValue: '7' } },
      { key: 'ok', value: { boolValue: true } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'list', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 2 }] } } },
      { key: '2xx', value: { bytesValue: Buffer.from('hi').toString('base64') } },
    ];
    await post(url, request1([{ name: 'm', gauge: { dataPoints: [{ asDouble: 1, attributes }] } }]), auth);
    expect(Object.keys(samples())).toEqual([
      `m{a_b=7;dot,key_2xx=aGk=,list=["x",2],ok=true,ratio=0.5}@${NOW}`,
    ]);
  });

  it.each([
    ['http.server.duration', 's', 'other', 'http_server_duration_seconds'],
    ['process.runtime.heap', 'By', 'gauge', 'process_runtime_heap_bytes'],
    ['net.io', 'By/s', 'counter', 'net_io_bytes_per_second_total'],
    ['requests', '{request}', 'counter', 'requests_total'],
    ['requests_total', '1', 'counter', 'requests_total'],
    ['cpu.utilization', '1', 'gauge', 'cpu_utilization_ratio'],
    ['latency_seconds', 's', 'gauge', 'latency_seconds'],
    ['9lives', '', 'gauge', '_9lives'],
  ] as const)('otlpMetricName(%s, %s, %s) = %s', (name, unit, kind, expected) => {
    expect(otlpMetricName(name, unit, kind)).toBe(expected);
  });

  it('label names: invalid characters become _, a leading digit gets key_', () => {
    expect([otlpLabelName('http.method'), otlpLabelName('2xx'), otlpLabelName('ok_1')]).toEqual([
      'http_method',
      'key_2xx',
      'ok_1',
    ]);
  });
});

testSource(() => otlpReceiver({ listen: { port: 0 } }), {
  title: 'otlpReceiver',
  capabilities: { listen: true },
  // a POST racing the suite's stop() may find the listener closed: nothing was emitted then, which the suite's
  // count comparison covers; any other failure fails the case
  produce: (s: Source) =>
    post(
      (s as OtlpReceiver).url()!,
      request1([{ name: 'up', gauge: { dataPoints: [{ asDouble: 1 }, { asDouble: 2 }, { asDouble: 3 }] } }]),
    ).then(
      () => {},
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ECONNREFUSED') throw err;
      },
    ),
  badOptions: () => otlpReceiver({ path: 'v1/metrics' }),
});
