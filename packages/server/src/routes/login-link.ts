import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { clientOf } from '../auth/hook.js';
import { sameSecret } from '../auth/secret-hash.js';
import { startSession } from '../auth/start-session.js';
import type { ServerContext } from '../context.js';
import type { LoginLink } from '../options.js';

/**
 * `GET /login?once=<secret>`: the one-time login link a local start prints (as notebook servers do). The first
 * request with the secret gets a session cookie and a redirect to the UI; the link is then spent.
 */
export function loginLinkRoutes(app: FastifyInstance, ctx: ServerContext, link: LoginLink): void {
  let spent = false;
  app.get(
    '/login',
    {
      config: { access: 'public', rateLimit: { max: ctx.o.loginPerMinute ?? 10, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'One-time login link: sets a session cookie and redirects to the UI',
        querystring: z.object({ once: z.string().min(1).max(256) }).strict(),
      },
    },
    async (req, reply) => {
      const { once } = req.query as { once: string };
      if (spent || !sameSecret(once, link.secret)) {
        ctx.audit.add({ actor: link.user, action: 'loginFailed', from: clientOf(req) });
        return reply.code(401).send({
          error: 'unauthorized',
          message: 'this login link is wrong or already used; log in with a password',
        });
      }
      spent = true;
      await startSession(ctx, reply, link.user, link.role);
      ctx.audit.add({ actor: link.user, action: 'login', from: clientOf(req) });
      return reply.redirect('/', 303);
    },
  );
}
