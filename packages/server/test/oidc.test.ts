// OIDC login (authorization code with PKCE) through openid-client against a local oauth2-mock-server 8 process:
// the browser's redirects are followed by hand, the role comes from the `groups` claim.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '@argus/testkit';
import { afterEach, expect, it } from 'vitest';
import { roleFrom } from '../src/auth/oidc.js';
import type { Role } from '../src/index.js';
import { firing, type TestServer, testServer } from './helpers.js';

const CLIENT_SECRET = 'oidc-client-secret-for-tests-0042';
let provider: ChildProcess | undefined;
let s: TestServer | undefined;
afterEach(async () => {
  // the client secret goes to the provider only: never into a response or a log line
  expect(s?.seen.filter((line) => line.includes(CLIENT_SECRET)) ?? []).toEqual([]);
  await s?.close();
  provider?.kill();
  s = provider = undefined;
});

// the two login tests start a provider process (node + oauth2-mock-server): seconds on a loaded machine, not 5

/** Starts the provider process with the claims its tokens carry; resolves with its issuer URL. */
async function startProvider(user: string, groups: string[]): Promise<string> {
  const script = fileURLToPath(new URL('./fixtures/oidc-provider.mjs', import.meta.url));
  provider = spawn(process.execPath, [script], {
    env: { ...process.env, ARGUS_OIDC_USER: user, ARGUS_OIDC_GROUPS: groups.join(',') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(provider.stdout!, 'data')) as [Buffer];
  return chunk.toString().trim();
}

/** Argus over the provider, listening on a free port its callback names. */
async function argusWith(issuer: string): Promise<string> {
  const port = await freePort();
  s = await testServer({
    oidc: {
      issuer,
      clientId: 'argus',
      clientSecret: CLIENT_SECRET,
      redirectUri: `http://127.0.0.1:${port}/api/oidc/callback`,
      roles: { 'sre-admins': 'admin', sre: 'operator', staff: 'viewer' },
    },
  });
  return s.app.listen({ host: '127.0.0.1', port });
}

/** Login → provider → callback, as a browser would; returns the callback's answer. */
async function browserLogin(base: string): Promise<Response> {
  const start = await fetch(`${base}/api/oidc/login`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  const back = await fetch(authorize, { redirect: 'manual' });
  expect(back.status).toBe(302);
  return fetch(back.headers.get('location')!, { redirect: 'manual' });
}

it('logs in through the provider with PKCE; the role comes from the groups claim', {
  timeout: 30_000,
}, async () => {
  const base = await argusWith(await startProvider('dana', ['staff', 'sre']));
  const done = await browserLogin(base);
  expect(done.status).toBe(302);
  const cookie = done.headers.get('set-cookie')!;
  expect(cookie).toMatch(/argus_session=[^;]+;.*HttpOnly/i);
  const session = await fetch(`${base}/api/session`, { headers: { cookie: cookie.split(';')[0]! } });
  const who = (await session.json()) as { user: string; role: Role; via: string; csrfToken?: string };
  expect(who).toMatchObject({ user: 'dana', role: 'operator', via: 'session' });
  // the page takes its CSRF token from /api/session, and a write with it goes through
  const alert = firing({ alertname: 'OidcAck' });
  s!.am.ingest([alert]);
  const ack = await fetch(`${base}/api/alerts/${alert.fingerprint}/ack`, {
    method: 'POST',
    headers: {
      cookie: cookie.split(';')[0]!,
      'x-csrf-token': who.csrfToken!,
      'content-type': 'application/json',
    },
    body: '{}',
  });
  expect(ack.status).toBe(200);
  const audit = await s!.app.inject({
    url: '/api/audit?action=login',
    headers: { authorization: `Bearer ${s!.tokens.admin}` },
  });
  expect(audit.json()).toEqual([expect.objectContaining({ actor: 'dana', action: 'login', detail: 'oidc' })]);
});

it('refuses a user whose claims map to no role, and a callback it did not start', {
  timeout: 30_000,
}, async () => {
  const base = await argusWith(await startProvider('eve', ['contractors']));
  const done = await browserLogin(base);
  expect(done.status).toBe(403);
  expect(done.headers.get('set-cookie')).toBeNull();
  const forged = await fetch(`${base}/api/oidc/callback?code=abc&state=made-up`, { redirect: 'manual' });
  expect(forged.status).toBe(400);
  expect(((await forged.json()) as { field: string }).field).toBe('querystring.state');
});

it('maps claim values to the strongest role', () => {
  const roles: Record<string, Role> = { a: 'viewer', b: 'admin', c: 'operator' };
  expect(roleFrom(['a', 'c'], roles)).toBe('operator');
  expect(roleFrom(['a', 'b', 'c'], roles)).toBe('admin');
  expect(roleFrom('a', roles)).toBe('viewer');
  expect(roleFrom(['x'], roles)).toBeUndefined();
  expect(roleFrom(undefined, roles)).toBeUndefined();
});
