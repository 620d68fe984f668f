// Webhook receivers mounted on the server (the handler reads the raw body itself), and the reload counters of
// `reloadStatus` in /api/health and /metrics.
import type { IncomingMessage } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import type { ReloadStatus } from '../src/index.js';
import { auth, type TestServer, testServer } from './helpers.js';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function body(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => ok(text));
    req.on('error', fail);
  });
}

it('a webhook gets the raw request stream on the API port, with no credentials; other paths stay guarded', async () => {
  const got: { url: string; type: string; body: string }[] = [];
  s = await testServer({
    webhooks: [
      {
        path: '/azure/alerts',
        handler: (req, res) => {
          void body(req).then((b) => {
            got.push({ url: req.url!, type: String(req.headers['content-type']), body: b });
            res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1}');
          });
        },
      },
    ],
  });
  for (const type of ['application/json', 'text/plain']) {
    const res = await s.app.inject({
      method: 'POST',
      url: '/azure/alerts?token=t',
      headers: { 'content-type': type },
      payload: '{"schemaId":"x"}',
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 1 });
  }
  expect(got).toEqual([
    { url: '/azure/alerts?token=t', type: 'application/json', body: '{"schemaId":"x"}' },
    { url: '/azure/alerts?token=t', type: 'text/plain', body: '{"schemaId":"x"}' },
  ]);
  expect(s.app.argus.routes).toContainEqual({ method: 'POST', url: '/azure/alerts', access: 'public' });
  expect((await s.app.inject({ url: '/api/alerts' })).statusCode).toBe(401);
});

it('a webhook path must start with /', async () => {
  await expect(testServer({ webhooks: [{ path: 'azure', handler: () => {} }] })).rejects.toThrow(
    /webhooks.*path.*must start with \//s,
  );
});

it('reload counts show in /api/health and as argus_config_* at /metrics', async () => {
  const status: ReloadStatus = {
    total: 3,
    failures: 1,
    lastSuccessful: false,
    lastSuccessAt: 1_700_000_000_000,
  };
  s = await testServer({ reloadStatus: () => status });
  const h = auth(s.tokens.viewer);
  const health = (await s.app.inject({ url: '/api/health', headers: h })).json() as { reloads: ReloadStatus };
  expect(health.reloads).toEqual(status);
  const m = await s.app.inject({ url: '/metrics', headers: h });
  expect(m.statusCode).toBe(200);
  expect(m.body).toContain('argus_config_reloads_total 3\n');
  expect(m.body).toContain('argus_config_reload_failures_total 1\n');
  expect(m.body).toContain('argus_config_last_reload_successful 0\n');
  expect(m.body).toContain('argus_config_last_reload_success_timestamp_seconds 1700000000\n');
  // public by default, as Prometheus serves its own /metrics; metricsAuth: 'read' asks for a viewer
  expect((await s.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  await s.close();
  s = await testServer({ reloadStatus: () => status, metricsAuth: 'read' });
  expect((await s.app.inject({ url: '/metrics' })).statusCode).toBe(401);
  expect((await s.app.inject({ url: '/metrics', headers: auth(s.tokens.viewer) })).statusCode).toBe(200);
});

it('a one-time login link starts a session once, then is spent', async () => {
  const secret = 'once-only-secret-0123456789';
  s = await testServer({ loginLink: { secret, user: 'admin', role: 'admin' } });
  expect((await s.app.inject({ url: '/login?once=wrong-secret-wrong' })).statusCode).toBe(401);
  const res = await s.app.inject({ url: `/login?once=${secret}` });
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/');
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  const session = await s.app.inject({ url: '/api/session', headers: { cookie } });
  expect(session.json()).toMatchObject({ user: 'admin', role: 'admin', via: 'session' });
  expect(session.json().csrfToken).toMatch(/\S{16,}/);
  const again = await s.app.inject({ url: `/login?once=${secret}` });
  expect(again.statusCode).toBe(401);
  expect(again.headers['set-cookie']).toBeUndefined();
});
