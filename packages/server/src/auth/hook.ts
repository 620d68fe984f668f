import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, RouteRule, ServerContext } from '../context.js';
import { allows } from './roles.js';
import { sameSecret } from './secret-hash.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'argus_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

async function principalOf(ctx: ServerContext, req: FastifyRequest): Promise<Principal | undefined> {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const t = m ? ctx.tokens.verify(m[1]!) : undefined;
    // a wrong token is not retried as a session: the caller meant the token
    return t ? { via: 'token', name: `token:${t.name}`, role: t.role } : undefined;
  }
  const sid = req.cookies?.[SESSION_COOKIE];
  if (sid) {
    const s = await ctx.sessions.get(sid);
    if (s) return { via: 'session', name: s.user, role: s.role, csrf: s.csrf, sessionId: sid };
  }
  return ctx.o.anonymousRole ? { via: 'anonymous', name: 'anonymous', role: ctx.o.anonymousRole } : undefined;
}

function deny(reply: FastifyReply, status: 401 | 403, error: string, message: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="argus"');
  return reply.code(status).send({ error, message });
}

/**
 * Records every route's rule in `table` (a route without `config.access` fails at registration) and checks each
 * request against it: credentials (token or session), the role's permission, and CSRF for session writes.
 */
export function installAuth(app: FastifyInstance, ctx: ServerContext, table: RouteRule[]): void {
  app.addHook('onRoute', (r) => {
    const access = r.config?.access;
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    if (!access) throw new Error(`server: route ${methods.join(',')} ${r.url} has no config.access rule`);
    for (const method of methods) if (method !== 'HEAD') table.push({ method, url: r.url, access });
  });
  app.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config?.access;
    if (access === undefined || access === 'public') return;
    const p = await principalOf(ctx, req);
    if (!p)
      return deny(reply, 401, 'unauthorized', 'credentials required: a bearer token or a session cookie');
    if (!allows(p.role, access))
      return deny(
        reply,
        403,
        'forbidden',
        `role ${p.role} may not use ${req.method} ${req.routeOptions.url}`,
      );
    if (p.via === 'session' && !SAFE.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !p.csrf || !sameSecret(sent, p.csrf))
        return deny(
          reply,
          403,
          'csrf',
          'missing or wrong x-csrf-token header (take it from POST /api/login)',
        );
    }
    req.principal = p;
  });
}

/** The client address for the audit log. */
export function clientOf(req: FastifyRequest): string {
  return req.ip;
}
