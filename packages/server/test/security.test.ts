import { memoryStateStore } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { Users } from '../src/auth/users.js';
import { auth, SECRETS, type TestServer, testServer } from './helpers.js';

// cheap scrypt parameters for the test users only; the server verifies with the parameters stored in each hash
const FAST = { N: 2 ** 10, r: 8, p: 1 };
let s: TestServer | undefined;
afterEach(async () => {
  if (!s) return;
  const secrets = [...Object.values(SECRETS), ...Object.values(s.tokens)];
  for (const line of s.seen) for (const secret of secrets) expect(line).not.toContain(secret);
  await s.close();
  s = undefined;
});

async function withUser(extra = {}): Promise<TestServer> {
  const state = memoryStateStore();
  await new Users(state, FAST).put('alice', SECRETS.password, 'operator', 0);
  s = await testServer({ state, ...extra });
  return s;
}

async function login(t: TestServer, password = SECRETS.password) {
  const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { user: 'alice', password } });
  const cookie = res.cookies.find((c) => c.name === 'argus_session');
  return { res, cookie, csrf: res.statusCode === 200 ? (res.json().csrfToken as string) : '' };
}

/** An admin makes a viewer token `grafana`; its one response is dropped from the secret check (it must carry it). */
async function grafanaToken(t: TestServer): Promise<{ id: string; token: string }> {
  const made = await t.app.inject({
    method: 'POST',
    url: '/api/tokens',
    headers: auth(t.tokens.admin),
    payload: { name: 'grafana', role: 'viewer' },
  });
  t.seen.pop();
  return made.json() as { id: string; token: string };
}

const silence = { matchers: ['alertname="X"'], endsAt: Date.now() + 60_000, comment: 'c' };

describe('sessions', () => {
  it('logs in with an HttpOnly SameSite cookie; writes need the CSRF token; logout ends the session', async () => {
    const t = await withUser();
    const { cookie, csrf } = await login(t);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.secure).toBeFalsy();
    const cookies = { argus_session: cookie!.value };
    expect((await t.app.inject({ url: '/api/session', cookies })).json()).toMatchObject({
      user: 'alice',
      role: 'operator',
    });
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/silences',
      cookies,
      payload: silence,
      headers: { 'x-csrf-token': 'forged' },
    });
    expect(forged.statusCode).toBe(403);
    const none = await t.app.inject({ method: 'POST', url: '/api/silences', cookies, payload: silence });
    expect(none.statusCode).toBe(403);
    expect(t.am.silences()).toEqual([]);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/silences',
      cookies,
      payload: silence,
      headers: { 'x-csrf-token': csrf },
    });
    expect(ok.statusCode).toBe(200);
    expect(t.am.silences()[0]!.createdBy).toBe('alice');
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/logout',
      cookies,
      headers: { 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/session', cookies })).statusCode).toBe(401);
  });

  it('sets Secure on the cookie with secureCookies', async () => {
    const t = await withUser({ secureCookies: true });
    expect((await login(t)).cookie?.secure).toBe(true);
  });

  it('refuses a wrong password, and an expired session', async () => {
    const clock = fakeClock({ now: Date.now() });
    const t = await withUser({ clock, sessionTtlMs: 60_000 });
    expect((await login(t, 'wrong-password-123')).res.statusCode).toBe(401);
    const { cookie } = await login(t);
    const cookies = { argus_session: cookie!.value };
    expect((await t.app.inject({ url: '/api/session', cookies })).statusCode).toBe(200);
    clock.advance(60_001);
    expect((await t.app.inject({ url: '/api/session', cookies })).statusCode).toBe(401);
  });

  it('refuses a write with an expired session, even with its CSRF token, changing nothing', async () => {
    const clock = fakeClock({ now: Date.now() });
    const t = await withUser({ clock, sessionTtlMs: 60_000 });
    const { cookie, csrf } = await login(t);
    clock.advance(60_001);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/silences',
      cookies: { argus_session: cookie!.value },
      payload: { ...silence, endsAt: clock.now() + 60_000 },
      headers: { 'x-csrf-token': csrf },
    });
    expect(res.statusCode).toBe(401);
    expect(t.am.silences()).toEqual([]);
  });

  it('rate-limits login attempts per client', async () => {
    const t = await withUser({ loginPerMinute: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await login(t, `wrong-password-${i}xx`)).res.statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
  });
});

// The secret is everything after `argus_<16 hex>_`: base64url may itself contain '_' (split('_') once gave '').
const tokenSecret = (token: string): string => token.replace(/^argus_[0-9a-f]{16}_/, '');

describe('tokens and the audit log', () => {
  it('shows a token once, lists it without its secret, and revokes it', async () => {
    const t = await withUser();
    const { id, token } = await grafanaToken(t);
    expect(token).toMatch(/^argus_[0-9a-f]{16}_/);
    expect((await t.app.inject({ url: '/api/alerts', headers: auth(token) })).statusCode).toBe(200);
    const list = await t.app.inject({ url: '/api/tokens', headers: auth(t.tokens.admin) });
    expect(list.body).not.toContain(tokenSecret(token));
    expect(list.json().map((x: { name: string }) => x.name)).toContain('grafana');
    await t.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: auth(t.tokens.admin) });
    expect((await t.app.inject({ url: '/api/alerts', headers: auth(token) })).statusCode).toBe(401);
    for (const line of t.seen) expect(line).not.toContain(token);
  });

  it('keeps the audit log durable in the state store: a new server over the same state still shows it', async () => {
    const t = await withUser();
    await login(t);
    await login(t, 'wrong-password-123');
    await t.app.argus.flushed();
    const again = await testServer({ state: t.state });
    try {
      const entries = (
        await again.app.inject({ url: '/api/audit', headers: auth(again.tokens.admin) })
      ).json();
      expect(entries.map((e: { action: string; actor: string }) => `${e.action}:${e.actor}`)).toEqual(
        expect.arrayContaining(['login:alice', 'loginFailed:alice']),
      );
      expect(entries[0].from).toBe('127.0.0.1');
    } finally {
      await again.close();
    }
  });
});

describe('secrets', () => {
  it('never returns a secret, even in errors about them', async () => {
    const t = await withUser();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/silences',
      headers: auth(t.tokens.operator),
      payload: { matchers: [`url=~"${SECRETS.webhook}("`], endsAt: Date.now() + 1000, comment: 'x' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<secret>');
    const status = await t.app.inject({ url: '/api/v2/status', headers: auth(t.tokens.viewer) });
    expect(status.json().config.original).toContain('url: http://<secret>/');
    // the afterEach hook greps every response and log line of this server for every known secret
  });
});

describe('local users and secrets at rest', () => {
  /** Every value in the state store, as text. */
  const stored = async (t: TestServer): Promise<string> => {
    const out: string[] = [];
    for (const key of await t.state.list('')) out.push(key, JSON.stringify(await t.state.get(key)));
    return out.join('\n');
  };

  it('an admin adds, lists and removes a user; the user logs in until removed; both are audited', async () => {
    const t = await withUser();
    const admin = auth(t.tokens.admin);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/users/bob',
      headers: admin,
      payload: { password: SECRETS.password, role: 'viewer' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ name: 'bob', role: 'viewer' });
    const list = await t.app.inject({ url: '/api/users', headers: admin });
    expect(
      list
        .json()
        .map((u: { name: string; role: string }) => `${u.name}:${u.role}`)
        .sort(),
    ).toEqual(['alice:operator', 'bob:viewer']);
    expect(list.body).not.toContain('salt');
    const bob = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { user: 'bob', password: SECRETS.password },
      });
    expect((await bob()).json()).toMatchObject({ user: 'bob', role: 'viewer' });
    const del = await t.app.inject({ method: 'DELETE', url: '/api/users/bob', headers: admin });
    expect(del.statusCode).toBe(200);
    expect((await bob()).statusCode).toBe(401);
    const again = await t.app.inject({ method: 'DELETE', url: '/api/users/bob', headers: admin });
    expect(again.statusCode).toBe(404);
    const audit = (await t.app.inject({ url: '/api/audit', headers: admin })).json();
    expect(audit.map((e: { action: string; target?: string }) => `${e.action}:${e.target ?? ''}`)).toEqual(
      expect.arrayContaining(['userPut:bob', 'userRemove:bob']),
    );
  });

  it('refuses a bad user name or a short password with 400 naming the field, adding no one', async () => {
    const t = await withUser();
    const admin = auth(t.tokens.admin);
    const cases: [string, object, string][] = [
      ['/api/users/bad%20name', { password: SECRETS.password, role: 'viewer' }, 'params.name'],
      ['/api/users/bob', { password: 'short', role: 'viewer' }, 'body.password'],
      ['/api/users/bob', { password: SECRETS.password, role: 'root' }, 'body.role'],
      ['/api/users/bob', { password: SECRETS.password, role: 'viewer', admin: true }, 'body'],
    ];
    for (const [url, payload, field] of cases) {
      const res = await t.app.inject({ method: 'PUT', url, headers: admin, payload });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().field, JSON.stringify(res.json())).toBe(field);
    }
    const names = (await t.app.inject({ url: '/api/users', headers: admin })).json();
    expect(names.map((u: { name: string }) => u.name)).toEqual(['alice']);
  });

  it('stores neither a password nor a token secret: only their hashes are in the state store', async () => {
    const t = await withUser();
    const { token } = await grafanaToken(t);
    const at = await stored(t);
    expect(at).toContain('grafana');
    expect(at).toContain('alice');
    for (const secret of [SECRETS.password, token, tokenSecret(token), ...Object.values(t.tokens)])
      expect(at).not.toContain(secret);
  });
});
