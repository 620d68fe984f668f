import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, RouteRule, ServerContext } from '../context.js';
import { allows } from './roles.js';
import { sameSecret } from './secret-hash.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'argus_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A request over a limit: answered 429 with `Retry-After`. */
interface Limited {
  readonly limited: string;
  readonly retryAfterS: number;
}

/** The bearer token's principal, undefined for a wrong token, or Limited past a token limit. */
function bearer(ctx: ServerContext, req: FastifyRequest, auth: string): Principal | Limited | undefined {
  const from = clientOf(req);
  // an address that sent too many wrong tokens is refused before checking: guessing gets no answer either way
  if (ctx.limits.tokenFailures.blocked(from))
    return {
      limited: 'too many wrong tokens from this address',
      retryAfterS: ctx.limits.tokenFailures.retryAfterS(from),
    };
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  const t = m ? ctx.tokens.verify(m[1]!) : undefined;
  if (!t) {
    ctx.limits.tokenFailures.hit(from);
    return undefined;
  }
  if (!ctx.limits.tokenUse.hit(t.id))
    return {
      limited: `token ${t.name} is over its request limit`,
      retryAfterS: ctx.limits.tokenUse.retryAfterS(t.id),
    };
  return { via: 'token', name: `token:${t.name}`, role: t.role };
}

async function principalOf(
  ctx: ServerContext,
  req: FastifyRequest,
): Promise<Principal | Limited | undefined> {
  // a wrong token is not retried as a session: the caller meant the token
  if (req.headers.authorization) return bearer(ctx, req, req.headers.authorization);
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
    if (p && 'limited' in p)
      return reply
        .code(429)
        .header('retry-after', String(p.retryAfterS))
        .send({ error: 'rate_limited', message: p.limited });
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
