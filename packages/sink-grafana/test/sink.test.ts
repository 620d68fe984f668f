import { type Alert, createSeriesRegistry, type Finding, fingerprint, memoryStateStore } from '@argus/core';
import { fakeClock, testContext } from '@argus/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { grafanaSink } from '../src/index.js';
import { type FakeGrafana, startFakeGrafana } from './grafana-api/fake-grafana.js';

const TOKEN = 'glsa_secret_token_value_123';
let g: FakeGrafana;

beforeEach(async () => {
  g = await startFakeGrafana({ token: TOKEN });
});
afterEach(async () => {
  expect(g.violations, 'requests and answers fit the Grafana API schemas').toEqual([]);
  await g.close();
});

const labels = { alertname: 'HighLatency', severity: 'critical', job: 'api', instance: 'a:1', team: 'x' };
const firing: Alert = {
  labels,
  annotations: { summary: 'p99 above 2s' },
  state: 'firing',
  startsAt: 1_700_000_000_000,
  fingerprint: fingerprint(labels),
  origin: 'rules',
  value: 3.2,
};
const resolved: Alert = { ...firing, state: 'resolved', endsAt: 1_700_000_600_000 };
const alerts = (...a: Alert[]) => ({ kind: 'alerts' as const, alerts: a });

describe('annotations for alerts', () => {
  it('opens a region when an alert fires and patches its end when it resolves, with tags', async () => {
    // requests go over node:http: the global fetch would make every later await in the process dearer
    const globalFetch = vi.spyOn(globalThis, 'fetch');
    const sink = grafanaSink({ url: g.url, token: TOKEN });
    const ctx = testContext();
    expect(await sink.write(alerts(firing), ctx)).toEqual({ ok: true });
    expect(g.annotations).toHaveLength(1);
    const [a] = g.annotations;
    expect(a!.time).toBe(firing.startsAt);
    expect(a!.timeEnd).toBe(firing.startsAt);
    expect(a!.text).toBe('[FIRING] HighLatency: p99 above 2s (value 3.2)');
    expect(a!.tags).toEqual(
      expect.arrayContaining([
        'argus',
        'alert',
        'rule:HighLatency',
        'severity:critical',
        'job:api',
        'instance:a:1',
      ]),
    );
    expect(a!.tags.some((t) => t.startsWith('team:'))).toBe(false);
    expect(await sink.write(alerts(resolved), ctx)).toEqual({ ok: true });
    expect(g.annotations).toHaveLength(1);
    expect(g.annotations[0]!.timeEnd).toBe(resolved.endsAt);
    expect(g.annotations[0]!.text).toMatch(/^\[RESOLVED\]/);
    expect(g.requests.filter((r) => r.startsWith('PATCH'))).toHaveLength(1);
    expect(globalFetch).not.toHaveBeenCalled();
    globalFetch.mockRestore();
  });

  it('a repeated write (core retry, or a new process on the same state) creates nothing new', async () => {
    const state = memoryStateStore();
    const first = grafanaSink({ url: g.url, token: TOKEN });
    await first.write(alerts(firing), testContext({ state }));
    const second = grafanaSink({ url: g.url, token: TOKEN });
    expect(await second.write(alerts(firing), testContext({ state }))).toEqual({ ok: true });
    expect(await second.write(alerts(resolved, resolved), testContext({ state }))).toEqual({ ok: true });
    expect(g.annotations).toHaveLength(1);
    expect(g.requests.filter((r) => r === 'POST /api/annotations')).toHaveLength(1);
    expect(g.requests.filter((r) => r.startsWith('PATCH'))).toHaveLength(1);
  });

  it('a resolve seen without its firing writes the whole region at once', async () => {
    const sink = grafanaSink({ url: g.url, token: TOKEN });
    await sink.write(alerts(resolved), testContext());
    expect(g.annotations.map((a) => [a.time, a.timeEnd])).toEqual([[resolved.startsAt, resolved.endsAt]]);
  });

  it('retries 503 with backoff inside one write', async () => {
    g.failNext(2, 503);
    const sink = grafanaSink({ url: g.url, token: TOKEN, backoffMs: 1 });
    expect(await sink.write(alerts(firing), testContext())).toEqual({ ok: true });
    expect(g.requests.filter((r) => r === 'POST /api/annotations')).toHaveLength(3);
    expect(g.annotations).toHaveLength(1);
  });

  it('gives up after maxRetries with a retryable failure, and the next write completes without a duplicate', async () => {
    g.failNext(10, 503);
    const sink = grafanaSink({ url: g.url, token: TOKEN, backoffMs: 1, maxRetries: 1 });
    const state = memoryStateStore();
    const r = await sink.write(alerts(firing), testContext({ state }));
    expect(r).toMatchObject({ ok: false, retryable: true });
    g.failNext(0, 503);
    expect(await sink.write(alerts(firing), testContext({ state }))).toEqual({ ok: true });
    expect(g.annotations).toHaveLength(1);
  });
});

describe('state housekeeping', () => {
  it('start() forgets closed annotations older than retentionMs, and keeps open regions', async () => {
    const state = memoryStateStore();
    const clock = fakeClock({ now: 1_700_000_000_000 });
    const sink = grafanaSink({ url: g.url, token: TOKEN, retentionMs: 60_000 });
    const other = {
      ...firing,
      labels: { alertname: 'Other' },
      fingerprint: fingerprint({ alertname: 'Other' }),
    };
    await sink.write(alerts(firing, other), testContext({ state, clock }));
    await sink.write(alerts(resolved), testContext({ state, clock }));
    expect(await state.list('annotations/')).toHaveLength(2);
    clock.advance(30_000);
    await grafanaSink({ url: g.url, token: TOKEN, retentionMs: 60_000 }).start!(
      testContext({ state, clock }),
    );
    expect(await state.list('annotations/')).toHaveLength(2);
    clock.advance(60_000);
    await grafanaSink({ url: g.url, token: TOKEN, retentionMs: 60_000 }).start!(
      testContext({ state, clock }),
    );
    // the resolved region is forgotten; the still-firing one is kept so its resolve patches it
    expect(await state.list('annotations/')).toHaveLength(1);
    const later = grafanaSink({ url: g.url, token: TOKEN });
    await later.write(
      alerts({ ...other, state: 'resolved', endsAt: other.startsAt + 5 }),
      testContext({ state, clock }),
    );
    expect(g.annotations).toHaveLength(2);
    expect(g.requests.filter((r) => r.startsWith('PATCH'))).toHaveLength(2);
  });
});

describe('errors say what to fix and never carry the token', () => {
  it('401: a wrong token is not retryable and names the token option', async () => {
    const sink = grafanaSink({ url: g.url, token: 'glsa_wrong' });
    const r = await sink.write(alerts(firing), testContext());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.retryable).toBe(false);
    expect(r.error.message).toMatch(/answered 401.*service-account token/);
    expect(r.error.message).not.toContain('glsa_wrong');
  });

  it('403: a Viewer service account is told to get the Editor role', async () => {
    const viewer = await startFakeGrafana({ token: TOKEN, role: 'Viewer' });
    try {
      const r = await grafanaSink({ url: viewer.url, token: TOKEN }).write(alerts(firing), testContext());
      expect(r).toMatchObject({ ok: false, retryable: false });
      if (!r.ok) expect(r.error.message).toMatch(/403.*Editor role/);
      if (!r.ok) expect(r.error.message).not.toContain(TOKEN);
    } finally {
      await viewer.close();
    }
  });

  it('an unreachable Grafana is retryable and named by host only', async () => {
    const url = g.url;
    await g.close();
    g = await startFakeGrafana({ token: TOKEN });
    const sink = grafanaSink({ url: `${url}/sub?x=${TOKEN}`, token: TOKEN, maxRetries: 0 });
    const r = await sink.write(alerts(firing), testContext());
    expect(r).toMatchObject({ ok: false, retryable: true });
    if (!r.ok) {
      expect(r.error.message).toMatch(
        /cannot reach Grafana at http:\/\/127\.0\.0\.1:\d+ \(POST \/api\/annotations: ECONNREFUSED\)/,
      );
      expect(r.error.message).not.toContain(TOKEN);
    }
  });
});

describe('healthcheck', () => {
  it('is ok with a good token and an existing data source', async () => {
    const sink = grafanaSink({ url: g.url, token: TOKEN, datasourceUid: 'argus' });
    expect(await sink.healthcheck!(testContext())).toEqual({
      status: 'ok',
      message: expect.stringContaining('Grafana 11.1.0'),
    });
  });

  it('is down with a clear message for a missing data source or a bad token', async () => {
    const missing = grafanaSink({ url: g.url, token: TOKEN, datasourceUid: 'prom' });
    expect(await missing.healthcheck!(testContext())).toEqual({
      status: 'down',
      message: expect.stringMatching(/data source "prom" does not exist/),
    });
    const bad = await grafanaSink({ url: g.url, token: 'nope' }).healthcheck!(testContext());
    expect(bad.status).toBe('down');
    expect(bad.message).toMatch(/401/);
  });
});

describe('annotations for findings', () => {
  const series = createSeriesRegistry();
  const id = series.intern({ __name__: 'http_latency_seconds', job: 'api' });
  const base: Finding = {
    id: 'f1',
    series: id,
    timestamp: 1_700_000_100_000,
    value: 3.2,
    score: 0.95,
    kind: 'spike',
    detector: 'robust-z',
    explanation: 'far above the median',
    expected: { value: 0.4, lower: 0.2, upper: 0.6 },
  } as Finding;
  const confirmed: Finding = { ...base, verdicts: [{ detector: 'llm', confirmed: true, at: 1 }] };
  const dismissed: Finding = {
    ...base,
    id: 'f2',
    timestamp: base.timestamp + 1,
    verdicts: [{ detector: 'llm', confirmed: false, at: 1 }],
  };

  it('annotates confirmed anomalies only, by default, as points with detector and label tags', async () => {
    const sink = grafanaSink({ url: g.url, token: TOKEN });
    const ctx = testContext({ series });
    expect(await sink.write({ kind: 'findings', findings: [base, dismissed] }, ctx)).toEqual({ ok: true });
    expect(g.annotations).toHaveLength(0);
    expect(await sink.write({ kind: 'findings', findings: [confirmed] }, ctx)).toEqual({ ok: true });
    expect(g.annotations).toHaveLength(1);
    expect(g.annotations[0]!.tags).toEqual(
      expect.arrayContaining(['anomaly', 'confirmed', 'detector:robust-z', 'job:api']),
    );
    expect(g.annotations[0]!.text).toContain('http_latency_seconds');
    expect(g.annotations[0]!.timeEnd).toBe(base.timestamp);
  });

  it("findings: 'all' annotates by score, skipping dismissed and low scores", async () => {
    const sink = grafanaSink({ url: g.url, token: TOKEN, findings: 'all', minScore: 0.9 });
    const low = { ...base, id: 'f3', timestamp: base.timestamp + 2, score: 0.5 };
    await sink.write({ kind: 'findings', findings: [base, dismissed, low] }, testContext({ series }));
    expect(g.annotations.map((a) => a.time)).toEqual([base.timestamp]);
  });
});
