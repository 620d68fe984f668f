// Walks EVERY route of the route table × EVERY role (and no credentials): a route added without a rule fails at
// registration, and a rule that lets the wrong role through fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access, Role } from '../src/auth/roles.js';
import { ROLES } from '../src/index.js';
import { auth, type TestServer, testServer } from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => {
  await s.close();
});

// The policy, written out independently of the server's grant table.
const MAY: Record<Access, readonly Role[]> = {
  public: ['viewer', 'operator', 'admin', 'sender'],
  read: ['viewer', 'operator', 'admin'],
  operate: ['operator', 'admin'],
  admin: ['admin'],
  send: ['sender', 'admin'],
};
const allows = (who: Role | undefined, access: Access): boolean =>
  access === 'public' || (who !== undefined && MAY[access]!.includes(who));

// Rules of the routes that matter most, so a route moved to a weaker rule fails too.
const PINNED: Record<string, Access> = {
  'GET /-/healthy': 'public',
  'POST /api/login': 'public',
  'POST /-/reload': 'admin',
  'GET /api/config': 'admin',
  'GET /api/audit': 'admin',
  'POST /api/tokens': 'admin',
  'PUT /api/users/:name': 'admin',
  'POST /api/v2/alerts': 'send',
  'POST /api/v2/silences': 'operate',
  'DELETE /api/v2/silence/:id': 'operate',
  'POST /api/silences': 'operate',
  'POST /api/alerts/:fingerprint/ack': 'operate',
  'GET /api/alerts': 'read',
  'GET /api/v2/alerts': 'read',
  'GET /api/series': 'read',
  'GET /api/findings': 'read',
  'GET /api/series/band': 'read',
  'POST /api/analysis/jobs': 'operate',
  'DELETE /api/analysis/jobs/:id': 'operate',
  'GET /api/analysis/jobs': 'read',
  'GET /api/analysis/jobs/:id': 'read',
};

// the event stream never ends: a bad parameter lets the check pass auth and stop at validation (400)
const filled = (url: string): string =>
  url
    .replace(/^(.*\/api\/events)$/, '$1?lastEventId=bad')
    .replace(':fingerprint', '0123456789abcdef')
    .replace(/:(id|name)/g, 'someone')
    .replace('*', 'query?query=1');

describe('RBAC over the route table', () => {
  it('has a rule for every route, and the table covers the API', () => {
    const urls = s.app.argus.routes.map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        'GET /api/alerts',
        'POST /api/v2/alerts',
        'DELETE /api/v2/silence/:id',
        'GET /api/series',
        'GET /api/findings',
        'POST /api/analysis/jobs',
        'DELETE /api/analysis/jobs/:id',
      ]),
    );
    expect(s.app.argus.routes.length).toBeGreaterThan(25);
    const rules = Object.fromEntries(s.app.argus.routes.map((r) => [`${r.method} ${r.url}`, r.access]));
    for (const [route, access] of Object.entries(PINNED)) expect(rules[route], route).toBe(access);
  });

  it('every route × every role and no credentials gets exactly what its rule allows', async () => {
    const failures: string[] = [];
    for (const r of s.app.argus.routes) {
      for (const who of [undefined, ...ROLES] as (Role | undefined)[]) {
        const res = await s.app.inject({
          method: r.method as 'GET',
          url: filled(r.url),
          headers: who ? auth(s.tokens[who]) : {},
          ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }),
        });
        const denied = res.statusCode === 401 || res.statusCode === 403;
        const want = allows(who, r.access);
        if (denied === want) failures.push(`${r.method} ${r.url} as ${who ?? 'nobody'}: ${res.statusCode}`);
        if (!want) expect(res.statusCode).toBe(who ? 403 : 401);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses to register a route without a rule', async () => {
    const { default: Fastify } = await import('fastify');
    const { installAuth } = await import('../src/auth/hook.js');
    const app = Fastify();
    const table: { method: string; url: string; access: Access }[] = [];
    installAuth(app, {} as never, table);
    app.get('/api/guarded', { config: { access: 'read' } }, async () => 'x');
    expect(() => app.get('/api/unguarded', async () => 'x')).toThrow(/no config.access rule/);
    expect(table).toEqual([{ method: 'GET', url: '/api/guarded', access: 'read' }]);
    await app.close();
  });
});
