import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlertEventBatch, createPipeline } from '@argus/core';
import { memorySink } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { azureAlertsSource, createAzureAlertHandler } from '../src/index.js';
import { fired, TARGET, TOKEN } from './alert-fixture.js';
import { testCert } from './fake/tls.js';
import { ctxAt } from './helpers.js';

const resolved = {
  ...fired,
  data: {
    ...fired.data,
    essentials: {
      ...fired.data.essentials,
      monitorCondition: 'Resolved',
      resolvedDateTime: '2025-01-01T00:20:00.0000000Z',
    },
  },
};

function post(
  url: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  method = 'POST',
) {
  return new Promise<{ status: number; body: { error?: string; accepted?: number } }>((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function mounted(emit: (b: AlertEventBatch) => Promise<boolean>) {
  const handler = createAzureAlertHandler({ token: TOKEN, emit, maxBodyBytes: 4096, now: () => 42 });
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

describe('createAzureAlertHandler', () => {
  it('turns Fired and Resolved into alert events with severity, target resource and rule', async () => {
    const got: AlertEventBatch[] = [];
    const url = await mounted(async (b) => void got.push(b) === undefined);
    expect(await post(`${url}?token=${TOKEN}`, JSON.stringify(fired))).toEqual({
      status: 202,
      body: { accepted: 1 },
    });
    expect(await post(`${url}?token=${TOKEN}`, JSON.stringify(resolved))).toMatchObject({ status: 202 });
    const [f, r] = got.map((b) => b.events[0]!);
    expect(f).toEqual({
      labels: {
        alertname: 'HighCPU',
        severity: 'informational',
        azure_severity: 'Sev3',
        signal_type: 'Metric',
        monitoring_service: 'Platform',
        resource_id: TARGET,
        resource_group: 'rg',
        resource_type: 'microsoft.compute/virtualmachines',
        resource_name: 'vm1',
        subscription_id: '1111',
      },
      annotations: {
        alert_id: fired.data.essentials.alertId,
        fired_at: '2025-01-01T00:05:00.1234567Z',
        summary: 'Average Percentage CPU GreaterThan 80 (value 91.3)',
        origin_alert_id: fired.data.essentials.originAlertId,
        configuration_items: 'vm1',
        team: 'ops',
      },
      status: 'firing',
      startsAt: Date.parse('2025-01-01T00:05:00.123Z'),
      origin: 'azure-monitor',
    });
    expect(r!.status).toBe('resolved');
    expect(r!.endsAt).toBe(Date.parse('2025-01-01T00:20:00Z'));
    expect(r!.labels).toEqual(f!.labels);
  });

  it.each([
    ['no token', '', JSON.stringify(fired), undefined, 401, /missing \?token=/],
    ['a wrong token', '?token=wrong-wrong-wrong-wrong', JSON.stringify(fired), undefined, 403, /wrong token/],
    ['GET', `?token=${TOKEN}`, '', 'GET', 405, /only POST/],
    ['text/plain', `?token=${TOKEN}`, JSON.stringify(fired), 'text', 415, /content-type/],
    ['not JSON', `?token=${TOKEN}`, '{"schemaId":', undefined, 400, /not JSON/],
    [
      'another schema',
      `?token=${TOKEN}`,
      JSON.stringify({ schemaId: 'AzureMonitorMetricAlert', data: {} }),
      undefined,
      400,
      /Use common alert schema.*schemaId: /,
    ],
    [
      'a bad severity',
      `?token=${TOKEN}`,
      JSON.stringify({
        ...fired,
        data: { ...fired.data, essentials: { ...fired.data.essentials, severity: 'High' } },
      }),
      undefined,
      400,
      /data\.essentials\.severity/,
    ],
    [
      'a body over maxBodyBytes',
      `?token=${TOKEN}`,
      JSON.stringify({ pad: 'x'.repeat(5000) }),
      undefined,
      413,
      /over 4096 bytes/,
    ],
  ])('answers %s with a clear 4xx and emits nothing', async (_what, query, body, kind, status, message) => {
    const got: AlertEventBatch[] = [];
    const url = await mounted(async (b) => void got.push(b) === undefined);
    const headers =
      kind === 'text' ? { 'content-type': 'text/plain' } : { 'content-type': 'application/json' };
    const res = await post(`${url}${query}`, body, headers, kind === 'GET' ? 'GET' : 'POST');
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
    expect(got).toHaveLength(0);
  });

  it('answers 503 when the pipeline no longer accepts data', async () => {
    const url = await mounted(async () => false);
    expect((await post(`${url}?token=${TOKEN}`, JSON.stringify(fired))).status).toBe(503);
  });

  it('refuses a short token', () => {
    expect(() => createAzureAlertHandler({ token: 'short', emit: async () => true })).toThrow(
      /16 characters/,
    );
  });
});

describe('azureAlertsSource', () => {
  it('listens on 127.0.0.1 and feeds alert events through a pipeline', async () => {
    const source = azureAlertsSource({ token: TOKEN, listen: { port: 0 } });
    const sink = memorySink({ accepts: ['alerts'] });
    const pipeline = createPipeline({ sources: [source], sinks: [sink] });
    await pipeline.start();
    closers.push(() => pipeline.stop({ timeoutMs: 5_000 }).then(() => undefined));
    const url = source.url()!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/azure\/alerts$/);
    expect((await post(`${url}?token=${TOKEN}`, JSON.stringify(fired))).status).toBe(202);
    expect((await post(url.replace('/azure/alerts', '/other'), '{}')).status).toBe(404);
    const until = Date.now() + 5_000;
    while (sink.alerts().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(sink.alerts()[0]).toMatchObject({
      labels: { alertname: 'HighCPU', resource_name: 'vm1' },
      origin: 'azure-monitor',
    });
  });

  it('serves HTTPS with the PEM files of tls, and answers other paths 404 in JSON', async () => {
    const { cert, key } = await testCert();
    const dir = mkdtempSync(join(tmpdir(), 'argus-azure-tls-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'cert.pem'), cert);
    writeFileSync(join(dir, 'key.pem'), key);
    const source = azureAlertsSource({
      token: TOKEN,
      listen: { port: 0 },
      tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
    });
    const got: AlertEventBatch[] = [];
    const { ctx } = ctxAt(0);
    await source.start!(ctx);
    await source.listen!(async (b) => void got.push(b as AlertEventBatch) === undefined, ctx);
    closers.push(async () => {
      await source.stop!(ctx);
    });
    const url = source.url()!;
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/azure\/alerts$/);
    const send = (to: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const headers = { 'content-type': 'application/json' };
        const req = httpsRequest(to, { method: 'POST', headers, ca: cert }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(fired));
      });
    expect((await send(`${url}?token=${TOKEN}`)).status).toBe(202);
    expect(got[0]?.events[0]).toMatchObject({ labels: { alertname: 'HighCPU' } });
    expect(await send(url.replace('/azure/alerts', '/other'))).toEqual({
      status: 404,
      text: JSON.stringify({ error: 'post to /azure/alerts' }),
    });
    await expect(post(url.replace('https:', 'http:'), '{}')).rejects.toThrow();
  });

  it('closes its listener on stop', async () => {
    const source = azureAlertsSource({ token: TOKEN, listen: { port: 0 } });
    const { ctx } = ctxAt(0);
    await source.start!(ctx);
    const url = source.url()!;
    await source.stop!(ctx);
    expect(source.url()).toBeUndefined();
    await expect(post(url, '{}')).rejects.toThrow(/ECONNREFUSED/);
  });

  it.each([
    [{ token: 'short' }, /token: at least 16/],
    [{ token: TOKEN, listen: { port: 70000 } }, /listen\.port/],
    [{ token: TOKEN, path: 'hook' }, /path/],
  ])('rejects %j naming the field', (bad, field) => {
    expect(() => azureAlertsSource(bad as never)).toThrow(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringMatching(field) }),
    );
  });
});
