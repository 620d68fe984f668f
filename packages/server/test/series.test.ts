// /api/series and /api/findings over a real pipeline: a manual source, a small threshold detector and (for the
// store case) the store sink startArgus uses; findings reach the server from the store or from the pipeline.
import {
  createPipeline,
  type Detector,
  type Finding,
  newFindingId,
  type Pipeline,
  silentLogger,
} from '@argus/core';
import { createStore, type Store, storeSink } from '@argus/store';
import { manualSource } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, type TestServer, testServer } from './helpers.js';

/** Flags values above 100 against a normal band of 40..60 (a detector with a model of normal). */
const threshold: Detector = {
  kind: 'detector',
  name: 'threshold',
  apiVersion: 1,
  detect(batch) {
    const out: Finding[] = [];
    for (let i = 0; i < batch.length; i++) {
      const value = batch.values[i]!;
      if (value <= 100) continue;
      out.push({
        id: newFindingId(),
        series: batch.series[i]!,
        timestamp: batch.timestamps[i]!,
        value,
        score: value > 500 ? 0.99 : 0.7,
        kind: 'spike',
        expected: { value: 50, lower: 40, upper: 60 },
        detector: 'threshold',
        explanation: `${value} is above 100`,
      });
    }
    return out;
  },
};

const latency = (instance: string) => ({ __name__: 'latency_ms', job: 'api', instance });
const T0 = 1_700_000_000_000;

let s: TestServer | undefined;
let pipeline: Pipeline | undefined;
let store: Store | undefined;
afterEach(async () => {
  await s?.close();
  await pipeline?.stop();
  await store?.close();
  s = pipeline = store = undefined;
});

/** A pipeline with the detector (and the store sink when `withStore`), fed four samples of two series. */
async function run(withStore: boolean): Promise<TestServer> {
  const src = manualSource({ name: 'push' });
  store = withStore ? createStore() : undefined;
  pipeline = createPipeline({
    logger: silentLogger,
    sources: [src],
    detectors: [threshold],
    sinks: store ? [storeSink(store)] : [],
  });
  s = await testServer({ pipeline, ...(store ? { store } : {}) });
  await pipeline.start();
  await src.pushSamples([
    { labels: latency('a'), timestamp: T0, value: 50 },
    { labels: latency('b'), timestamp: T0, value: 52 },
  ]);
  await src.pushSamples([
    { labels: latency('a'), timestamp: T0 + 15_000, value: 900 },
    { labels: latency('b'), timestamp: T0 + 15_000, value: 150 },
  ]);
  // stop drains the pipeline: every finding and sample has reached the store and the server
  await pipeline.stop();
  return s;
}

const get = async (srv: TestServer, url: string, token = srv.tokens.viewer) => {
  const res = await srv.app.inject({ method: 'GET', url, headers: auth(token) });
  return { status: res.statusCode, body: res.json() };
};
const range = `from=${T0}&to=${T0 + 60_000}`;

describe('GET /api/series', () => {
  it('answers values with the anomaly score and expected band of each sample', async () => {
    const srv = await run(true);
    const match = encodeURIComponent('latency_ms{instance="a"}');
    const { status, body } = await get(srv, `/api/series?match=${match}&${range}`);
    expect(status).toBe(200);
    expect(body.truncated).toBe(false);
    expect(body.series).toHaveLength(1);
    const [a] = body.series;
    expect(a.labels).toEqual(latency('a'));
    expect(a.timestamps).toEqual([T0, T0 + 15_000]);
    expect(a.values).toEqual([50, 900]);
    expect(a.score).toEqual([null, 0.99]);
    expect(a.expected).toEqual([null, 50]);
    expect(a.lower).toEqual([null, 40]);
    expect(a.upper).toEqual([null, 60]);
    expect(a.findings.map((f: Finding) => f.explanation)).toEqual(['900 is above 100']);
  });

  it('limits the series returned and says so', async () => {
    const srv = await run(true);
    const { body } = await get(srv, `/api/series?match=latency_ms&${range}&limit=1`);
    expect(body.series).toHaveLength(1);
    expect(body.truncated).toBe(true);
  });

  it('answers bad input with a 400 naming the field, and 404 without a store', async () => {
    const srv = await run(true);
    const bad = await get(srv, `/api/series?match=${encodeURIComponent('latency_ms{job=')}&${range}`);
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('querystring.match');
    const backwards = await get(srv, `/api/series?match=latency_ms&from=${T0 + 1}&to=${T0}`);
    expect(backwards).toMatchObject({ status: 400, body: { field: 'querystring.from' } });
    const missing = await get(srv, `/api/series?${range}`);
    expect(missing).toMatchObject({ status: 400, body: { field: 'querystring.match' } });
    const unknown = await get(srv, `/api/series?match=up&${range}&step=5`);
    expect(unknown.status).toBe(400);
    await s!.close();
    s = await testServer();
    expect((await get(s, `/api/series?match=up&${range}`)).status).toBe(404);
  });
});

describe('GET /api/findings', () => {
  for (const withStore of [true, false])
    it(`lists and filters findings ${withStore ? 'from the store' : 'from the running pipeline (no store)'}`, async () => {
      const srv = await run(withStore);
      const all = await get(srv, `/api/findings?${range}`);
      expect(all.status).toBe(200);
      expect(
        all.body.map((f: { labels: { instance: string }; value: number }) => [f.labels.instance, f.value]),
      ).toEqual(
        expect.arrayContaining([
          ['a', 900],
          ['b', 150],
        ]),
      );
      expect(all.body).toHaveLength(2);
      const high = await get(srv, `/api/findings?${range}&minScore=0.9`);
      expect(high.body.map((f: { value: number }) => f.value)).toEqual([900]);
      const b = await get(srv, `/api/findings?${range}&match=${encodeURIComponent('{instance="b"}')}`);
      expect(b.body.map((f: { value: number }) => f.value)).toEqual([150]);
      const other = await get(srv, `/api/findings?${range}&detector=nope`);
      expect(other.body).toEqual([]);
      const before = await get(srv, `/api/findings?from=${T0 - 60_000}&to=${T0 + 15_000}`);
      expect(before.body).toEqual([]);
      expect((await get(srv, `/api/findings?${range}&kind=wobble`)).status).toBe(400);
      expect((await get(srv, `/api/findings?${range}`, srv.tokens.sender)).status).toBe(403);
    });
});

it('documents both routes and their parameters in the OpenAPI document', async () => {
  s = await testServer();
  const doc = (await s.app.inject({ url: '/api/openapi.json' })).json();
  const names = (path: string) =>
    (doc.paths[path].get.parameters as { name: string }[]).map((p) => p.name).sort();
  expect(names('/api/series')).toEqual(['from', 'limit', 'match', 'to']);
  expect(names('/api/findings')).toEqual(['detector', 'from', 'kind', 'limit', 'match', 'minScore', 'to']);
});
