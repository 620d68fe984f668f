// The remote-write receiver: its node:http handler on a loopback server (status codes, limits, auth, staleness)
// and the push source under @argus/testkit's source contract.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSeriesRegistry, type MetricBatch, type Source } from '@argus/core';
import { testSource } from '@argus/testkit';
import { compress } from 'snappyjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createRemoteWriteHandler,
  encodeWriteRequest,
  type RemoteWriteReceiver,
  remoteWriteReceiver,
  STALE_NAN,
} from '../src/index.js';

interface Reply {
  status: number;
  body: string;
}
function post(url: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const h = { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf', ...headers };
    const req = request(url, { method: 'POST', headers: h }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const writeRequest = (values: number[], t0 = 1_700_000_000_000): Uint8Array =>
  compress(
    encodeWriteRequest([
      {
        labels: [
          ['__name__', 'up'],
          ['job', 'node'],
        ],
        timestamps: values.map((_, i) => t0 + i * 15_000),
        values,
      },
    ]),
  );

describe('createRemoteWriteHandler', () => {
  const series = createSeriesRegistry();
  let batches: MetricBatch[] = [];
  let accepting = true;
  let server: Server;
  let url = '';
  let token: string | undefined;
  beforeAll(async () => {
    const open = createRemoteWriteHandler({
      series,
      emit: async (b) => {
        if (accepting) batches.push(b);
        return accepting;
      },
      maxBodyBytes: 4096,
      maxDecodedBytes: 8192,
    });
    const guarded = createRemoteWriteHandler({ series, emit: async () => true, token: 'sixteen-chars-ok' });
    server = createServer((req, res) => (req.url === '/auth' ? guarded(req, res) : open(req, res)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    batches = [];
    accepting = true;
    token = undefined;
  });

  it('answers 204 with one batch per request; staleness markers become stale samples', async () => {
    expect(await post(`${url}/`, writeRequest([1, 0, STALE_NAN]))).toEqual({ status: 204, body: '' });
    expect(batches).toHaveLength(1);
    const b = batches[0]!;
    expect([...b.timestamps]).toEqual([1_700_000_000_000, 1_700_000_015_000, 1_700_000_030_000]);
    expect([...b.values.subarray(0, 2)]).toEqual([1, 0]);
    expect([...b.stale!]).toEqual([0, 0, 1]);
    expect(series.labels(b.series[0]!)).toEqual({ __name__: 'up', job: 'node' });
    expect(new Set(b.series).size).toBe(1);
  });

  it('answers 503 while the pipeline no longer accepts data, so Prometheus retries', async () => {
    accepting = false;
    const r = await post(`${url}/`, writeRequest([1]));
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/shutting down/);
  });

  it('answers 400 naming the problem on a body that is not snappy or not a WriteRequest', async () => {
    const notSnappy = await post(`${url}/`, new Uint8Array([0x05, 0xff, 0xff]));
    expect(notSnappy.status).toBe(400);
    expect(notSnappy.body).toMatch(/not snappy/);
    const garbage = await post(`${url}/`, compress(new Uint8Array([0x0a, 0x40, 0x01])));
    expect(garbage.status).toBe(400);
    expect(garbage.body).toMatch(/malformed WriteRequest at byte \d+/);
    expect(batches).toEqual([]);
  });

  it('answers 413 on a body over maxBodyBytes and on a declared uncompressed length over maxDecodedBytes', async () => {
    const big = await post(`${url}/`, new Uint8Array(5000));
    expect(big.status).toBe(413);
    // 9 bytes that claim 1 GiB once uncompressed: refused from the header, before any decompression
    const bomb = await post(`${url}/`, new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x04, 0, 0, 0, 0]));
    expect(bomb.status).toBe(413);
    expect(bomb.body).toMatch(/1073741824 bytes over maxDecodedBytes \(8192\)/);
  });

  it('answers 415 without Content-Encoding: snappy and 405 on GET', async () => {
    expect((await post(`${url}/`, writeRequest([1]), { 'content-encoding': 'gzip' })).status).toBe(415);
    const get = await fetch(`${url}/`);
    expect(get.status).toBe(405);
  });

  it('checks the bearer token when one is configured', async () => {
    token = 'sixteen-chars-ok';
    expect((await post(`${url}/auth`, writeRequest([1]))).status).toBe(401);
    expect((await post(`${url}/auth`, writeRequest([1]), { authorization: 'Bearer wrong' })).status).toBe(
      403,
    );
    expect((await post(`${url}/auth`, writeRequest([1]), { authorization: `Bearer ${token}` })).status).toBe(
      204,
    );
  });
});

describe('remoteWriteReceiver', () => {
  it('rejects bad options naming the field', () => {
    expect(() => remoteWriteReceiver({ path: 'api' })).toThrow(/path/);
    expect(() => remoteWriteReceiver({ token: 'short' })).toThrow(/16 characters/);
  });
});

testSource(() => remoteWriteReceiver({ listen: { port: 0 } }), {
  title: 'remoteWriteReceiver',
  capabilities: { listen: true },
  // a POST racing the suite's stop() may find the listener closed: nothing was emitted then, which the suite's
  // count comparison covers; any other failure fails the case
  produce: (s: Source) =>
    post((s as RemoteWriteReceiver).url()!, writeRequest([1, 2, 3])).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNREFUSED') throw err;
    }),
  badOptions: () => remoteWriteReceiver({ listen: { port: -1 } }),
});
