import { type Clock, type MetricBatch, systemClock, type TimeRange } from '@argus/core';
import { testContext, testSource } from '@argus/testkit';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planChunks } from '../src/api/range.js';
import {
  createPrometheusClient,
  PrometheusApiError,
  prometheusEvaluator,
  prometheusSource,
} from '../src/index.js';
import { type FakePrometheus, fakePrometheus } from './fake-prometheus.js';
import { pollOnce, rows } from './helpers.js';

let prom: FakePrometheus;
beforeEach(async () => {
  prom = await fakePrometheus();
});
afterEach(() => prom.close());

async function rejection(p: Promise<unknown>): Promise<PrometheusApiError> {
  try {
    await p;
  } catch (err) {
    return err as PrometheusApiError;
  }
  throw new Error('expected a rejection');
}

describe('createPrometheusClient', () => {
  it('parses NaN/+Inf/-Inf strings, scalars and warnings', async () => {
    const client = createPrometheusClient({ endpoint: prom.url });
    const r = await client.query('special', 1_700_000_000_500);
    expect(r.series.map((s) => s.values[0])).toEqual([Number.NaN, Infinity, -Infinity, 0.3]);
    expect(r.series[0]!.timestamps).toEqual([1_700_000_000_500]);
    expect(r.warnings).toEqual(['partial data: remote read timed out']);
    expect(prom.calls[0]!.params.get('time')).toBe('1700000000.500');
    const scalar = await client.query('scalar(1)', 1_000);
    expect(scalar.series).toEqual([{ labels: {}, timestamps: [1000], values: [1] }]);
  });

  it('reports errors with the query, the errorType and the status, and does not retry bad_data', async () => {
    const client = createPrometheusClient({ endpoint: prom.url, retries: 3, backoffMs: 1 });
    const err = await rejection(client.query('sum(up', 1));
    expect(err).toBeInstanceOf(PrometheusApiError);
    expect(err.message).toBe(
      'query "sum(up" failed: bad_data: invalid parameter "query": 1:5: parse error: unclosed left parenthesis (HTTP 400)',
    );
    expect([err.errorType, err.status, err.retryable, prom.calls.length]).toEqual([
      'bad_data',
      400,
      false,
      1,
    ]);
  });

  it('retries 503 timeouts and proxy errors with backoff, then succeeds', async () => {
    prom.script.push(
      (res) =>
        res
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"status":"error","errorType":"timeout","error":"query timed out"}'),
      (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>'),
      (res) => res.socket?.destroy(),
    );
    const client = createPrometheusClient({ endpoint: prom.url, retries: 3, backoffMs: 1 });
    const r = await client.query('special', 1);
    expect(r.series).toHaveLength(4);
    expect(prom.calls).toHaveLength(4);
  });

  it('gives up after the retries, saying what the last answer was', async () => {
    for (let i = 0; i < 3; i++)
      prom.script.push((res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html></html>'));
    const err = await rejection(
      createPrometheusClient({ endpoint: prom.url, retries: 2, backoffMs: 1 }).query('up', 1),
    );
    expect(err.message).toBe('query "up": HTTP 502 (text/html), not a Prometheus API response');
    expect(prom.calls).toHaveLength(3);
  });

  it('an abort during the retry backoff ends the wait at once, with the failure it would have retried', async () => {
    prom.script.push((res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html></html>'));
    const ctl = new AbortController();
    let backingOff: () => void = () => {};
    const waiting = new Promise<void>((r) => {
      backingOff = r;
    });
    // the system clock, telling when the client starts its backoff (the only timer that long)
    const clock: Clock = {
      ...systemClock,
      setTimeout(fn, ms) {
        if (ms >= 1_800_000) backingOff();
        return systemClock.setTimeout(fn, ms);
      },
    };
    // an hour of backoff: only the abort can end this wait
    const client = createPrometheusClient({ endpoint: prom.url, retries: 1, backoffMs: 3_600_000, clock });
    const pending = rejection(client.query('up', 1, ctl.signal));
    await waiting;
    ctl.abort();
    const err = await pending;
    expect(err.message).toBe('query "up": HTTP 502 (text/html), not a Prometheus API response');
    expect(prom.calls).toHaveLength(1);
  });

  it('an unreachable server is a network error naming the address', async () => {
    await prom.close();
    const err = await rejection(createPrometheusClient({ endpoint: prom.url, retries: 0 }).query('up', 1));
    expect(err.errorType).toBe('network');
    expect(err.message).toMatch(/^query "up": http:\/\/127\.0\.0\.1:\d+ ECONNREFUSED$/);
  });

  it('sends bearer and basic credentials, and never puts them in errors', async () => {
    await createPrometheusClient({ endpoint: prom.url, auth: { type: 'bearer', token: 's3cret' } }).query(
      'up',
      1,
    );
    await createPrometheusClient({
      endpoint: prom.url,
      auth: { type: 'basic', username: 'u', password: 'p4ss' },
    }).query('up', 1);
    expect(prom.calls.map((c) => c.auth)).toEqual([
      'Bearer s3cret',
      `Basic ${Buffer.from('u:p4ss').toString('base64')}`,
    ]);
    const err = await rejection(
      createPrometheusClient({ endpoint: prom.url, auth: { type: 'bearer', token: 's3cret' } }).query(
        'sum(',
        1,
      ),
    );
    expect(err.message).not.toContain('s3cret');
  });

  it('times out a request that never answers', async () => {
    prom.script.push(() => undefined);
    const err = await rejection(
      createPrometheusClient({ endpoint: prom.url, timeoutMs: 100, retries: 0 }).query('up', 1),
    );
    expect(err.message).toMatch(/timed out after 100 ms/);
  });
});

describe('planChunks', () => {
  it('covers every grid point of [from, to) exactly once, at most maxPoints per chunk', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 50 }),
        (from, span, step, max) => {
          const points: number[] = [];
          for (const c of planChunks(from, from + span, step, max)) {
            const n = (c.endMs - c.startMs) / step + 1;
            expect(n).toBeLessThanOrEqual(max);
            for (let k = 0; k < n; k++) points.push(c.startMs + k * step);
          }
          const want: number[] = [];
          for (let t = from; t < from + span; t += step) want.push(t);
          expect(points).toEqual(want);
        },
      ),
    );
  });
});

describe('prometheusSource', () => {
  it('polls instant queries into interned series, adds labels and metric names, logs warnings once', async () => {
    const ctx = testContext();
    const source = prometheusSource({
      endpoint: prom.url,
      queries: [{ expr: 'special', metric: 'named', labels: { src: 'p' } }],
    });
    const first = await pollOnce(source, ctx);
    expect(first.rows.map((r) => r.labels)).toEqual([
      { __name__: 'special', v: 'nan', src: 'p' },
      { __name__: 'special', v: 'inf', src: 'p' },
      { __name__: 'special', v: 'minf', src: 'p' },
      { __name__: 'named', src: 'p' },
    ]);
    expect(first.warnings).toEqual(['query "special": server warning: partial data: remote read timed out']);
    expect((await pollOnce(source, ctx)).warnings).toEqual([]);
  });

  it('marks a series stale when it drops out of the result', async () => {
    const ctx = testContext();
    const source = prometheusSource({ endpoint: prom.url, queries: ['special'] });
    await pollOnce(source, ctx);
    prom.script.push((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [1, '2'] }] },
        }),
      ),
    );
    const second = await pollOnce(source, ctx);
    expect(second.rows.filter((r) => r.stale).map((r) => r.labels['v'])).toEqual(['nan', 'inf', 'minf']);
  });

  it('poll fails naming the query when every query fails', async () => {
    const source = prometheusSource({ endpoint: prom.url, queries: ['sum(up'], retries: 0 });
    await expect(source.poll!(testContext())).rejects.toMatchObject({
      code: 'ERR_PLUGIN_FAILED',
      plugin: 'prometheus',
      message: expect.stringContaining('query "sum(up" failed: bad_data'),
    });
  });

  it('readRange splits long ranges into ≤ maxPointsPerRequest chunks joined without duplicates or holes', async () => {
    const ctx = testContext();
    const source = prometheusSource({ endpoint: prom.url, queries: ['wave'], maxPointsPerRequest: 7 });
    const range: TimeRange = { from: 1_700_000_000_000, to: 1_700_000_050_000, stepMs: 1000 };
    const batches: MetricBatch[] = [];
    for await (const b of source.readRange!(range, ctx)) batches.push(b as MetricBatch);
    expect(batches).toHaveLength(8);
    const all = batches.flatMap((b) => rows(ctx.series, b));
    const times = (i: string) => all.filter((r) => r.labels['i'] === i).map((r) => r.timestamp);
    const grid = Array.from({ length: 50 }, (_, k) => range.from + k * 1000);
    expect(times('0')).toEqual(grid);
    expect(times('1')).toEqual(grid);
    expect(all.every((r) => r.value === r.timestamp / 1000 + Number(r.labels['i']))).toBe(true);
    expect(
      prom.calls.every(
        (c) =>
          (Number(c.params.get('end')) - Number(c.params.get('start'))) / Number(c.params.get('step')) <= 6,
      ),
    ).toBe(true);
  });

  it('readRange survives the server dropping a connection mid-read (retry), and fails naming the query when it stays down', async () => {
    const ctx = testContext();
    const range: TimeRange = { from: 0, to: 30_000, stepMs: 1000 };
    prom.script.push(() => undefined);
    const source = prometheusSource({
      endpoint: prom.url,
      queries: ['wave'],
      maxPointsPerRequest: 10,
      timeoutMs: 200,
    });
    prom.script.length = 0;
    let n = 0;
    const batches: MetricBatch[] = [];
    for await (const b of source.readRange!(range, ctx)) {
      batches.push(b as MetricBatch);
      // the server "restarts" between chunks: the next request's connection is reset
      if (n++ === 0) prom.script.push((res) => res.socket?.destroy());
    }
    expect(batches.reduce((a, b) => a + b.length, 0)).toBe(60);
    await prom.close();
    const failing = prometheusSource({ endpoint: prom.url, queries: ['wave'], retries: 1 });
    const iterate = async () => {
      for await (const _ of failing.readRange!(range, ctx)) void _;
    };
    await expect(iterate()).rejects.toMatchObject({
      code: 'ERR_UNREACHABLE',
      hook: 'readRange',
      message: expect.stringContaining('query "wave"'),
    });
  });

  it('refuses bad options naming the field', () => {
    for (const [opts, field] of [
      [{ endpoint: 'nope', queries: ['up'] }, 'endpoint'],
      [{ endpoint: 'http://x', queries: [] }, 'queries'],
      [{ endpoint: 'http://x', queries: ['up'], maxPointsPerRequest: 20_000 }, 'maxPointsPerRequest'],
      [{ endpoint: 'http://x', queries: ['up'], auth: { type: 'digest' } }, 'auth.type'],
    ] as const) {
      expect(() => prometheusSource(opts as never)).toThrow(
        expect.objectContaining({
          code: 'ERR_PLUGIN_OPTIONS',
          message: expect.stringContaining(`- ${field}`),
        }),
      );
    }
  });
});

describe('prometheusEvaluator', () => {
  it('returns the instant vector as labelled samples', async () => {
    const samples = await prometheusEvaluator({ endpoint: prom.url }).instant('special', 5_000);
    expect(samples[1]).toEqual({
      labels: { __name__: 'special', v: 'inf' },
      value: Infinity,
      timestampMs: 5_000,
    });
  });

  it('evaluates a long range in chunks of at most 11,000 points and joins each series', async () => {
    const series = await prometheusEvaluator({ endpoint: prom.url }).queryRange('wave', 0, 25_000_000, 1_000);
    const ranges = prom.calls.filter((c) => c.path === '/api/v1/query_range');
    expect(ranges.map((c) => [Number(c.params.get('start')), Number(c.params.get('end'))])).toEqual([
      [0, 10_999],
      [11_000, 21_999],
      [22_000, 24_999],
    ]);
    expect(series.map((s) => s.labels)).toEqual([
      { __name__: 'wave', i: '0' },
      { __name__: 'wave', i: '1' },
    ]);
    const t = series[0]!.timestamps;
    expect(t).toHaveLength(25_000);
    expect(t.every((x, k) => x === k * 1_000)).toBe(true);
    expect(series[1]!.values[24_999]).toBe(25_000);
  });
});

// the fake is started by this file's beforeEach, so the thunk reads its URL when each case runs
testSource(
  () => prometheusSource({ endpoint: prom.url, queries: ['wave', 'special'], retries: 0, intervalMs: 1000 }),
  {
    title: '@argus/source-prometheus prometheusSource',
    capabilities: { poll: true, readRange: true },
    badOptions: () => prometheusSource({ endpoint: 'http://x', queries: [] }),
  },
);
