import type { FastifyReply } from 'fastify';
import type { ServerContext } from '../context.js';
import { SESSION_COOKIE } from './hook.js';
import type { Role } from './roles.js';
import type { Session } from './sessions.js';

/** Starts a server-side session and sets its HttpOnly, SameSite cookie (Secure under TLS). */
export async function startSession(
  ctx: ServerContext,
  reply: FastifyReply,
  user: string,
  role: Role,
): Promise<Session> {
  const { id, session } = await ctx.sessions.create(user, role);
  reply.setCookie(SESSION_COOKIE, id, {
    httpOnly: true,
    // Strict works for OIDC too: the callback sets the cookie on its own response, after the provider's redirect
    sameSite: 'strict',
    secure: ctx.o.secureCookies ?? false,
    path: '/',
    maxAge: Math.floor((ctx.o.sessionTtlMs ?? 43_200_000) / 1000),
  });
  return session;
}
