// Batch-run jobs (issue 17): detectors over a range of the store's history, in a worker thread. The worker is
// the built dist/job-worker.js (pnpm --filter @argus/server build), as a user's install runs it.
import { createPipeline, type Finding, silentLogger } from '@argus/core';
import { changePointDetector, madDetector } from '@argus/detectors';
import { createStore, type Store, storeSource } from '@argus/store';
import { afterEach, describe, expect, it } from 'vitest';
import { toBatchSpec } from '../src/jobs/batch-spec.js';
import type { JobManager, JobView } from '../src/jobs/manager.js';
import type { BatchResult } from '../src/jobs/run-batch.js';
import { auth, type TestServer, testServer } from './helpers.js';
import { managerUntil } from './job-helpers.js';

const T0 = Date.parse('2026-11-30T00:00:00Z');
const MIN = 60_000;

/** Three hours of latency of two services every 15 s; `api` spikes at minutes 50, 100 and 150, `db` shifts up at 120. */
function history(): Store {
  const store = createStore();
  for (let t = T0; t < T0 + 180 * MIN; t += 15_000) {
    const m = (t - T0) / MIN;
    const spike = m === 50 || m === 100 || m === 150;
    store.append({ __name__: 'latency', service: 'api' }, t, spike ? 9 : 1 + 0.1 * Math.sin(t / 45_000));
    store.append({ __name__: 'latency', service: 'db' }, t, (m >= 120 ? 3 : 2) + 0.05 * Math.cos(t / 60_000));
  }
  return store;
}

let s: TestServer | undefined;
let manager: JobManager | undefined;
afterEach(async () => {
  await manager?.close();
  await s?.close();
  s = manager = undefined;
});

const start = (srv: TestServer, payload: object) =>
  srv.app.inject({ method: 'POST', url: '/api/analysis/jobs', headers: auth(srv.tokens.operator), payload });
const wait = async (srv: TestServer, id: string): Promise<JobView> =>
  (
    await srv.app.inject({ url: `/api/analysis/jobs/${id}?waitMs=60000`, headers: auth(srv.tokens.viewer) })
  ).json() as JobView;

type Row = { timestamp: number; detector: string; labels: Record<string, string> };
const key = (f: Row): string => `${f.timestamp} ${f.detector} ${JSON.stringify(f.labels)}`;
/** Findings of one window come in the stage's order; across a range they compare as a set. */
const sorted = <T extends object>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => key(a as unknown as Row).localeCompare(key(b as unknown as Row)));

/** The same detectors over the same store, in this thread: the findings with labels, as a job reports them. */
async function direct(
  store: Store,
  detectors: Parameters<typeof createPipeline>[0]['detectors'],
  from: number,
  to: number,
) {
  const pipeline = createPipeline({ logger: silentLogger, sources: [storeSource(store)], detectors });
  const out: object[] = [];
  pipeline.on('finding', (f: Finding) => {
    const { id: _id, series, ...rest } = f;
    out.push({ ...rest, labels: pipeline.series.labels(series) });
  });
  await pipeline.runBatch({ from, to, stepMs: 15_000 });
  return out;
}

describe('batch-run jobs', { timeout: 60_000 }, () => {
  it('runs named detectors in a worker to the findings of the same run in process', async () => {
    const store = history();
    s = await testServer({ store });
    const from = T0 + 30 * MIN;
    const to = T0 + 180 * MIN;
    const res = await start(s, {
      type: 'batch',
      detectors: [{ use: 'mad' }, { use: 'change-point', options: { warmupSamples: 40 } }],
      from,
      to: new Date(to).toISOString(),
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ type: 'batch', state: 'running' });
    const done = await wait(s, res.json().id);
    expect(done.state, done.error).toBe('succeeded');
    expect(done.progress.done).toBe(done.progress.total);
    const result = done.result as BatchResult;

    const expected = await direct(
      store,
      [madDetector({}), changePointDetector({ warmupSamples: 40 })],
      from,
      to,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(result.findings)).toEqual(sorted(JSON.parse(JSON.stringify(expected))));
    expect(result.totalFindings).toBe(expected.length);
    expect(result.truncated).toBe(false);
    expect(result.detectors).toEqual(['mad', 'change-point']);
    expect(result.series).toBe(2);
    // every spike of api is found, and api leads the per-series summary with its findings counted
    const apiTimes = result.findings.filter((f) => f.labels['service'] === 'api').map((f) => f.timestamp);
    for (const m of [50, 100, 150]) expect(apiTimes).toContain(T0 + m * MIN);
    const perApi = result.perSeries.find((p) => p.labels['service'] === 'api')!;
    expect(perApi.findings).toBe(apiTimes.length);
    expect(result.perSeries.reduce((n, p) => n + p.findings, 0)).toBe(result.totalFindings);
    await store.close();
  });

  it('runs the configured detectors when none are named, warms them up on lookbackMs, bounds the findings kept', async () => {
    const store = history();
    const config = { detectors: [{ use: 'mad', options: { windowSamples: 32 } }, { use: 'ewma' }] };
    s = await testServer({ store, config });
    const from = T0 + 90 * MIN;
    const to = T0 + 180 * MIN;
    const res = await start(s, { type: 'batch', from, to, lookbackMs: 60 * MIN, maxFindings: 2 });
    expect(res.statusCode, res.body).toBe(202);
    const result = (await wait(s, res.json().id)).result as BatchResult;
    expect(result.detectors).toEqual(['mad']);
    // the same detector over [from − lookback, to), its findings before `from` left out
    const all = await direct(store, [madDetector({ windowSamples: 32 })], from - 60 * MIN, to);
    const inRange = all.filter((f) => (f as Finding).timestamp >= from);
    expect(inRange.length).toBeGreaterThan(2);
    expect(result.totalFindings).toBe(inRange.length);
    // the first two in time, as one detector over data in time order makes them
    const firstTwo = sorted(inRange).slice(0, 2);
    expect(sorted(result.findings)).toEqual(JSON.parse(JSON.stringify(firstTwo)));
    expect(result.truncated).toBe(true);
    await store.close();
  });

  it('answers bad input with 400 naming the field, and starts nothing', async () => {
    s = await testServer({ store: createStore() });
    const base = { type: 'batch', from: T0, to: T0 + MIN };
    const cases: [object, string][] = [
      [{ ...base, detectors: [{ use: 'nope' }] }, 'body.detectors[0].use'],
      [{ ...base, detectors: [{ use: 'mad', options: { windowSamples: 1 } }] }, 'body.detectors[0].options'],
      [{ ...base, detectors: [] }, 'body.detectors'],
      [base, 'body.detectors'], // no detector named and none configured
      [{ ...base, detectors: [{ use: 'mad' }], from: T0 + MIN }, 'body.from'],
      [{ ...base, detectors: [{ use: 'mad' }], maxFindings: 0 }, 'body.maxFindings'],
      [{ ...base, detectors: [{ use: 'mad' }], rules: 'x' }, 'body'],
      [{ ...base, detectors: [{ use: 'mad' }], match: '{' }, 'body.match'],
      [{ ...base, type: 'forecast' }, 'body.type'],
    ];
    for (const [payload, field] of cases) {
      const res = await start(s, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, res.body).toBe(field);
    }
    const none = base as object;
    expect(
      (await start(s, { ...none, detectors: [{ use: 'mad', options: { windowSamples: 1 } }] })).json()
        .message,
    ).toMatch(/windowSamples/);
    const list = await s.app.inject({ url: '/api/analysis/jobs', headers: auth(s.tokens.viewer) });
    expect(list.json()).toEqual([]);
    // the OpenAPI document describes both kinds of body, the batch run with its detector names
    const doc = JSON.stringify(
      (await s.app.inject({ url: '/api/openapi.json' })).json().paths['/api/analysis/jobs'].post.requestBody,
    );
    for (const word of ['"backtest"', '"batch"', '"change-point"', 'maxFindings'])
      expect(doc).toContain(word);
  });

  it('cancels a running batch run: its worker thread exits and it has no result', async () => {
    // a day of 12 series every second: far more than the worker gets through before the cancel below
    const store = createStore({ retentionMs: 3 * 86_400_000 });
    for (let i = 0; i < 12; i++)
      for (let t = T0; t < T0 + 86_400_000; t += 1000)
        store.append({ __name__: 'x', i: String(i) }, t, Math.sin(t + i));
    const made = managerUntil(store, (v) => v.worker === 'running', { maxSamples: 2_000_000 });
    manager = made.manager;
    const spec = toBatchSpec(
      {
        type: 'batch',
        detectors: [{ use: 'mad' }],
        from: T0,
        to: T0 + 86_400_000,
        lookbackMs: 0,
        maxFindings: 10,
      },
      undefined,
    );
    if ('field' in spec) throw new Error(spec.message);
    const job = manager.start(spec, [], 'test', store);
    await made.reached;
    const view = await manager.cancel(job.id);
    expect(view).toMatchObject({ state: 'cancelled', worker: 'exited', phase: 'finished' });
    expect(manager.get(job.id)!.result).toBeUndefined();
    expect(manager.running()).toBe(0);
    await store.close();
  });
});
