import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Notification } from '@argus/alerting';
import { type Alert, type Finding, silentLogger } from '@argus/core';
import { ensembleDetector } from '@argus/detectors';
import { fakeClock } from '@argus/testkit';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type ArgusHandle, startArgus } from '../src/index.js';
import { cleanup, drain } from './cleanup.js';

const { tmp, handles } = cleanup();

/** A registry as a service has it: default metrics, a request-duration histogram and a requests counter. */
function serviceRegistry(): { registry: Registry; duration: Histogram; requests: Counter } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request duration.',
    labelNames: ['route'],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests.',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  return { registry, duration, requests };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('startArgus options', () => {
  it.each([
    [{ intervalMs: -1 }, /intervalMs/],
    [{ notify: { url: 'not a url' } }, /notify\.url/],
    [{ notify: { webhookUrl: 'not a url' } }, /notify\.webhookUrl/],
    [{ rules: { heap: { limitRatio: 2 } } }, /rules\.heap/],
    [{ registry: {} }, /registry/],
    [{ colour: 'blue' }, /colour/],
  ])('refuses %j with ERR_PLUGIN_OPTIONS naming the field', async (bad, field) => {
    const err = await startArgus(bad as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_PLUGIN_OPTIONS' });
    expect(String((err as Error).message)).toMatch(field);
    expect(String((err as Error).message)).toMatch(/startArgus/);
  });

  it('refuses an exporterRegistry that is the watched registry (Argus would watch its own output)', async () => {
    const registry = new Registry();
    const err = await startArgus({ registry, exporterRegistry: registry }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_PLUGIN_OPTIONS' });
    expect(String((err as Error).message)).toMatch(
      /exporterRegistry: must not be the registry Argus watches/,
    );
  });

  it('does no I/O before the options are valid: no data directory is created', async () => {
    const dir = join(tmp(), 'data');
    await expect(startArgus({ dataDir: dir, intervalMs: 0 })).rejects.toThrow(/intervalMs/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('startArgus with a real prom-client registry', () => {
  it('picks up default metrics and the histogram with zero config, keeps state in <dataDir>/state', async () => {
    const { registry, duration } = serviceRegistry();
    duration.observe({ route: '/' }, 0.01);
    const dataDir = tmp();
    const argus = await startArgus({ registry, intervalMs: 100, dataDir, notify: { console: false } });
    handles.push(argus);
    await until('the registry to be read twice', async () => {
      const s = await argus.store.latest('http_request_duration_seconds_bucket');
      return s.length > 0 && (await argus.store.latest('nodejs_eventloop_lag_p99_seconds')).length > 0;
    });
    const buckets = await argus.store.latest('http_request_duration_seconds_bucket{route="/"}');
    expect(buckets.map((b) => b.labels.le)).toContain('+Inf');
    expect((await argus.store.latest('nodejs_heap_size_used_bytes'))[0]!.value).toBeGreaterThan(0);
    expect(existsSync(join(dataDir, 'state'))).toBe(true);
    expect(argus.pipeline.stats().plugins.registry!.errors).toBe(0);
  });

  it('a latency incident gives a finding, a firing alert and a notification; 5xx fire HighErrorRate', async () => {
    // Reads, rules and notification timers run on a fake clock and every read sees the same traffic, so what the
    // detector learns does not depend on how busy the machine is (real 20 ms traffic timers made this flaky).
    const { registry, duration, requests } = serviceRegistry();
    let seed = 7;
    const noise = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.002;
    const hooks: { alerts: { labels: Record<string, string> }[] }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        hooks.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const clock = fakeClock({ now: Date.UTC(2026, 0, 5, 9) });
    const argus = await startArgus({
      registry,
      clock,
      intervalMs: 100,
      dataDir: tmp(),
      logger: silentLogger,
      // no range rule: after 25 samples, read-to-read noise alone steps outside the range seen
      detectors: [ensembleDetector({ warmupSamples: 20, calibrationSamples: 5, rangeTolerance: null })],
      rules: { errorRate: { forMs: 0 } },
      notify: { console: false, url, groupWaitMs: 100, groupIntervalMs: 100 },
    });
    handles.push(argus);
    const findings: Finding[] = [];
    const alerts: Alert[] = [];
    const notes: Notification[] = [];
    argus.on('finding', (f) => findings.push(f));
    argus.on('alert', (a) => alerts.push(a));
    // a user callback that throws runs inside the alert manager's timers: it must not stop the one after it
    argus.on('notification', () => {
      throw new Error('a broken user callback');
    });
    argus.on('notification', (n) => notes.push(n));
    /** One read interval: 5 requests at `latency` with `status`, then the read and all it starts. */
    const read = async (latency: number, status = '200'): Promise<void> => {
      await clock.advanceAsync(10);
      for (let i = 0; i < 5; i++) {
        duration.observe({ route: '/' }, latency + noise());
        requests.inc({ route: '/', status });
      }
      await clock.advanceAsync(90);
      await drain(argus);
    };
    const readUntil = async (what: string, ok: () => boolean, latency: number, status?: string) => {
      for (let i = 0; i < 100 && !ok(); i++) await read(latency, status);
      if (!ok()) throw new Error(`no ${what} within 100 reads`);
    };
    const name = (f: Finding): string | undefined => argus.pipeline.series.labels(f.series).__name__;
    const MEAN = 'argus:http_request_duration_seconds:mean';
    try {
      await drain(argus);
      // 20 + 5 warm-up samples of the mean series, with room to spare
      for (let i = 0; i < 35; i++) await read(0.01);
      expect(findings.filter((f) => name(f) === MEAN)).toEqual([]);
      const latencyAlert = (a: Alert): boolean =>
        a.labels.alertname === 'AnomalyDetected' && a.labels.series === MEAN && a.state === 'firing';
      await readUntil('anomaly alert on the mean latency', () => alerts.some(latencyAlert), 0.5);
      expect(findings.some((f) => name(f) === MEAN)).toBe(true);
      // detectors only score the watched series: no finding on a raw counter or bucket
      expect(
        findings.filter((f) => !/^argus:|^nodejs_(eventloop_lag_p99|heap_size_used)/.test(name(f)!)),
      ).toEqual([]);
      const firing = alerts.find(latencyAlert)!;
      expect(firing.labels.__name__).toBeUndefined();
      expect(firing.annotations.summary).toMatch(
        /^unusual value [0-9.e-]+ of argus:http_request_duration_seconds:mean$/,
      );
      await readUntil(
        'notification',
        () => notes.some((n) => n.alerts.some((a) => a.labels.alertname === 'AnomalyDetected')),
        0.5,
      );
      // the webhook is real HTTP: its delivery finishes in real time
      await until('the webhook call', () =>
        hooks.some((h) => h.alerts.some((a) => a.labels.alertname === 'AnomalyDetected')),
      );
      await readUntil(
        'HighErrorRate',
        () => alerts.some((a) => a.labels.alertname === 'HighErrorRate' && a.state === 'firing'),
        0.5,
        '503',
      );
      const exported = await scrape(argus);
      expect(exported).toMatch(/^argus_anomaly_score\{.*detector="ensemble".*\} [0-9.]+$/m);
      expect(exported).toMatch(/^ALERTS\{.*alertname="AnomalyDetected".*\} 1$/m);
      expect(exported).toMatch(/^argus_plugin_received_total\{plugin="registry"/m);
    } finally {
      receiver.close();
    }
    await argus.stop();
    await argus.stop(); // idempotent
    expect(argus.pipeline.status).toBe('stopped');
  });

  it('persistHistory keeps recorded samples in <dataDir>/store across a restart', async () => {
    const { registry, duration } = serviceRegistry();
    duration.observe({ route: '/' }, 0.01);
    const dataDir = tmp();
    const opts = { registry, intervalMs: 100, dataDir, persistHistory: true, notify: { console: false } };
    const first = await startArgus(opts);
    await until('a read', async () => (await first.store.latest('nodejs_heap_size_used_bytes')).length > 0);
    await first.stop();
    // an empty registry: the histogram can only come back from the files
    const second = await startArgus({ ...opts, registry: new Registry() });
    handles.push(second);
    const [kept] = await second.store.latest('http_request_duration_seconds_count{route="/"}');
    expect(kept?.value).toBe(1);
    expect(existsSync(join(dataDir, 'store'))).toBe(true);
  });

  it('stop() through Symbol.asyncDispose leaves nothing running and the exporter unregistered', async () => {
    const { registry } = serviceRegistry();
    const exporterRegistry = new Registry();
    const argus = await startArgus({
      registry,
      intervalMs: 100,
      dataDir: tmp(),
      exporterRegistry,
      notify: { console: false },
    });
    expect(await exporterRegistry.metrics()).toMatch(/argus_series_active/);
    await argus[Symbol.asyncDispose]();
    expect(argus.pipeline.status).toBe('stopped');
    expect(await exporterRegistry.metrics()).not.toMatch(/argus_/);
  });
});

async function scrape(argus: ArgusHandle): Promise<string> {
  const server: Server = createServer(argus.metricsHandler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/argus/metrics`);
    expect(res.status).toBe(200);
    return await res.text();
  } finally {
    await new Promise((r) => server.close(r));
  }
}
