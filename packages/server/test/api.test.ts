import { fingerprint } from '@argus/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, firing, SECRETS, type TestServer, testServer } from './helpers.js';

let s: TestServer;
beforeEach(async () => {
  s = await testServer();
});
afterEach(async () => {
  for (const line of s.seen)
    for (const secret of [...Object.values(SECRETS), ...Object.values(s.tokens)])
      expect(line).not.toContain(secret);
  await s.close();
});

describe('operations endpoints', () => {
  it('answers /-/healthy and /-/ready without credentials', async () => {
    expect((await s.app.inject({ url: '/-/healthy' })).statusCode).toBe(200);
    expect((await s.app.inject({ url: '/-/ready' })).statusCode).toBe(200);
  });

  it('answers /-/ready with 503 while the ready condition fails', async () => {
    let loaded = false;
    const r = await testServer({ ready: () => loaded });
    try {
      const res = await r.app.inject({ url: '/-/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('not ready');
      loaded = true;
      expect((await r.app.inject({ url: '/-/ready' })).statusCode).toBe(200);
    } finally {
      await r.close();
    }
  });

  it('sends security headers', async () => {
    const res = await s.app.inject({ url: '/-/healthy' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });
});

describe('alerts', () => {
  it('lists alerts filtered by matcher, state and severity, with detail and history', async () => {
    s.am.ingest([
      firing({ alertname: 'HighCPU', severity: 'critical', team: 'db' }),
      firing({ alertname: 'DiskFull', severity: 'warning', team: 'web' }),
    ]);
    const h = auth(s.tokens.viewer);
    const all = (await s.app.inject({ url: '/api/alerts', headers: h })).json();
    expect(all).toHaveLength(2);
    const db = (await s.app.inject({ url: '/api/alerts?filter=team%3D%22db%22', headers: h })).json();
    expect(db.map((a: { labels: { alertname: string } }) => a.labels.alertname)).toEqual(['HighCPU']);
    const warn = (
      await s.app.inject({ url: '/api/alerts?severity=warning&state=active', headers: h })
    ).json();
    expect(warn.map((a: { labels: { alertname: string } }) => a.labels.alertname)).toEqual(['DiskFull']);
    const fp = fingerprint({ alertname: 'HighCPU', severity: 'critical', team: 'db' });
    const detail = (await s.app.inject({ url: `/api/alerts/${fp}`, headers: h })).json();
    expect(detail.alert.fingerprint).toBe(fp);
    expect(detail.history.map((e: { event: string }) => e.event)).toContain('firing');
  });

  it('answers a bad matcher and an unknown parameter with 400 naming the field', async () => {
    const h = auth(s.tokens.viewer);
    const bad = await s.app.inject({ url: '/api/alerts?filter=team%3D~%22(%22', headers: h });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('querystring.filter');
    const unknown = await s.app.inject({ url: '/api/alerts?colour=red', headers: h });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('colour');
    const state = await s.app.inject({ url: '/api/alerts?state=burning', headers: h });
    expect(state.statusCode).toBe(400);
    expect(state.json().field).toBe('querystring.state');
  });

  it('acks and unacks with a comment, recorded in history and the audit log', async () => {
    const labels = { alertname: 'HighCPU', severity: 'critical' };
    s.am.ingest([firing(labels)]);
    const fp = fingerprint(labels);
    const ack = await s.app.inject({
      method: 'POST',
      url: `/api/alerts/${fp}/ack`,
      headers: auth(s.tokens.operator),
      payload: { comment: 'looking into it' },
    });
    expect(ack.statusCode).toBe(200);
    expect(s.am.alerts()[0]!.ack).toMatchObject({ by: 'token:operator-bot', comment: 'looking into it' });
    const unack = await s.app.inject({
      method: 'DELETE',
      url: `/api/alerts/${fp}/ack`,
      headers: auth(s.tokens.operator),
    });
    expect(unack.statusCode).toBe(200);
    expect(s.am.alerts()[0]!.ack).toBeUndefined();
    const hist = (
      await s.app.inject({
        url: `/api/history?fingerprint=${fp}&event=acked`,
        headers: auth(s.tokens.viewer),
      })
    ).json();
    expect(hist[0]).toMatchObject({ event: 'acked', reason: 'token:operator-bot: looking into it' });
    const audit = (
      await s.app.inject({ url: '/api/audit?action=ack', headers: auth(s.tokens.admin) })
    ).json();
    expect(audit[0]).toMatchObject({
      actor: 'token:operator-bot',
      action: 'ack',
      target: fp,
      detail: 'looking into it',
    });
  });

  it('refuses to ack an alert that is not firing, changing nothing', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/alerts/0123456789abcdef/ack',
      headers: auth(s.tokens.operator),
      payload: {},
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('fingerprint');
    const audit = (await s.app.inject({ url: '/api/audit', headers: auth(s.tokens.admin) })).json();
    expect(audit).toEqual([]);
  });
});

describe('silences', () => {
  it('previews, creates, updates and expires a silence', async () => {
    s.am.ingest([
      firing({ alertname: 'HighCPU', instance: 'web-1' }),
      firing({ alertname: 'HighCPU', instance: 'db-1' }),
    ]);
    const h = auth(s.tokens.operator);
    const preview = await s.app.inject({
      method: 'POST',
      url: '/api/silences/preview',
      headers: h,
      payload: { matchers: ['instance=~"web-.*"'] },
    });
    expect(preview.json().map((a: { labels: { instance: string } }) => a.labels.instance)).toEqual(['web-1']);
    const endsAt = Date.now() + 3_600_000;
    const made = await s.app.inject({
      method: 'POST',
      url: '/api/silences',
      headers: h,
      payload: { matchers: ['instance=~"web-.*"'], endsAt, comment: 'deploy' },
    });
    expect(made.statusCode).toBe(200);
    const { id } = made.json();
    expect(s.am.alerts().find((a) => a.labels.instance === 'web-1')!.status.state).toBe('suppressed');
    const updated = await s.app.inject({
      method: 'POST',
      url: '/api/silences',
      headers: h,
      payload: { id, matchers: ['instance="db-1"'], endsAt, comment: 'deploy db' },
    });
    expect(updated.json().id).toBe(id);
    expect(s.am.silences()[0]!.createdBy).toBe('token:operator-bot');
    const expired = await s.app.inject({ method: 'DELETE', url: `/api/silences/${id}`, headers: h });
    expect(expired.statusCode).toBe(200);
    expect(s.am.silences()[0]!.state).toBe('expired');
  });

  it('rejects bad silences with 400 naming the field and creates nothing', async () => {
    const h = auth(s.tokens.operator);
    const cases: [unknown, string][] = [
      [{ matchers: [], endsAt: Date.now() + 1000, comment: 'x' }, 'body.matchers'],
      [{ matchers: ['a=~"("'], endsAt: Date.now() + 1000, comment: 'x' }, 'body.matchers'],
      [{ matchers: ['a=""'], endsAt: Date.now() + 1000, comment: 'x' }, 'body.matchers'],
      [{ matchers: ['a="1"'], endsAt: 'tomorrow', comment: 'x' }, 'body.endsAt'],
      [{ matchers: ['a="1"'], endsAt: Date.now() + 1000, comment: 'x', extra: 1 }, 'body'],
      [{ matchers: ['a="1"'], endsAt: Date.now() + 1000 }, 'body.comment'],
      [{ id: 'nope', matchers: ['a="1"'], endsAt: Date.now() + 1000, comment: 'x' }, 'body.id'],
    ];
    for (const [payload, field] of cases) {
      const res = await s.app.inject({
        method: 'POST',
        url: '/api/silences',
        headers: h,
        payload: payload as object,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(res.json())).toBe(field);
    }
    expect(s.am.silences()).toEqual([]);
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/silences',
      headers: { ...auth(s.tokens.operator), 'content-type': 'application/json' },
      payload: JSON.stringify({ matchers: ['a="1"'], endsAt: 1, comment: 'x'.repeat(2_000_000) }),
    });
    expect(res.statusCode).toBe(413);
  });

  it('applies bodyLimitBytes when mounted in a host app with a larger limit', async () => {
    const small = await testServer({ bodyLimitBytes: 1500 });
    try {
      const post = (comment: string) =>
        small.app.inject({
          method: 'POST',
          url: '/api/silences',
          headers: { ...auth(small.tokens.operator), 'content-type': 'application/json' },
          payload: JSON.stringify({ matchers: ['a="1"'], endsAt: Date.now() + 60_000, comment }),
        });
      // a valid silence (comments may have 2000 characters), but over this server's limit
      expect((await post('x'.repeat(1800))).statusCode).toBe(413);
      expect(small.am.silences()).toEqual([]);
      expect((await post('fits')).statusCode).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('status', () => {
  it('shows health and the configuration in force without secrets', async () => {
    const health = await s.app.inject({ url: '/api/health', headers: auth(s.tokens.viewer) });
    expect(health.json().alertManager).toMatchObject({ alerts: 0, deadLetters: 0 });
    const config = await s.app.inject({ url: '/api/config', headers: auth(s.tokens.admin) });
    expect(config.statusCode).toBe(200);
    expect(config.json().config).toEqual({ notify: { webhook: '<secret>' }, intervalMs: 15000 });
    expect(config.json().alertmanager).toContain('url: http://<secret>/');
  });

  it('serves an OpenAPI 3 document generated from the schemas', async () => {
    const doc = (await s.app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/alerts', '/api/silences', '/api/v2/alerts']),
    );
    const post = doc.paths['/api/silences'].post;
    expect(post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['matchers', 'endsAt', 'comment']),
    );
  });
});
