import type { FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import type { ServerContext } from '../context.js';
import { clientOf } from './hook.js';
import type { OidcOptions } from './oidc-options.js';
import type { Role } from './roles.js';
import { startSession } from './start-session.js';

const STRENGTH: readonly Role[] = ['admin', 'operator', 'viewer', 'sender'];
const PENDING_MS = 600_000;
const PENDING_MAX = 1000;

/** The strongest role any of the claim's values maps to. */
export function roleFrom(claim: unknown, roles: Record<string, Role>): Role | undefined {
  const values = (Array.isArray(claim) ? claim : [claim]).filter((v): v is string => typeof v === 'string');
  const granted = new Set(values.map((v) => roles[v]).filter((r): r is Role => r !== undefined));
  return STRENGTH.find((r) => granted.has(r));
}

function isLoopbackHttp(u: URL): boolean {
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

/** `GET /api/oidc/login` (redirects to the provider) and `GET /api/oidc/callback` (starts a session). */
export function oidcRoutes(app: FastifyInstance, ctx: ServerContext, o: OidcOptions): void {
  const issuer = new URL(o.issuer);
  // plain http only for a provider on this machine (tests, local development)
  const insecure = isLoopbackHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined;
  let config: Promise<oidc.Configuration> | undefined;
  const discover = (): Promise<oidc.Configuration> => {
    config ??= oidc.discovery(issuer, o.clientId, o.clientSecret, undefined, insecure).catch((err) => {
      config = undefined; // retry discovery on the next login
      throw err;
    });
    return config;
  };
  const pending = new Map<string, { verifier: string; at: number }>();

  app.get(
    '/api/oidc/login',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Log in through the identity provider (OIDC, PKCE)' },
    },
    async (_req, reply) => {
      const c = await discover();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      if (pending.size >= PENDING_MAX) pending.delete(pending.keys().next().value!);
      pending.set(state, { verifier, at: ctx.clock.now() });
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: o.redirectUri,
        scope: o.scope ?? 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      return reply.redirect(url.href);
    },
  );

  app.get(
    '/api/oidc/callback',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'The provider sends the browser back here' },
    },
    async (req, reply) => {
      const here = new URL(req.url, o.redirectUri);
      const state = here.searchParams.get('state') ?? '';
      const p = pending.get(state);
      pending.delete(state);
      if (!p || ctx.clock.now() - p.at > PENDING_MS)
        return reply.code(400).send({
          error: 'bad_request',
          field: 'querystring.state',
          message: 'unknown or expired login; start again at /api/oidc/login',
        });
      const c = await discover();
      let claims: oidc.IDToken | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(c, here, {
          pkceCodeVerifier: p.verifier,
          expectedState: state,
        });
        claims = tokens.claims();
      } catch (err) {
        ctx.audit.add({
          actor: 'oidc',
          action: 'loginFailed',
          from: clientOf(req),
          detail: ctx.redact.text((err as Error).message),
        });
        return reply
          .code(401)
          .send({ error: 'unauthorized', message: 'the identity provider did not confirm the login' });
      }
      const user = String(claims?.['preferred_username'] ?? claims?.sub ?? '');
      const role = roleFrom(claims?.[o.roleClaim ?? 'groups'], o.roles);
      if (!role) {
        ctx.audit.add({
          actor: user,
          action: 'loginFailed',
          from: clientOf(req),
          detail: 'no role mapped from the OIDC claims',
        });
        return reply.code(403).send({
          error: 'forbidden',
          message: `no Argus role for ${user}: map one of its ${o.roleClaim ?? 'groups'} in oidc.roles`,
        });
      }
      await startSession(ctx, reply, user, role);
      ctx.audit.add({ actor: user, action: 'login', from: clientOf(req), detail: 'oidc' });
      return reply.redirect('/');
    },
  );
}
