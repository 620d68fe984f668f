import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** A webhook receiver mounted on the server: it checks its own shared secret, body and content type. */
export interface Webhook {
  /** Path it is posted to, e.g. `/azure/alerts`. */
  path: string;
  /** A plain `node:http` handler, e.g. `createAzureAlertHandler(…)` from @argus/source-azure. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Mounts webhook receivers (POST only) in a scope of their own. They are `public` to the session and token checks
 * because senders such as Azure action groups can only put a secret in the URL: the handler checks it. The scope
 * has no body parser, so the handler reads the request stream itself, with its own size limit.
 */
export async function webhookRoutes(app: FastifyInstance, hooks: readonly Webhook[]): Promise<void> {
  if (hooks.length === 0) return;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    for (const h of hooks)
      scope.post(h.path, { config: { access: 'public' }, schema: { hide: true } }, (req, reply) => {
        reply.hijack();
        h.handler(req.raw, reply.raw);
      });
  });
}
