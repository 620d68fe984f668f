import { createEngine, createPromApi, type PromApi, storeQueryable } from '@argus/promql';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';

/** The Prometheus query API over the options' store (or their `promApi`), or `undefined` without either. */
export function promApiOf(ctx: ServerContext): PromApi | undefined {
  if (ctx.o.promApi) return ctx.o.promApi;
  if (!ctx.o.store) return undefined;
  const queryable = storeQueryable(ctx.o.store);
  return createPromApi({ engine: createEngine({ queryable }), queryable });
}

/** Prometheus's query API under `/api/v1/…` (GET and form POST), so Grafana can use Argus as a data source. */
export function promRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const api = promApiOf(ctx);
  if (!api) return;
  // Prometheus's API reads form bodies itself; keep them as text for it
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const gone = new AbortController();
    req.raw.once('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    const res = await api.handle({
      method: req.method,
      path: req.url.slice(app.prefix.length),
      body: typeof req.body === 'string' ? req.body : '',
      contentType: req.headers['content-type'] ?? '',
      signal: gone.signal,
    });
    return reply.code(res.status).headers(res.headers).send(res.body);
  };
  app.route({
    method: ['GET', 'POST'],
    url: '/api/v1/*',
    config: { access: 'read' },
    schema: {
      tags: ['prometheus'],
      summary: "Prometheus's HTTP query API (query, query_range, series, labels, …)",
      hide: true,
    },
    handler,
  });
}
