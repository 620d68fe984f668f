import { createServer, type Server } from 'node:http';
import { createSeriesRegistry } from '@argus/core';
import {
  batchFromRows,
  describeWithBinary,
  type RunningServer,
  type SampleRow,
  startPrometheus,
  testContext,
  testSink,
} from '@argus/testkit';
import { uncompress } from 'snappyjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { remoteWriteSink } from '../src/index.js';

const receiverConfig = 'global: { scrape_interval: 1h }\n';
const receiverArgs = ['--web.enable-remote-write-receiver'];

interface Matrix {
  metric: Record<string, string>;
  values: [number, string][];
}

async function rawSamples(prom: RunningServer, selector: string, at: number): Promise<Matrix[]> {
  const u = `${prom.url}/api/v1/query?query=${encodeURIComponent(`${selector}[2h]`)}&time=${at / 1000}`;
  const body = (await (await fetch(u)).json()) as { status: string; data: { result: Matrix[] } };
  expect(body.status).toBe('success');
  return body.data.result;
}

// recent samples (the receiver's head takes the last hour or so), whole seconds, a few hundred series
function rows(series: number, samples: number, t0: number): SampleRow[] {
  const out: SampleRow[] = [];
  for (let k = 0; k < samples; k++)
    for (let s = 0; s < series; s++)
      out.push({
        labels: { __name__: 'argus_rw_test', job: 'rw', instance: `i${s}` },
        timestamp: t0 + k * 15_000,
        value: s * 1000 + k + (s % 3 === 0 ? 0.125 : 0),
      });
  return out;
}

// The contract's inputs are dated 2023, older than any TSDB head takes: the contract runs against a receiver that
// follows the protocol (snappy protobuf POST → 204) and keeps everything; the real Prometheus tests below check the data.
describe('remoteWriteSink under the sink contract', () => {
  let receiver: Server | undefined;
  let url = '';
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          uncompress(new Uint8Array(Buffer.concat(chunks)));
          res.writeHead(req.headers['content-type'] === 'application/x-protobuf' ? 204 : 415).end();
        } catch {
          res.writeHead(400).end('not snappy');
        }
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/api/v1/write`;
  });
  afterAll(() => receiver?.close());

  testSink(() => remoteWriteSink({ url }), {
    title: 'remoteWriteSink',
    badOptions: () => remoteWriteSink({ url: 'ftp://x' }),
  });
});

describeWithBinary(
  [{ bin: 'prometheus', pkg: 'prometheus' }],
  'remoteWriteSink into a real Prometheus 2.42',
  () => {
    let prom: RunningServer;
    beforeAll(async () => {
      prom = await startPrometheus({ config: receiverConfig, extraArgs: receiverArgs });
    });
    afterAll(async () => {
      await prom?.stop();
    });

    it('every sample arrives, equal, in requests of maxSamplesPerSend with several in flight', async () => {
      const series = createSeriesRegistry();
      const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 40 * 60_000;
      const written = rows(300, 20, t0);
      const sink = remoteWriteSink({
        url: `${prom.url}/api/v1/write`,
        maxSamplesPerSend: 700,
        concurrency: 4,
        externalLabels: { replica: 'a' },
      });
      const ctx = testContext({ series });
      const r = await sink.write(batchFromRows(series, written), ctx);
      expect(r).toEqual({ ok: true });
      const got = await rawSamples(prom, 'argus_rw_test{job="rw"}', t0 + 20 * 15_000);
      expect(got).toHaveLength(300);
      const byInstance = new Map(got.map((m) => [m.metric['instance']!, m]));
      for (let s = 0; s < 300; s++) {
        const m = byInstance.get(`i${s}`)!;
        expect(m.metric).toEqual({ __name__: 'argus_rw_test', job: 'rw', instance: `i${s}`, replica: 'a' });
        expect(m.values.map(([t, v]) => [t * 1000, Number(v)])).toEqual(
          written.filter((w) => w.labels['instance'] === `i${s}`).map((w) => [w.timestamp, w.value]),
        );
      }
    });

    it('a stale sample reaches Prometheus as its staleness marker: the series ends there', async () => {
      const series = createSeriesRegistry();
      const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 20 * 60_000;
      const sink = remoteWriteSink({ url: `${prom.url}/api/v1/write` });
      const labels = { __name__: 'argus_rw_stale', job: 'rw' };
      const batch = batchFromRows(series, [
        { labels, timestamp: t0, value: 1 },
        { labels, timestamp: t0 + 15_000, value: Number.NaN, stale: true },
      ]);
      expect(await sink.write(batch, testContext({ series }))).toEqual({ ok: true });
      const at = async (t: number) => {
        const u = `${prom.url}/api/v1/query?query=argus_rw_stale&time=${t / 1000}`;
        return ((await (await fetch(u)).json()) as { data: { result: unknown[] } }).data.result;
      };
      // within the 5-minute lookback: the sample before the marker is seen, after the marker nothing is (a plain
      // NaN would be returned as the series' value)
      expect(await at(t0 + 5_000)).toHaveLength(1);
      expect(await at(t0 + 30_000)).toEqual([]);
    });

    it('a receiver that refuses the data (400: samples out of order) is not retried', async () => {
      const series = createSeriesRegistry();
      const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
      const sink = remoteWriteSink({ url: `${prom.url}/api/v1/write` });
      const ctx = testContext({ series });
      const one = (t: number, v: number) =>
        batchFromRows(series, [
          { labels: { __name__: 'argus_rw_order', job: 'rw' }, timestamp: t, value: v },
        ]);
      expect(await sink.write(one(t0, 1), ctx)).toEqual({ ok: true });
      // the same timestamp with another value: Prometheus refuses it as a duplicate sample
      const r = await sink.write(one(t0, 2), ctx);
      expect(r).toMatchObject({ ok: false, retryable: false });
      expect(r.ok ? '' : r.error.message).toMatch(/400/);
    });
  },
);

describeWithBinary(
  [{ bin: 'prometheus', pkg: 'prometheus' }],
  'remoteWriteSink while the receiver is down',
  () => {
    it('fails retryably while Prometheus is down and delivers the same batch once it is back', async () => {
      const first = await startPrometheus({ config: receiverConfig, extraArgs: receiverArgs });
      let second: RunningServer | undefined;
      try {
        const series = createSeriesRegistry();
        const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 20 * 60_000;
        const sink = remoteWriteSink({ url: `${first.url}/api/v1/write` });
        const ctx = testContext({ series });
        const batch = batchFromRows(series, rows(10, 5, t0));
        await first.stop();
        const down = await sink.write(batch, ctx);
        expect(down).toMatchObject({ ok: false, retryable: true });
        expect(down.ok ? '' : down.error.message).toMatch(/unreachable/);
        second = await startPrometheus({ config: receiverConfig, extraArgs: receiverArgs, port: first.port });
        expect(await sink.write(batch, ctx)).toEqual({ ok: true });
        const got = await rawSamples(second, 'argus_rw_test', t0 + 5 * 15_000);
        expect(got).toHaveLength(10);
        for (const m of got) expect(m.values).toHaveLength(5);
      } finally {
        await second?.stop();
        await first.stop();
      }
    });
  },
);

describe('remoteWriteSink retries resend only what failed', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it('after a 503 on one request, the retry of the batch sends that request alone', async () => {
    // a receiver as the protocol describes it: snappy-compressed protobuf POSTs, 204 on success, 5xx to retry
    const bodies: Buffer[] = [];
    let failNext = 1; // the second request fails once
    // sent over node:http: the global fetch would make every later await in the process dearer
    const globalFetch = vi.spyOn(globalThis, 'fetch');
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        expect(req.headers['content-encoding']).toBe('snappy');
        expect(req.headers['content-type']).toBe('application/x-protobuf');
        expect(req.headers['x-prometheus-remote-write-version']).toBe('0.1.0');
        const body = Buffer.concat(chunks);
        uncompress(new Uint8Array(body)); // throws on a body that is not snappy
        if (bodies.length === 1 && failNext-- > 0) {
          bodies.push(Buffer.from('failed'));
          res.writeHead(503).end('overloaded');
          return;
        }
        bodies.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const series = createSeriesRegistry();
    const sink = remoteWriteSink({
      url: `http://127.0.0.1:${port}/write`,
      maxSamplesPerSend: 10,
      concurrency: 1,
    });
    const ctx = testContext({ series });
    const batch = batchFromRows(series, rows(10, 3, 1_700_000_000_000)); // 30 samples: 3 requests of 10
    const first = await sink.write(batch, ctx);
    expect(first).toMatchObject({ ok: false, retryable: true });
    expect(first.ok ? '' : first.error.message).toMatch(/503: overloaded/);
    expect(await sink.write(batch, ctx)).toEqual({ ok: true });
    // request 1 ok, request 2 failed, then (concurrency 1 stops at the failure) the retry sends 2 and 3
    expect(bodies.filter((b) => b.toString() !== 'failed')).toHaveLength(3);
    expect(globalFetch).not.toHaveBeenCalled();
    globalFetch.mockRestore();
  });
});
