import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientOf, SESSION_COOKIE } from '../auth/hook.js';
import { ROLES } from '../auth/roles.js';
import { startSession } from '../auth/start-session.js';
import { USER_NAME } from '../auth/users.js';
import type { ServerContext } from '../context.js';

const tags = ['auth'];
const role = z.enum(ROLES as ['viewer', 'operator', 'admin', 'sender']);
// checked here, so a bad name is a 400 naming the field rather than an error from the user store
const userParams = z.object({
  name: z
    .string()
    .regex(USER_NAME, "must be 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"),
});

/** Login, logout, the current session, API tokens and local users. */
export function authRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post('/api/login', {
    config: {
      access: 'public',
      rateLimit: { max: ctx.o.loginPerMinute ?? 10, timeWindow: 60_000 },
    },
    schema: {
      tags,
      summary: 'Log in with a local user; sets an HttpOnly session cookie and returns the CSRF token',
      body: z.object({ user: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict(),
    },
    handler: async (req, reply) => {
      const u = await ctx.users.verify(req.body.user, req.body.password);
      if (!u) {
        ctx.audit.add({ actor: req.body.user.slice(0, 64), action: 'loginFailed', from: clientOf(req) });
        return reply.code(401).send({ error: 'unauthorized', message: 'wrong user or password' });
      }
      const session = await startSession(ctx, reply, u.name, u.role);
      ctx.audit.add({ actor: u.name, action: 'login', from: clientOf(req) });
      return { user: u.name, role: u.role, csrfToken: session.csrf, expiresAt: session.expiresAt };
    },
  });
  r.post('/api/logout', {
    config: { access: 'read' },
    schema: { tags, summary: 'End the session server-side' },
    handler: async (req, reply) => {
      const p = req.principal!;
      if (p.sessionId) await ctx.sessions.end(p.sessionId);
      ctx.audit.add({ actor: p.name, action: 'logout', from: clientOf(req) });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { loggedOut: true };
    },
  });
  r.get('/api/session', {
    config: { access: 'read' },
    schema: { tags, summary: 'Who is asking' },
    handler: async (req) => ({
      user: req.principal!.name,
      role: req.principal!.role,
      via: req.principal!.via,
      // a same-origin page that logged in through OIDC (a redirect, no JSON answer) takes its CSRF token here
      ...(req.principal!.csrf ? { csrfToken: req.principal!.csrf } : {}),
    }),
  });
  r.get('/api/tokens', {
    config: { access: 'admin' },
    schema: { tags, summary: 'API tokens (never their secrets)' },
    handler: async () => ctx.tokens.list(),
  });
  r.post('/api/tokens', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Make an API token; the token is in this response only',
      body: z
        .object({ name: z.string().regex(/^[\w.@-]{1,64}$/, 'must be 1-64 letters, digits, _ . @ -'), role })
        .strict(),
    },
    handler: async (req) => {
      const t = await ctx.tokens.create(req.body.name, req.body.role, req.principal!.name);
      ctx.redact.add(t.token);
      ctx.audit.add({
        actor: req.principal!.name,
        action: 'tokenCreate',
        from: clientOf(req),
        target: t.name,
      });
      return t;
    },
  });
  r.delete('/api/tokens/:id', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Revoke an API token',
      params: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/) }),
    },
    handler: async (req, reply) => {
      if (!(await ctx.tokens.revoke(req.params.id)))
        return reply.code(404).send({ error: 'not_found', message: `no token ${req.params.id}` });
      ctx.audit.add({
        actor: req.principal!.name,
        action: 'tokenRevoke',
        from: clientOf(req),
        target: req.params.id,
      });
      return { revoked: req.params.id };
    },
  });
  r.get('/api/users', {
    config: { access: 'admin' },
    schema: { tags, summary: 'Local users' },
    handler: async () => ctx.users.list(),
  });
  r.put('/api/users/:name', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Add or replace a local user',
      params: userParams,
      body: z
        .object({ password: z.string().min(12, 'must be at least 12 characters').max(1024), role })
        .strict(),
    },
    handler: async (req) => {
      const u = await ctx.users.put(req.params.name, req.body.password, req.body.role, ctx.clock.now());
      ctx.audit.add({
        actor: req.principal!.name,
        action: 'userPut',
        from: clientOf(req),
        target: u.name,
        detail: u.role,
      });
      return u;
    },
  });
  r.delete('/api/users/:name', {
    config: { access: 'admin' },
    schema: { tags, summary: 'Remove a local user', params: userParams },
    handler: async (req, reply) => {
      if (!(await ctx.users.remove(req.params.name)))
        return reply.code(404).send({ error: 'not_found', message: `no user ${req.params.name}` });
      ctx.audit.add({
        actor: req.principal!.name,
        action: 'userRemove',
        from: clientOf(req),
        target: req.params.name,
      });
      return { removed: req.params.name };
    },
  });
}
